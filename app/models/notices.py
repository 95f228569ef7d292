"""Inbox notices: short messages from the platform itself to an officer (not a conversation).

The first kind is "match": new postings that fit one of the officer's open requests. At most
one notice per kind, posting and (Japan) day: later fits on the same day join its items.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

NOTICE_KINDS = {"match": "合いそうな新しい投稿"}


class Notice(db.Model):
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("kind", "posting_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    # What the notice is about (for "match": the officer's request).
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    # [{"posting_id", "title", "municipality", "reasons": [...]}, …] in the order they came.
    items: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    read_at: Mapped[datetime | None]

    officer = relationship("Officer")
    posting = relationship("Posting")

    @property
    def kind_label(self) -> str:
        return NOTICE_KINDS.get(self.kind, self.kind)
