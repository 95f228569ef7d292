"""Error pages in Japanese (HTML) and JSON errors for the API."""

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.permissions import Forbidden

MESSAGES = {
    400: ("リクエストが正しくありません", "入力内容を確認して、もう一度お試しください。"),
    403: ("このページを見る権限がありません", "ログインしているアカウントでは、この操作はできません。"),
    404: ("ページが見つかりません", "URLが変わったか、公開が終了した可能性があります。"),
    405: ("この操作はできません", "ページを読み込み直して、もう一度お試しください。"),
    413: ("送信された内容が大きすぎます", "ファイルや本文を小さくして、もう一度お試しください。"),
    429: ("しばらく時間をおいてください", "短い時間に多くの操作がありました。少し待ってからもう一度お試しください。"),
    500: ("サーバーで問題が発生しました", "ご迷惑をおかけしています。時間をおいてもう一度お試しください。"),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if _wants_json():
        return jsonify({"error": {"code": code, "message": detail or title}}), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, "フォームの有効期限が切れたか、正しくない送信です。ページを読み込み直して、もう一度送信してください。"
        )

    @app.errorhandler(Forbidden)
    def forbidden(error: Forbidden):
        from app.extensions import db

        db.session.rollback()  # nothing half-made survives a refusal
        if error.hide:
            return render_error(404)
        return render_error(403, error.message or None)

    # Unhandled exceptions reach this as InternalServerError (outside tests, which propagate).
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Our own abort(…, description="…") messages are Japanese; Werkzeug's defaults are not.
        custom = error.description != type(error).description and error.code != 500
        body, code = render_error(error.code or 500, error.description if custom else None)
        # Keep what the exception says in headers (405: Allow, 429: Retry-After), not its body type.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, code, headers
