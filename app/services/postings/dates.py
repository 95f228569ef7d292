"""Sensible date windows for postings, the same for the form, the service and the importer.

A deadline or a validity date before the posting was created, or decades ahead, is a typing
mistake (1900-01-01, 9999-12-31), not a plan: such a posting would be listed as 募集中 forever.
"""

from datetime import date, datetime

from flask_babel import gettext as _

from app.i18n import translated
from app.models.kinds import REGISTRY
from app.services.contact.workdays import jst_date
from app.timestamps import utcnow

# The kinds' own fields, as the forms name them (messages name the field the same way).
LABELS = {d.name: d.label for kind in REGISTRY.values() for d in kind.details}

YEARS_AHEAD = 10  # the furthest a deadline, validity or start may lie after the posting
YEARS_BEFORE_START = 10  # a staff exchange may already be under way when it is posted
EARLIEST_PERIOD = "1900-01"  # case studies record history, some of it long


class InvalidDates(ValueError):
    """Dates outside their window; `problems` maps each field to its message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("／".join(f"「{key}」{message}" for key, message in problems.items()))
        self.problems = problems


def reference_date(posting=None, published_at: datetime | None = None) -> date:
    """The posting's creation date: the earliest of today, when it was stored and when it was
    published (an imported posting may have been published long before it was stored)."""
    candidates = [jst_date(utcnow())]
    for value in (getattr(posting, "created_at", None), getattr(posting, "published_at", None),
                  published_at):
        if value is not None:
            candidates.append(jst_date(value))
    return min(candidates)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _label(day: date) -> str:
    return day.isoformat()


def problems(kind: str, details: dict, reference: date) -> dict[str, str]:
    """Field → message for each date outside its window (empty when all is well)."""
    found: dict[str, str] = {}
    latest = _years_after(reference, YEARS_AHEAD)
    names = {key: translated(LABELS[key]) for key in ("deadline", "valid_until", "start_date")}
    for key in ("deadline", "valid_until"):
        value = details.get(key)
        if value is None:
            continue
        if value < reference:
            found[key] = _("%(name)sは投稿の作成日（%(day)s）以降の日付にしてください。",
                           name=names[key], day=_label(reference))
        elif value > latest:
            found[key] = _("%(name)sは%(years)s年先（%(day)s）までの日付にしてください。",
                           name=names[key], years=YEARS_AHEAD, day=_label(latest))
    start = details.get("start_date")
    if start is not None:
        earliest = _years_after(reference, -YEARS_BEFORE_START)
        if not earliest <= start <= latest:
            found["start_date"] = _("%(name)sは%(first)s〜%(last)sの日付にしてください。",
                                    name=names["start_date"], first=_label(earliest), last=_label(latest))
    found.update(_period_problems(details, latest))
    return found


def _period_problems(details: dict, latest: date) -> dict[str, str]:
    found: dict[str, str] = {}
    last_month = f"{latest.year:04d}-{latest.month:02d}"
    start, end = details.get("period_start"), details.get("period_end")
    for key, value in (("period_start", start), ("period_end", end)):
        if value and not EARLIEST_PERIOD <= value <= last_month:
            found[key] = _("年月は%(first)s〜%(last)sの範囲で入力してください。",
                           first=EARLIEST_PERIOD, last=last_month)
    if start and end and "period_start" not in found and "period_end" not in found and end < start:
        found["period_end"] = _("終了年月は開始年月（%(start)s）より後にしてください。", start=start)
    return found


def check(kind: str, details: dict, reference: date) -> None:
    """Raise InvalidDates when a date is outside its window."""
    found = problems(kind, details, reference)
    if found:
        raise InvalidDates(found)

