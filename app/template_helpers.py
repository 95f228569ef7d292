"""Jinja filters and the values every template can use."""

from datetime import date, datetime

from flask import request

from app.markdown import render_markdown
from app.models.geo import REGIONS
from app.models.postings import KIND_SLUGS, KINDS
from app.timestamps import isoformat, to_jst


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_jst(value)
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_jst(value)
    return f"{format_date(local)} {local:%H:%M}"


def register(app) -> None:
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(format_date, "date_ja")
    app.add_template_filter(format_datetime, "datetime_ja")
    app.add_template_filter(isoformat, "isoformat")  # machine-readable, with its offset

    @app.context_processor
    def common_values():
        return {
            "KINDS": KINDS,
            "KIND_SLUGS": KIND_SLUGS,
            "REGIONS": REGIONS,
            "text_size": request.cookies.get("text_size", "normal"),
        }
