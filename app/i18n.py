"""Locale selection: Japanese by default, English when the visitor toggles it (cookie)."""

from flask import current_app, has_request_context, request

LANG_COOKIE = "lang"


def select_locale() -> str:
    # The CLI and the mail worker have no request: their messages are in the default language.
    chosen = request.cookies.get(LANG_COOKIE) if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
