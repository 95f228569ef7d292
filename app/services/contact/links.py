"""The outside sender's private link: a token mailed to them, only its hash stored."""

import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import Thread
from app.services.contact.audit import audit


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_sender_link(thread: Thread) -> str:
    """A fresh private link token; only its hash is stored. A new mail carries a new link
    (the previous one stops working), because the token itself is never kept."""
    token = secrets.token_urlsafe(32)
    thread.access_token_hash = token_hash(token)
    thread.token_revoked = False
    return token


def thread_for_token(token: str) -> Thread | None:
    if not token or len(token) > 100:
        return None
    thread = db.session.scalar(select(Thread).where(Thread.access_token_hash == token_hash(token)))
    if thread is None or thread.token_revoked:
        return None
    return thread


def revoke_link(thread: Thread, actor) -> None:
    permissions.require(permissions.can_read_thread(actor, thread), _("この操作はできません。"))
    thread.token_revoked = True
    audit(actor, "thread.revoke_link", thread)
    db.session.commit()
