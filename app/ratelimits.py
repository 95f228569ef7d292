"""Rate-limit keys shared by the public forms (Flask-Limiter is in app/extensions.py)."""

from flask import request
from flask_limiter.util import get_remote_address


def address_key() -> str:
    """Per e-mail address typed into the form (field `email`), else per client address: caps
    what one address can be sent or made to send, whoever submits the form."""
    email = (request.form.get("email") or "").strip().lower()
    return f"address:{email}" if email else f"ip:{get_remote_address()}"
