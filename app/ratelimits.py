"""Rate limits shared by several blueprints (Flask-Limiter is in app/extensions.py)."""

from flask import current_app, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter


def address_key() -> str:
    """Per e-mail address typed into the form (field `email`), else per client address: caps
    what one address can be sent or made to send, whoever submits the form."""
    email = (request.form.get("email") or "").strip().lower()
    return f"address:{email}" if email else f"ip:{get_remote_address()}"


def _matching_limit() -> str:
    return current_app.config["RATELIMIT_MATCHING"]


# The pages and API calls that run matching queries for any parameters (disaster planning,
# disaster offers, a posting's matches) share one budget per client address.
limit_matching = limiter.shared_limit(_matching_limit, scope="matching")
