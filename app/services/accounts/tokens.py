"""Signed links for account mails: verify a sign-up, reset a password, confirm a new address.

A token is signed with SECRET_KEY (itsdangerous, which Flask ships) under a salt per purpose,
expires after a configured age, and carries a fingerprint of the account's state (address,
password hash, verification, municipality, session version): once the link has done its job
that state has changed, so every link is single-use without storing anything.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.models import User

# purpose -> config key of its maximum age in seconds
PURPOSES = {
    "verify": "SIGNUP_TOKEN_MAX_AGE",
    "reset": "RESET_TOKEN_MAX_AGE",
    "email": "SIGNUP_TOKEN_MAX_AGE",
    "transfer": "SIGNUP_TOKEN_MAX_AGE",
}


class TokenError(ValueError):
    """The link cannot be used; `expired` tells a stale link from a wrong or used one."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kakehashi.account.{purpose}")


def fingerprint(user: User) -> str:
    state = "|".join(str(v) for v in (
        user.id, user.email, user.password_hash, user.email_verified_at, user.approval,
        user.municipality_id, user.session_version or 0,
    ))
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def issue(purpose: str, user: User, **claims) -> str:
    """A token for `user` (flushed, so it has an id); extra claims are signed, not secret."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return _serializer(purpose).dumps({"u": user.id, "f": fingerprint(user), **claims})


def max_age(purpose: str) -> int:
    return int(current_app.config[PURPOSES[purpose]])


def read(purpose: str, token: str) -> tuple[User, dict]:
    """The account and claims of a valid, unexpired, unused token; TokenError otherwise."""
    if not token or len(token) > 500:
        raise TokenError()
    try:
        claims = _serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise TokenError(expired=True) from None
    except BadSignature:
        raise TokenError() from None
    user_id = claims.get("u") if isinstance(claims, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or claims.get("f") != fingerprint(user):
        raise TokenError()
    return user, claims
