"""Disaster declarations: while one is active the site is in disaster mode (a banner on every
page, the disaster page listing the offers that fit, fitting offers first in disaster searches).

Declared by a liaison desk or an admin; ends by hand (`ended_at`) or at `ends_on`. Past ones stay
readable. Every declaration and change is in the audit log.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.postings import OFFER_TYPES


class DisasterDeclaration(db.Model):
    __tablename__ = "disaster_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    prefectures: Mapped[list] = mapped_column(JSON, default=list)
    needs: Mapped[list] = mapped_column(JSON, default=list)  # offer types (OFFER_TYPES keys)
    people: Mapped[int | None] = mapped_column(Integer)  # people to move, when known
    note: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    created_by = relationship("User")

    def is_active(self, today: date) -> bool:
        if self.ended_at is not None or self.starts_on > today:
            return False
        return self.ends_on is None or self.ends_on >= today

    @property
    def need_labels(self) -> list[str]:
        return [OFFER_TYPES[n] for n in OFFER_TYPES if n in (self.needs or [])]
