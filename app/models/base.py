"""Shared column helpers."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC timestamp: portable across SQLite and PostgreSQL `timestamp` columns."""
    return datetime.now(UTC).replace(tzinfo=None)
