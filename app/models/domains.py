"""Official e-mail domains of a municipality: sign-up is open only to addresses in them."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class MunicipalityDomain(db.Model):
    __tablename__ = "municipality_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    # Lower-case, no "@". One domain belongs to one municipality, so an address says whose it is.
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    municipality = relationship("Municipality")

    def __repr__(self) -> str:
        return f"<MunicipalityDomain {self.domain} ({self.municipality_id})>"
