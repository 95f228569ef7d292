"""Signed links that work without logging in: one-click unsubscribe and saved-search feeds.

The tokens are signed with SECRET_KEY (itsdangerous, which Flask itself uses for sessions),
carry only ids, and never expire: a link in an old mail must still stop the mail.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

UNSUBSCRIBE = "follow-unsubscribe"
FEED = "follow-feed"


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=salt)


def unsubscribe_token(user_id: int, follow_ids: list[int]) -> str:
    return _serializer(UNSUBSCRIBE).dumps({"u": user_id, "f": sorted(follow_ids)})


def read_unsubscribe(token: str) -> tuple[int, list[int]] | None:
    try:
        data = _serializer(UNSUBSCRIBE).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    ids = [i for i in data.get("f") or [] if isinstance(i, int)]
    return data["u"], ids


def feed_token(follow_id: int) -> str:
    return _serializer(FEED).dumps(follow_id)


def read_feed(token: str) -> int | None:
    try:
        value = _serializer(FEED).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
