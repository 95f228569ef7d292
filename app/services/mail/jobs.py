"""Background job runs (the worker's digest passes): when each last ran, how it went and how
much it sent, so that admins see a job that silently stopped or keeps failing."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import JobRun
from app.models.base import utcnow


@dataclass
class Record:
    sent: int = 0
    error: str = ""


def _ensure(name: str) -> None:
    if db.session.get(JobRun, name) is not None:
        return
    try:
        db.session.add(JobRun(name=name, ok=True, sent=0, total_sent=0, error=""))
        db.session.commit()
    except IntegrityError:  # another worker created it first
        db.session.rollback()


def _set(name: str, **values) -> None:
    db.session.execute(update(JobRun).where(JobRun.name == name).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


@contextmanager
def recorded(name: str, now: datetime):
    """Run a job body and record it (SQL increments: two workers never lose a count)."""
    _ensure(name)
    _set(name, started_at=now)
    record = Record()
    try:
        yield record
    except Exception as exc:
        db.session.rollback()
        _set(name, ok=False, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=utcnow())
        raise
    values = {"ok": not record.error, "error": record.error, "sent": record.sent,
              "total_sent": JobRun.total_sent + record.sent, "finished_at": utcnow()}
    if record.sent:
        values["last_sent_at"] = now
    _set(name, **values)


def status(name: str, expected_every: float) -> dict:
    """For the admin page: the last run, and whether it is late (over twice the interval)."""
    row = db.session.scalar(select(JobRun).where(JobRun.name == name))
    if row is None or row.finished_at is None:
        return {"run": row, "late": True, "never": True}
    late = utcnow() - row.finished_at > timedelta(seconds=2 * expected_every + 60)
    return {"run": row, "late": late, "never": False}
