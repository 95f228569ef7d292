"""Saving and deleting events (the one write path: the form and the demo loader)."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from app import permissions
from app.cleantext import single_line
from app.extensions import db
from app.models import Event, Posting
from app.services.postings.dates import YEARS_AHEAD
from app.timestamps import now_jst

# The calendar's first month; an event before it, or more than YEARS_AHEAD years ahead, is a
# typing mistake (0026-05-01, 9999-12-31), not a plan.
FIRST_DAY = date(2000, 1, 1)


class InvalidEventDate(ValueError):
    pass


def date_window(today: date | None = None) -> tuple[date, date]:
    today = today or now_jst().date()
    try:
        last = today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        last = today.replace(year=today.year + YEARS_AHEAD, day=28)
    return FIRST_DAY, last


def date_problem(day: date, today: date | None = None) -> str | None:
    """A message when an event's day is outside the window, else None."""
    first, last = date_window(today)
    if first <= day <= last:
        return None
    return _("日付は%(first)s〜%(last)sの範囲で入力してください。", first=first.isoformat(), last=last.isoformat())


@dataclass
class EventInput:
    title: str
    municipality_id: int
    starts_at: datetime  # aware (app/timestamps.py)
    ends_at: datetime | None = None
    kind: str = "programme"
    description: str = ""
    place: str | None = None
    online_url: str | None = None
    posting: Posting | None = None
    visibility: str = "public"
    external_id: str | None = None  # the demo file's id (a re-load updates, not duplicates)


def save_event(event: Event | None, data: EventInput, actor, commit: bool = True) -> Event:
    """Create (`event=None`) or update an event; `actor=None` is the trusted CLI. Without
    `commit` the caller commits (the demo loader saves all its events at once)."""
    if actor is not None and not permissions.can_create_posting_for(actor, data.municipality_id):
        raise permissions.Forbidden
    if actor is not None and event is not None and not permissions.can_edit_event(actor, event):
        raise permissions.Forbidden
    for value in (data.starts_at, data.ends_at):
        problem = date_problem(value.date()) if value is not None else None
        if problem:
            raise InvalidEventDate(problem)
    if event is None:
        event = Event()
        db.session.add(event)
    if data.external_id:
        event.external_id = data.external_id
    event.title = single_line(data.title)
    event.municipality_id = data.municipality_id
    event.starts_at = data.starts_at
    event.ends_at = data.ends_at
    event.kind = data.kind
    event.description = data.description.strip()
    event.place = (data.place or "").strip() or None
    event.online_url = (data.online_url or "").strip() or None
    event.posting = data.posting
    event.visibility = data.visibility
    if commit:
        db.session.commit()
    return event


def delete_event(event: Event, actor) -> None:
    if not permissions.can_edit_event(actor, event):
        raise permissions.Forbidden
    db.session.delete(event)
    db.session.commit()
