"""Validated list filters from the query string, shared by list pages and municipality pages."""

from flask import abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from app.models import REGIONS
from app.models.geo import PREFECTURES
from app.models.postings import KINDS, REQUEST_STATUSES, STATUSES
from app.services.postings.listing import ListFilters

MAX_ID = 2**31 - 1  # the largest id a database integer column holds on SQLite and PostgreSQL


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: a number beyond any id is a 404 like any missing id, not a
    database overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


CATEGORY_CODES = {f"A-{i}" for i in range(1, 11)} | {f"B-{i}" for i in range(1, 12)}


def _choice(name: str, allowed, label: str) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        abort(400, description=_("%(label)sの指定「%(value)s」は使えません。", label=label, value=value))
    return value


def choice_arg(name: str, allowed, label: str) -> str | None:
    return _choice(name, allowed, label)


MAX_PAGE = 10000  # deeper pages are refused: OFFSET arithmetic must stay in range


def page_arg() -> int:
    """`?page=` for every paginated page and the API: 1 … MAX_PAGE, else a clear 400. No list
    is that long, so a bigger number can only be after the last page, and the message says so."""
    raw = request.args.get("page", "1").strip() or "1"
    # isascii: "²".isdigit() is true but int("²") fails.
    if not (raw.isascii() and raw.isdigit()) or not raw.strip("0"):
        abort(400, description=_("ページ番号は1〜%(max)sの数で指定してください。", max=MAX_PAGE))
    # The length check keeps int() cheap (and below Python's digit limit).
    if len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE:
        abort(400, description=_("ページ%(page)sはありません。最後のページより後です（ページ番号は%(max)sまで）。",
                                 page=raw[:12], max=MAX_PAGE))
    return int(raw)


def past_the_end(page: int, pages: int, total: int) -> str | None:
    """The message for a page number after the last page, or None when the page exists."""
    if page <= max(pages, 1):
        return None
    return _("ページ%(page)sはありません。最後のページより後です（全%(pages)sページ、%(total)s件）。",
             page=page, pages=pages, total=total)


def int_arg(name: str, label: str, low: int, high: int, default: int | None = None) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12) or not low <= int(raw) <= high:
        abort(400, description=_("%(label)sは%(low)s〜%(high)sの数で指定してください。", label=label, low=low, high=high))
    return int(raw)


def text_arg(name: str, label: str, max_length: int) -> str:
    value = request.args.get(name, "").strip()
    if len(value) > max_length:
        abort(400, description=_("%(label)sは%(max)s文字以内で指定してください。", label=label, max=max_length))
    return value


def list_filters(kind: str | None = None) -> ListFilters:
    return ListFilters(
        kind=kind or _choice("kind", KINDS, _("種類")),
        category=_choice("category", CATEGORY_CODES, _("カテゴリ")),
        prefecture=_choice("prefecture", PREFECTURES, _("都道府県")),
        region=_choice("region", REGIONS, _("地域")),
        status=_choice("status", {**STATUSES, **REQUEST_STATUSES}, _("状態")),
    )
