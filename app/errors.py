"""Error pages (HTML, in the visitor's language) and JSON errors for the API."""

import contextlib
import math
import time
from datetime import datetime

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from app.permissions import Forbidden

MESSAGES = {
    400: (_l("リクエストが正しくありません"), _l("入力内容を確認して、もう一度お試しください。")),
    403: (_l("このページを見る権限がありません"), _l("ログインしているアカウントでは、この操作はできません。")),
    404: (_l("ページが見つかりません"), _l("URLが変わったか、公開が終了した可能性があります。")),
    405: (_l("この操作はできません"), _l("ページを読み込み直して、もう一度お試しください。")),
    413: (_l("送信された内容が大きすぎます"), _l("ファイルや本文を小さくして、もう一度お試しください。")),
    429: (_l("しばらく時間をおいてください"), _l("短い時間に多くの操作がありました。少し待ってからもう一度お試しください。")),
    503: (_l("ただいま一時的にご利用いただけません"),
          _l("システムの保守中か、データベースに接続できない状態です。データは失われていません。")),
    500: (_l("サーバーで問題が発生しました"), _l("ご迷惑をおかけしています。時間をおいてもう一度お試しください。")),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, detail: str | None = None):
    title, message = (str(text) for text in MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400]))
    if _wants_json():
        return jsonify({"error": {"code": code, "message": detail or title}}), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


_PERIODS = {  # limits' granularity -> "1分間", "1時間", "1日"
    "second": lambda n: ngettext("%(num)d秒間", "%(num)d秒間", n),
    "minute": lambda n: ngettext("%(num)d分間", "%(num)d分間", n),
    "hour": lambda n: ngettext("%(num)d時間", "%(num)d時間", n),
    "day": lambda n: ngettext("%(num)d日", "%(num)d日", n),
    "month": lambda n: ngettext("%(num)dか月", "%(num)dか月", n),
    "year": lambda n: ngettext("%(num)d年", "%(num)d年", n),
}


def _wait(seconds: int) -> str:
    """How long until the limit resets, roughly: 40秒, 2分, 3時間."""
    if seconds < 60:
        return ngettext("%(num)d秒", "%(num)d秒", seconds)
    if seconds < 3600:
        return ngettext("%(num)d分", "%(num)d分", max(1, round(seconds / 60)))
    if seconds < 86400:
        return _PERIODS["hour"](max(1, round(seconds / 3600)))
    return _PERIODS["day"](max(1, round(seconds / 86400)))


def rate_limit_message(error: RateLimitExceeded) -> str:
    """「この操作は1分間に5回までです。40秒後（12:34ごろ）に…」: the limit and when to try again."""
    from app.extensions import limiter
    from app.timestamps import JST

    item = error.limit.limit
    period = _PERIODS.get(item.GRANULARITY.name, _PERIODS["minute"])(item.multiples)
    current = limiter.current_limit
    reset_at = current.reset_at if current is not None else time.time() + item.get_expiry()
    seconds = max(1, math.ceil(reset_at - time.time()))
    at = datetime.fromtimestamp(reset_at, JST)
    return _("この操作は%(period)sに%(amount)d回までです。%(wait)s後（%(time)sごろ）に、もう一度お試しください。",
             period=period, amount=item.amount, wait=_wait(seconds), time=f"{at:%H:%M}")


def database_unreachable(error: DBAPIError) -> bool:
    """The database is down or gone (not a bad statement): connection lost, refused, or a
    SQLite file that cannot be opened or has no tables."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    return bool(error.connection_invalidated) or isinstance(error, OperationalError | InterfaceError)


def render_unavailable():
    """503 with Retry-After: a page that stands alone (nothing in it asks the database)."""
    from flask import current_app

    from app.extensions import db

    with contextlib.suppress(Exception):  # the connection may be gone already
        db.session.rollback()
    retry_after = int(current_app.config["UNAVAILABLE_RETRY_AFTER"])
    headers = {"Retry-After": str(retry_after), "Cache-Control": "no-store"}
    title, message = (str(text) for text in MESSAGES[503])
    if _wants_json():
        return jsonify({"error": {"code": 503, "message": title}}), 503, headers
    body = render_template("errors/unavailable.html", title=title, message=message,
                           minutes=max(1, math.ceil(retry_after / 60)))
    return body, 503, headers


def register(app) -> None:
    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        if not database_unreachable(error):
            raise error  # a bug, not an outage: the 500 handler (and the logs) take it
        app.logger.warning("database unreachable (%s): answering 503", type(error.orig).__name__)
        return render_unavailable()

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, _("フォームの有効期限が切れたか、正しくない送信です。ページを読み込み直して、もう一度送信してください。")
        )

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded):
        # Flask-Limiter adds Retry-After and the X-RateLimit headers to this response.
        return render_error(429, rate_limit_message(error))

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
        # Our own abort(…, description="…") messages are ours; Werkzeug's defaults are English only.
        custom = error.description != type(error).description and error.code != 500
        body, code = render_error(error.code or 500, error.description if custom else None)
        # Keep what the exception says in headers (405: Allow, 429: Retry-After), not its body type.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, code, headers
