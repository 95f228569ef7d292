"""Contact routing: liaison desks, threads, messages, the mail outbox and sender blocks."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.i18n import N_
from app.models.base import utcnow

THREAD_STATUSES = {"new": N_("未読"), "read": N_("既読"), "replied": N_("返信済み"), "closed": N_("完了")}
# Threads someone still has to act on.
OPEN_STATUSES = ("new", "read", "replied")


class Desk(db.Model):
    """A liaison desk (窓口): one per special ward, and the central desk (municipality_id NULL)."""

    __tablename__ = "desks"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # Shared desk mailbox for notifications; never shown on pages.
    email: Mapped[str] = mapped_column(String(254), default="")

    municipality = relationship("Municipality")
    members = relationship("User", back_populates="desk")

    @property
    def is_central(self) -> bool:
        return self.municipality_id is None


class Thread(db.Model):
    """A conversation between an outside sender and an officer (or a desk)."""

    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id"), index=True)
    # The ward or municipality the message is about (set for desk messages and postings alike).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), index=True)
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desks.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    sender_name: Mapped[str] = mapped_column(String(100))
    sender_email: Mapped[str] = mapped_column(String(254), index=True)
    sender_organisation: Mapped[str] = mapped_column(String(120), default="")
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # SHA-256 of the sender's private link token; the token itself is only ever e-mailed.
    access_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    first_reply_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]

    posting = relationship("Posting")
    municipality = relationship("Municipality")
    officer = relationship("Officer")
    desk = relationship("Desk")
    sender_user = relationship("User")
    messages = relationship(
        "Message", back_populates="thread", order_by="Message.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return THREAD_STATUSES[self.status]


class Message(db.Model):
    """One entry of a thread's history: a message, a reply, a forward note, a handover…"""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    # sender | officer | desk | system
    author_kind: Mapped[str] = mapped_column(String(20))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    # message | reply | forward | handover | escalation | note
    event: Mapped[str] = mapped_column(String(20), default="message")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread = relationship("Thread", back_populates="messages")
    author_user = relationship("User")


class OutboxMail(db.Model):
    """An e-mail to send, written in the same transaction as what caused it.

    `flask mail deliver` sends pending rows with retries; `message_id` is stable so that a
    retry after an uncertain failure is recognisable as the same mail. States: pending
    (sent_at and failed_at empty), sent (sent_at), failed (failed_at: given up after
    MAIL_MAX_ATTEMPTS or a permanent refusal, `last_error` says why; admins resend or drop it).
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200), default="")
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # immediate mails are sent by the worker; digest ones are bundled into a daily digest.
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    failed_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[dict] = mapped_column(JSON, default=dict)


class Block(db.Model):
    """An officer (or desk member) refusing further messages from one sender address."""

    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("user_id", "sender_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sender_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
