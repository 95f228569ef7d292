"""What the contact rules accept as a message, and the refusal they raise."""

import re

from flask_babel import gettext as _

MAX_BODY = 5000
MAX_SUBJECT = 200
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>")


class ContactError(ValueError):
    """A request the rules refuse; the message is Japanese and shown to the user."""


def looks_like_html(text: str) -> bool:
    return bool(_HTML_TAG.search(text or ""))


def check_text(body: str, subject: str = "") -> None:
    """Service-level guard (the forms say the same thing earlier, field by field)."""
    if not body.strip():
        raise ContactError(_("本文を入力してください。"))
    if len(body) > MAX_BODY or len(subject) > MAX_SUBJECT:
        raise ContactError(_("本文は%(body)d文字以内、件名は%(subject)d文字以内にしてください。",
                             body=MAX_BODY, subject=MAX_SUBJECT))
    if looks_like_html(body) or looks_like_html(subject):
        raise ContactError(_("HTMLタグは使えません。プレーンテキストで入力してください。"))
