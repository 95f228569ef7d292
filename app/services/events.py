"""Events (HA-4): who sees which, month grids, saving, and iCalendar (RFC 5545) output.

Events are public only when marked public AND their posting (if any) is visible: the posting's
rule comes from visible_postings, so there is one rule for both.

Event times are stored as naive Japan time (the wall-clock time organisers announce, as in the
demo data), unlike the naive-UTC bookkeeping timestamps (created_at, updated_at).
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, or_, select

from app import permissions
from app.extensions import db
from app.models import Event, Posting
from app.services.postings import PermissionDenied, visible_postings

JST_OFFSET = timedelta(hours=9)


def visible_events(user) -> Select:
    posting_ids = visible_postings(user).with_only_columns(Posting.id)
    stmt = select(Event).where(or_(Event.posting_id.is_(None), Event.posting_id.in_(posting_ids)))
    if not permissions.is_official(user):
        stmt = stmt.where(Event.visibility == "public")
    return stmt


def can_view_event(user, event: Event) -> bool:
    if event.posting is not None and not permissions.can_view_posting(user, event.posting):
        return False
    return event.visibility == "public" or permissions.is_official(user)


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


# --- saving ------------------------------------------------------------------------------


@dataclass
class EventInput:
    title: str
    municipality_id: int
    starts_at: datetime  # naive Japan time
    ends_at: datetime | None = None
    kind: str = "programme"
    description: str = ""
    place: str | None = None
    online_url: str | None = None
    posting: Posting | None = None
    visibility: str = "public"


def save_event(event: Event | None, data: EventInput, actor) -> Event:
    if not permissions.can_create_posting_for(actor, data.municipality_id):
        raise PermissionDenied
    if event is not None and not permissions.can_edit_event(actor, event):
        raise PermissionDenied
    if event is None:
        event = Event()
        db.session.add(event)
    event.title = data.title.strip()
    event.municipality_id = data.municipality_id
    event.starts_at = data.starts_at
    event.ends_at = data.ends_at
    event.kind = data.kind
    event.description = data.description.strip()
    event.place = (data.place or "").strip() or None
    event.online_url = (data.online_url or "").strip() or None
    event.posting = data.posting
    event.visibility = data.visibility
    db.session.commit()
    return event


def delete_event(event: Event, actor) -> None:
    if not permissions.can_edit_event(actor, event):
        raise PermissionDenied
    db.session.delete(event)
    db.session.commit()


# --- iCalendar (RFC 5545), written by hand: a few properties, escaped, folded, CRLF --------


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """Fold to at most 75 octets per line, never splitting a UTF-8 character (3.1)."""
    parts, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not parts else 74  # continuation lines start with one space
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += ch
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def _event_utc(value: datetime) -> str:
    """Event times are naive Japan time; calendars get UTC (no VTIMEZONE needed)."""
    return _utc(value - JST_OFFSET)


def _vevent(event: Event, url: str, host: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@{host}",
        f"DTSTAMP:{_utc(event.updated_at or event.created_at)}",  # naive UTC
        f"DTSTART:{_event_utc(event.starts_at)}",
    ]
    if event.ends_at:
        lines.append(f"DTEND:{_event_utc(event.ends_at)}")
    lines.append(f"SUMMARY:{ics_escape(event.title)}")
    description = event.description or ""
    if event.online_url:
        description = f"{description}\nオンライン: {event.online_url}".strip()
    if description:
        lines.append(f"DESCRIPTION:{ics_escape(description)}")
    location = event.place or ("オンライン" if event.online_url else "")
    if location:
        lines.append(f"LOCATION:{ics_escape(location)}")
    lines.append(f"URL:{url}")
    lines.append(f"CATEGORIES:{ics_escape(event.kind_label)}")
    lines.append("END:VEVENT")
    return lines


def to_ics(events: list[Event], url_for_event, host: str, name: str = "架け橋 イベント") -> str:
    """A VCALENDAR with one VEVENT per event; `url_for_event(event)` gives its page URL."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kakehashi//Events//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_escape(name)}",
        "X-WR-TIMEZONE:Asia/Tokyo",
    ]
    for event in events:
        lines += _vevent(event, url_for_event(event), host)
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)
