"""The one time convention of the models, and its helpers.

Every datetime in Python is timezone-aware. `Mapped[datetime]` columns are `Timestamp`s (set for
all models in app/extensions.py): stored as naive UTC (a portable `timestamp` column on SQLite
and PostgreSQL), read back as aware UTC. Saving or comparing a naive datetime raises, so a
Japan wall-clock time can never be taken for UTC. Pages show Japan time (`to_jst`); machine
outputs (API, feeds, sitemap) carry their offset (`isoformat`, e.g. 2025-04-01T09:00:00+09:00),
and iCalendar uses UTC with `Z`.
"""

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

JST = timezone(timedelta(hours=9), "JST")  # Japan has no daylight saving time


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def now_jst() -> datetime:
    """Now, aware, in Japan time (for "today" and "this month" as the users see them)."""
    return datetime.now(JST)


def to_jst(value: datetime) -> datetime:
    return _aware(value).astimezone(JST)


def isoformat(value: datetime | None) -> str | None:
    """RFC 3339 in Japan time with its offset: 2025-04-01T09:00:00+09:00 (None stays None)."""
    if value is None:
        return None
    return to_jst(value).isoformat(timespec="seconds")


def jst_midnight(day) -> datetime:
    """The start of a Japan calendar day, aware."""
    return datetime(day.year, day.month, day.day, tzinfo=JST)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: give it a time zone (UTC or JST, see app/timestamps.py)")
    return value


class Timestamp(TypeDecorator):
    """A point in time: aware datetimes in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return _aware(value).astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
