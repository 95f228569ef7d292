"""Reply statistics: threads answered and the median time to the first reply."""

import statistics

from sqlalchemy import select

from app.extensions import db
from app.models import Thread


def reply_stats(municipality_id: int | None = None) -> dict:
    """Threads answered and the median time to the first reply (hours), for statistics."""
    stmt = select(Thread.created_at, Thread.first_reply_at).where(Thread.first_reply_at.is_not(None))
    if municipality_id is not None:
        stmt = stmt.where(Thread.municipality_id == municipality_id)
    hours = [(replied - created).total_seconds() / 3600 for created, replied in db.session.execute(stmt)]
    return {
        "answered": len(hours),
        "median_first_reply_hours": round(statistics.median(hours), 1) if hours else None,
    }
