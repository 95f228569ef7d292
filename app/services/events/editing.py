"""Saving and deleting events (the one write path: the form and the demo loader)."""

from dataclasses import dataclass
from datetime import datetime

from app import permissions
from app.cleantext import single_line
from app.extensions import db
from app.models import Event, Posting


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
