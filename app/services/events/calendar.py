"""Events (HA-4): what a user sees when (lists, month grids). Who sees which is
permissions.visible_events / can_view_event.

Event times are stored as naive Japan time (the wall-clock time organisers announce, as in the
demo data), unlike the naive-UTC bookkeeping timestamps (created_at, updated_at).
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_

from app.extensions import db
from app.models import Event, Posting
from app.permissions import visible_events

JST_OFFSET = timedelta(hours=9)


def now_jst() -> datetime:
    return (datetime.now(UTC) + JST_OFFSET).replace(tzinfo=None)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) covering the days first..last."""
    start = datetime.combine(first, datetime.min.time())
    end = datetime.combine(last + timedelta(days=1), datetime.min.time())
    return start, end


def events_between(user, first: date, last: date) -> list[Event]:
    start, end = day_bounds(first, last)
    stmt = visible_events(user).where(Event.starts_at >= start, Event.starts_at < end)
    return db.session.scalars(stmt.order_by(Event.starts_at, Event.id)).all()


def upcoming_events(user, limit: int = 5, now: datetime | None = None) -> list[Event]:
    now = now or now_jst()
    # Still-running events count as upcoming: they end later, or started today.
    started_today = datetime.combine(now.date(), datetime.min.time())
    stmt = visible_events(user).where(
        or_(Event.ends_at >= now, Event.starts_at >= started_today)
    )
    return db.session.scalars(stmt.order_by(Event.starts_at, Event.id).limit(limit)).all()


def events_for_posting(user, posting: Posting) -> list[Event]:
    stmt = visible_events(user).where(Event.posting_id == posting.id)
    return db.session.scalars(stmt.order_by(Event.starts_at)).all()


def local_day(value: datetime) -> date:
    return value.date()


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
