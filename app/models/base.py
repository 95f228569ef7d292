"""Shared column helpers. Time: see app/timestamps.py (aware datetimes, naive UTC in the database)."""

from app.timestamps import utcnow

__all__ = ["utcnow"]
