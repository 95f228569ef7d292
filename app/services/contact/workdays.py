"""Working days in Japan: weekends and national holidays (祝日) are not working days.

`holidays` ships the Japanese holiday calendar (振替休日 included); without it we fall back
to weekends only rather than refusing to escalate.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

from app.timestamps import to_jst


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[date]:
    try:
        import holidays
    except ImportError:  # pragma: no cover - optional calendar
        return frozenset()
    return frozenset(holidays.Japan(years=year).keys())


def jst_date(value: datetime) -> date:
    """The Japanese calendar date of a moment."""
    return to_jst(value).date()


def is_working_day(day: date) -> bool:
    # Year-end closure (12/29–1/3) is customary in Japanese local government.
    year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and day not in _holidays(day.year) and not year_end


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days after `start`'s date up to and including `end`'s date (JST)."""
    first, last = jst_date(start), jst_date(end)
    count, day = 0, first + timedelta(days=1)
    while day <= last:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count
