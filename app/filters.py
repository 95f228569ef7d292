"""Validated list filters from the query string, shared by list pages and municipality pages."""

from flask import abort, request

from app.models import REGIONS
from app.models.geo import PREFECTURES
from app.models.postings import KINDS, REQUEST_STATUSES, STATUSES
from app.services.postings import ListFilters

CATEGORY_CODES = {f"A-{i}" for i in range(1, 11)} | {f"B-{i}" for i in range(1, 12)}


def _choice(name: str, allowed, label: str) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        abort(400, description=f"{label}の指定「{value}」は使えません。")
    return value


def page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 10000:
        abort(400, description="ページ番号は1以上の数で指定してください。")
    return int(raw)


def list_filters(kind: str | None = None) -> ListFilters:
    return ListFilters(
        kind=kind or _choice("kind", KINDS, "種類"),
        category=_choice("category", CATEGORY_CODES, "カテゴリ"),
        prefecture=_choice("prefecture", PREFECTURES, "都道府県"),
        region=_choice("region", REGIONS, "地域"),
        status=_choice("status", {**STATUSES, **REQUEST_STATUSES}, "状態"),
    )
