"""The generation of what anonymous pages show: bumped in the same transaction as any change to
the data they read, so a cached rendering of an older generation is never served again."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class CacheGeneration(db.Model):
    __tablename__ = "cache_generations"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)  # "public"
    value: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
