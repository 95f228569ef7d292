"""Events (HA-4): what a user sees when (lists, month grids). Who sees which is
permissions.visible_events / can_view_event.

Event times are aware datetimes like every other (app/timestamps.py); organisers enter and
visitors read them in Japan time, and days and months here are Japan calendar days.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_

from app.extensions import db
from app.models import Event, Posting
from app.permissions import visible_events
from app.timestamps import jst_midnight, now_jst, to_jst

__all__ = ["day_bounds", "events_between", "local_day", "month_grid", "now_jst", "upcoming_events"]


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) covering the Japan calendar days first..last."""
    return jst_midnight(first), jst_midnight(last + timedelta(days=1))


def events_between(user, first: date, last: date) -> list[Event]:
    start, end = day_bounds(first, last)
    stmt = visible_events(user).where(Event.starts_at >= start, Event.starts_at < end)
    return db.session.scalars(stmt.order_by(Event.starts_at, Event.id)).all()


def upcoming_events(user, limit: int = 5, now: datetime | None = None) -> list[Event]:
    now = now or now_jst()
    # Still-running events count as upcoming: they end later, or started today.
    started_today = jst_midnight(to_jst(now).date())
    stmt = visible_events(user).where(
        or_(Event.ends_at >= now, Event.starts_at >= started_today)
    )
    return db.session.scalars(stmt.order_by(Event.starts_at, Event.id).limit(limit)).all()


def events_for_posting(user, posting: Posting) -> list[Event]:
    stmt = visible_events(user).where(Event.posting_id == posting.id)
    return db.session.scalars(stmt.order_by(Event.starts_at)).all()


def local_day(value: datetime) -> date:
    """The Japan calendar day of a moment."""
    return to_jst(value).date()


@dataclass
class MonthGrid:
    year: int
    month: int
    weeks: list[list[date | None]]  # Sunday-first rows; None pads days outside the month
    by_day: dict[date, list[Event]]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def prev(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def month_grid(user, year: int, month: int) -> MonthGrid:
    cal = calendar.Calendar(firstweekday=6)  # Japanese calendars start on Sunday
    weeks = [[d if d.month == month else None for d in week] for week in cal.monthdatescalendar(year, month)]
    last = date(year, month, calendar.monthrange(year, month)[1])
    by_day: dict[date, list[Event]] = {}
    for event in events_between(user, date(year, month, 1), last):
        by_day.setdefault(local_day(event.starts_at), []).append(event)
    return MonthGrid(year, month, weeks, by_day)
