"""Read-only JSON API (v1): search and posting details. Errors are JSON (app/errors.py)."""

from datetime import UTC, datetime

from flask import abort, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from app import permissions
from app.api import bp
from app.api.openapi import document
from app.api.serialize import facets_json, posting_json, result_json, suggestion_json
from app.extensions import db
from app.filters import CATEGORY_CODES, choice_arg, int_arg, page_arg, past_the_end
from app.models import Posting
from app.models.geo import PREFECTURES
from app.models.postings import KINDS, OFFER_TYPES
from app.pagecache import page_cache_also_keyed_by
from app.ratelimits import limit_matching
from app.search.params import MAX_PER_PAGE, search_params
from app.services import matching
from app.services.matching.disasters import MAX_PEOPLE, Scenario, fitting_offers
from app.services.matching.suggestions import MAX_SUGGESTIONS
from app.services.postings import listing
from app.services.postings.listing import ListFilters
from app.services.search import query as service
from app.timestamps import JST


@bp.get("/search")
@page_cache_also_keyed_by(service.index_version)  # results follow the index too
def search():
    per_page = int_arg("per_page", "1ページの件数(per_page)", 1, MAX_PER_PAGE, default=20)
    params = search_params(per_page=per_page)
    found = service.search(current_user, params)
    if not found.available:
        abort(503, description="検索は一時的に利用できません。")
    beyond = past_the_end(params.page, found.pages, found.total)
    if beyond:
        abort(404, description=beyond)
    return jsonify(
        total=found.total,
        strict_total=found.strict_total,
        related=found.related,
        readings=found.readings,
        page=params.page,
        per_page=params.per_page,
        results=[result_json(item) for item in found.items],
        facets=facets_json(found.facets),
    )


@bp.get("/postings")
def postings():
    """Every posting the caller may see, for harvesters: filtered like search, oldest change
    first (updated_at, then id), so `updated_since` plus paging never skips a posting."""
    per_page = int_arg("per_page", "1ページの件数(per_page)", 1, MAX_PER_PAGE, default=20)
    page = page_arg()
    filters = ListFilters(
        kind=choice_arg("kind", KINDS, "種類"),
        category=choice_arg("category", CATEGORY_CODES, "カテゴリ"),
        prefecture=choice_arg("prefecture", PREFECTURES, "都道府県"),
        status="published",
    )
    stmt = listing.filtered_postings(current_user, filters).order_by(None)
    since = _updated_since()
    if since is not None:
        stmt = stmt.where(Posting.updated_at >= since)
    total = db.session.scalar(stmt.with_only_columns(func.count(Posting.id)).order_by(None))
    rows = db.session.scalars(
        stmt.order_by(Posting.updated_at, Posting.id)
        .limit(per_page).offset((page - 1) * per_page)
        .options(selectinload(Posting.tags))
    ).all()
    args = {k: v for k, v in request.args.items() if k != "page"}
    more = page * per_page < total
    return jsonify(
        total=total, page=page, per_page=per_page,
        next=url_for("api.postings", **args, page=page + 1, _external=True) if more else None,
        results=[posting_json(p) for p in rows],
    )


def _updated_since() -> datetime | None:
    """`updated_since`, aware: a date (Japan time midnight) or an ISO 8601 date-time."""
    raw = request.args.get("updated_since", "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        abort(400, description="updated_since は ISO 8601 の日付または日時で指定してください（例: 2025-04-01、2025-04-01T09:00:00+09:00）。")
    if value.tzinfo is None:
        value = value.replace(tzinfo=JST)  # the site's dates are Japan time
    try:
        return value.astimezone(UTC)  # as stored; 0001-01-01 in Japan time is before year 1 in UTC
    except OverflowError:
        return None if value.year == 1 else datetime.max.replace(tzinfo=UTC)  # everything / nothing


@bp.get("/postings/<int:posting_id>")
def posting(posting_id: int):
    found = listing.get_posting(posting_id)
    # Officials-only postings and drafts look exactly like missing ones to those who may not see them.
    if found is None or not permissions.can_view_posting(current_user, found):
        abort(404, description="投稿が見つかりません。")
    return jsonify(posting_json(found))


@bp.get("/postings/<int:posting_id>/matches")
@limit_matching
def posting_matches(posting_id: int):
    per_page = int_arg("per_page", "件数(per_page)", 1, MAX_SUGGESTIONS, default=10)
    found = listing.get_posting(posting_id)
    if found is None or not permissions.can_view_posting(current_user, found):
        abort(404, description="投稿が見つかりません。")
    try:
        suggestions = matching.suggest(found, current_user, per_page)
    except matching.TextUnavailable:
        abort(503, description="候補は一時的に利用できません。")
    return jsonify(results=[suggestion_json(s) for s in suggestions])


@bp.get("/disaster-offers")
@limit_matching
def disaster_offers():
    """Offers that fit affected prefectures and needs, best first (also for planning)."""
    per_page = int_arg("per_page", "件数(per_page)", 1, MAX_SUGGESTIONS, default=10)
    prefectures = request.args.getlist("prefecture")
    if not prefectures:
        abort(400, description="被災した都道府県(prefecture)を1つ以上指定してください。")
    unknown = [p for p in prefectures if p not in PREFECTURES]
    if unknown:
        abort(400, description=f"都道府県の指定「{unknown[0]}」は使えません（例: 宮城県）。")
    needs = request.args.getlist("need") or list(OFFER_TYPES)
    bad = [n for n in needs if n not in OFFER_TYPES]
    if bad:
        abort(400, description=f"必要な支援(need)の指定「{bad[0]}」は使えません（{', '.join(OFFER_TYPES)}）。")
    people = int_arg("people", "人数(people)", 1, MAX_PEOPLE)
    scenario = Scenario(tuple(dict.fromkeys(prefectures)), tuple(dict.fromkeys(needs)), people)
    found = fitting_offers(scenario, current_user, per_page)
    return jsonify(results=[suggestion_json(s) for s in found])


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(url_for("api.search", _external=True).rsplit("/search", 1)[0]))
