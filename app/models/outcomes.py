"""Partnerships made: a partnership request marked matched, with the partner municipalities,
optionally the contact thread that led to it, and later the case study that tells the result.

One record per request (what the officer recorded); the admin figures and the statistics count
these records, not only the request's status.
"""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

partnership_partners = Table(
    "partnership_partners",
    db.metadata,
    Column("partnership_id", ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True),
)


class Partnership(db.Model):
    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), unique=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    case_study_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    request = relationship("Posting", foreign_keys=[request_id])
    case_study = relationship("Posting", foreign_keys=[case_study_id])
    thread = relationship("Thread")
    recorded_by = relationship("User")
    partners = relationship("Municipality", secondary=partnership_partners, order_by="Municipality.code")
