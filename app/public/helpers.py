"""Template helpers for the public pages: themes, illustrations, translated chrome labels."""

from datetime import date

from flask import request
from flask_babel import get_locale
from flask_login import current_user

from app.models.kinds import kind_name
from app.public.themes import story_art, theme_icon, theme_label
from app.services.events import calendar
from app.services.public import stories
from app.timestamps import to_jst


def locale() -> str:
    return str(get_locale() or "ja")


def here() -> str:
    """The current path with its query, for switches that bring the visitor back."""
    return request.full_path.rstrip("?") if request.query_string else request.path


WEEKDAYS = "月火水木金土日"
EN_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]


def _day(value, with_year: bool = True) -> str:
    if locale() == "en":
        year = f" {value.year}" if with_year else ""
        return f"{EN_WEEKDAYS[value.weekday()]} {value.day} {EN_MONTHS[value.month - 1][:3]}{year}"
    year = f"{value.year}年" if with_year else ""
    return f"{year}{value.month}月{value.day}日（{WEEKDAYS[value.weekday()]}）"


def event_when(start, end=None) -> str:
    """An event's time in Japan time, with the weekday."""
    start = to_jst(start)
    text = f"{_day(start)} {start:%H:%M}"
    if end is None:
        return text
    end = to_jst(end)
    until = "–" if locale() == "en" else "〜"
    if end.date() == start.date():
        return f"{text}{until}{end:%H:%M}"
    return f"{text}{until}{_day(end, with_year=False)} {end:%H:%M}"


def month_label(value) -> str:
    """「2026年12月」, or "December 2026" for English visitors."""
    if locale() == "en":
        return f"{EN_MONTHS[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月"


def year_month(value: str | None) -> str:
    """「2024年4月」 (or "April 2024") from the stored "2024-04"."""
    if not value:
        return ""
    try:
        year, month = value.split("-")
        return month_label(date(int(year), int(month), 1))
    except ValueError:
        return value


def register(bp) -> None:
    bp.add_app_template_filter(event_when, "event_when")
    bp.add_app_template_filter(month_label, "month_label")
    bp.add_app_template_filter(year_month, "year_month")
    # A filter, not a context value, so that imported macros (posting cards) can use it.
    bp.add_app_template_filter(kind_name, "kind_name")

    @bp.app_context_processor
    def public_helpers():
        return {
            "theme_icon": theme_icon,
            "story_art": story_art,
            "theme_name": lambda code: theme_label(code, locale()),
            "kind_name": kind_name,
            "current_locale": locale,
            "here": here,
            "related_stories": lambda posting: stories.related_stories(current_user, posting),
            "posting_events": lambda posting: calendar.events_for_posting(current_user, posting),
            "lead_category": stories.lead_category,
        }
