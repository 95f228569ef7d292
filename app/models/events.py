"""Events (HA-4 イベント情報): fairs, tours, exchange programmes, online meetings."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.i18n import N_
from app.models.base import utcnow

EVENT_KINDS = {
    "fair": N_("物産展・フェア"),
    "tour": N_("ツアー・体験"),
    "programme": N_("交流プログラム"),
    "online": N_("オンライン"),
    "meeting": N_("会議・研修"),
}


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="programme")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    posting = relationship("Posting")
    # Every list of events shows the host: in the same query (see Posting's relations).
    municipality = relationship("Municipality", lazy="joined", innerjoin=True)

    @property
    def kind_label(self) -> str:
        return EVENT_KINDS.get(self.kind, self.kind)
