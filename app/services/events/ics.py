"""iCalendar (RFC 5545) output, written by hand: a few properties, escaped, folded, CRLF."""

from datetime import UTC, datetime

from app.cleantext import without_controls
from app.models import Event


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11); control characters are not allowed there."""
    text = without_controls(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
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
    """UTC with Z (RFC 5545 form 2): no VTIMEZONE needed, every calendar shows local time."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _vevent(event: Event, url: str, host: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@{host}",
        f"DTSTAMP:{_utc(event.updated_at or event.created_at)}",
        f"DTSTART:{_utc(event.starts_at)}",
    ]
    if event.ends_at:
        lines.append(f"DTEND:{_utc(event.ends_at)}")
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
