"""Named contact officers (担当者).

An officer is a person record that postings name as their contact. It exists before, and
independently of, any login: an account can be linked later (`user_id`). When an officer is
transferred (人事異動) the record stays, marked inactive, pointing at its successor.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class Officer(db.Model):
    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(60), default="")
    # Never rendered on any page, feed or API response: contact goes through the platform.
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    transferred_at: Mapped[datetime | None]
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    municipality = relationship("Municipality")
    user = relationship("User", back_populates="officer")
    successor = relationship("Officer", remote_side=[id])

    def current(self) -> "Officer":
        """Follow the chain of successors to the officer in post now (cycle-safe)."""
        officer, seen = self, {self.id}
        while officer.successor is not None and officer.successor.id not in seen:
            officer = officer.successor
            seen.add(officer.id)
        return officer

    @property
    def public_label(self) -> str:
        """What pages show: department, title and name, never the address."""
        return " ".join(p for p in (self.department, self.title, self.name) if p)

    def __repr__(self) -> str:
        return f"<Officer {self.name} ({self.municipality_id})>"
