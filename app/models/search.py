"""Pending search-index changes: written with the posting, cleared once the index has them."""

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class IndexQueue(db.Model):
    __tablename__ = "index_queue"

    # One row per posting: the index is brought to the posting's current database state.
    posting_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
