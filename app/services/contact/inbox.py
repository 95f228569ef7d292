"""Inboxes: the threads waiting for a user, and how many of them are unread."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app import permissions
from app.extensions import db
from app.models import Notice, Officer, Thread
from app.models.messaging import OPEN_STATUSES


def inbox_query(user, status: str | None = None, show_blocked: bool = False) -> Select:
    """The threads waiting for the user: their own (officer), their desk's, or all (admin)."""
    # The inbox shows each thread's officer with their town, or the desk: in the same query.
    stmt = select(Thread).where(permissions.inbox_threads(user)).options(
        joinedload(Thread.officer).joinedload(Officer.municipality), joinedload(Thread.desk)
    )
    blocked = permissions.blocked_senders(user)
    if show_blocked:
        stmt = stmt.where(Thread.sender_email.in_(blocked))
    else:
        stmt = stmt.where(Thread.sender_email.not_in(blocked))
    if status in ("new", "read", "replied", "closed"):
        stmt = stmt.where(Thread.status == status)
    elif status == "open":
        stmt = stmt.where(Thread.status.in_(OPEN_STATUSES))
    return stmt.order_by(Thread.updated_at.desc(), Thread.id.desc())


def unread_count(user) -> int:
    if not permissions.is_official(user):
        return 0
    stmt = inbox_query(user, "new").with_only_columns(func.count(Thread.id)).order_by(None)
    # A desk's unread ones are those it must answer itself, not those waiting for an officer.
    stmt = stmt.where(permissions.left_to_desk(user))
    unread = stmt.scalar_subquery()
    if getattr(user, "officer", None) is not None:
        # The platform's own notices (new postings that fit a request) wait in the same inbox:
        # counted in the same statement (the header asks on every page).
        notices = select(func.count(Notice.id)).where(permissions.inbox_notices(user), Notice.read_at.is_(None))
        unread = unread + notices.scalar_subquery()
    return db.session.scalar(select(unread)) or 0
