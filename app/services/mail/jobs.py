"""Background job runs (the worker's digest passes): when each last ran, how it went and how
much it sent, so that admins see a job that silently stopped or keeps failing.

A pass that sent nothing and failed in nothing is recorded at most every HEARTBEAT seconds:
the worker runs it every minute, and on SQLite every write is a moment in which a long import
can be refused its own write ("database is locked").
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import JobRun
from app.models.base import utcnow

HEARTBEAT = 600


@dataclass
class Record:
    sent: int = 0
    error: str = ""


def _ensure(name: str) -> JobRun | None:
    row = db.session.get(JobRun, name)
    if row is not None:
        return row
    try:
        db.session.add(JobRun(name=name, ok=True, sent=0, total_sent=0, error=""))
        db.session.commit()
    except IntegrityError:  # another worker created it first
        db.session.rollback()
    return None


def _set(name: str, **values) -> None:
    db.session.execute(update(JobRun).where(JobRun.name == name).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


@contextmanager
def recorded(name: str):
    """Run a job body and record it, in real time (SQL increments: two workers never lose a
    count)."""
    row = _ensure(name)
    last = row.finished_at if row is not None else None
    ok_before = row.ok if row is not None else True
    db.session.commit()  # end the read: the body's own transactions start fresh
    started = utcnow()
    record = Record()
    try:
        yield record
    except Exception as exc:
        db.session.rollback()
        _set(name, ok=False, error=f"{type(exc).__name__}: {exc}"[:2000], started_at=started,
             finished_at=utcnow())
        raise
    quiet = not record.sent and not record.error and ok_before
    if quiet and last is not None and started - last < timedelta(seconds=HEARTBEAT):
        return  # nothing new to tell the admins; the last record is recent enough
    values = {"ok": not record.error, "error": record.error, "sent": record.sent,
              "total_sent": JobRun.total_sent + record.sent, "started_at": started,
              "finished_at": utcnow()}
    if record.sent:
        values["last_sent_at"] = values["finished_at"]
    _set(name, **values)


def status(name: str, expected_every: float) -> dict:
    """For the admin page: the last run, and whether it is late (no record for more than
    twice the interval, or twice the heartbeat of quiet runs)."""
    row = db.session.scalar(select(JobRun).where(JobRun.name == name))
    if row is None or row.finished_at is None:
        return {"run": row, "late": True, "never": True}
    allowed = 2 * max(float(expected_every), HEARTBEAT) + 60
    late = utcnow() - row.finished_at > timedelta(seconds=allowed)
    return {"run": row, "late": late, "never": False}


def _owner() -> str:
    """Who holds a lease (for whoever looks at job_runs)."""
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"[:100]


@contextmanager
def lease(name: str, seconds: float):
    """Yields True if this process may run job `name` now (it holds the job's lease until the
    block ends, or `seconds` at most if it dies), False if another worker holds it. One
    conditional UPDATE: two workers started by mistake run such a job one after the other,
    never at the same time (escalation and the notice digest read, then write)."""
    _ensure(name)
    now = utcnow()
    claimed = db.session.execute(
        update(JobRun)
        .where(JobRun.name == name,
               (JobRun.lease_until.is_(None)) | (JobRun.lease_until < now))
        .values(lease_until=now + timedelta(seconds=seconds), lease_owner=_owner())
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    try:
        yield claimed
    finally:
        if claimed:
            db.session.rollback()
            _set(name, lease_until=None, lease_owner=None)
