"""Jinja filters and the values every template can use."""

from datetime import date, datetime

from flask import request
from flask_babel import get_locale
from markupsafe import Markup

from app import permissions
from app.i18n import join_words, translated
from app.markdown import render_markdown
from app.models.geo import REGIONS
from app.models.postings import (
    DIRECTIONS,
    KIND_SLUGS,
    KINDS,
    OFFER_TYPES,
    PARTNER_TYPES,
    REQUEST_STATUSES,
)
from app.timestamps import isoformat, to_jst

EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _english() -> bool:
    """Pages for a visitor who chose English; mail and the CLI stay Japanese."""
    return str(get_locale() or "ja") == "en"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_jst(value)
    if _english():
        return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_jst(value)
    return f"{format_date(local)} {local:%H:%M}"


def parenthesized(value) -> Markup:
    """A count or an aside after a word: 「（12）」 in Japanese, " (12)" in English."""
    return Markup(" ({})" if _english() else "（{}）").format(value)


def register(app) -> None:
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(format_date, "date_ja")
    app.add_template_filter(format_datetime, "datetime_ja")
    app.add_template_filter(isoformat, "isoformat")  # machine-readable, with its offset
    app.add_template_filter(translated, "translated")
    app.add_template_filter(parenthesized, "paren")
    app.add_template_filter(join_words, "join_words")
    # Templates ask the rule book too (`permissions.is_admin(current_user)`), never the roles.
    app.jinja_env.globals["permissions"] = permissions

    @app.context_processor
    def common_values():
        return {
            "KINDS": KINDS,
            "KIND_SLUGS": KIND_SLUGS,
            "REQUEST_STATUSES": REQUEST_STATUSES,
            "PARTNER_TYPES": PARTNER_TYPES,
            "OFFER_TYPES": OFFER_TYPES,
            "DIRECTIONS": DIRECTIONS,
            "REGIONS": REGIONS,
            "text_size": request.cookies.get("text_size", "normal"),
        }
