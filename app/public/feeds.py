"""Atom feeds, sitemap.xml and robots.txt.

These are read by machines and cached by others, so they are always built as an anonymous
visitor (user None): nothing officials-only or draft can ever leak, whoever is logged in.
"""

from flask import Response, abort, render_template, request, url_for
from sqlalchemy import select

from app import permissions
from app.cleantext import xml_safe
from app.extensions import db
from app.filters import list_filters
from app.models import Category, Posting
from app.models.postings import KIND_SLUGS
from app.public import bp
from app.services.postings.listing import ListFilters, filtered_postings
from app.services.public import exchanges
from app.timestamps import isoformat, utcnow

ANONYMOUS = None
FEED_SIZE = 30
SLUG_KINDS = {slug: kind for kind, slug in KIND_SLUGS.items()}


def _atom_time(value) -> str:
    """RFC 3339 with the offset (Atom and sitemaps require one); now when there is no value."""
    return isoformat(value or utcnow())


@bp.route("/feeds/postings.atom")
def feed_postings():
    return _feed(list_filters())


@bp.route("/feeds/<slug>.atom")
def feed_kind(slug: str):
    kind = SLUG_KINDS.get(slug)
    if kind is None:
        abort(404)
    return _feed(list_filters(kind))


def _feed(filters):
    if filters.status not in (None, "open", "matched", "closed"):
        abort(400, description="フィードでは公開中の投稿だけを配信します。")
    entries = db.session.scalars(filtered_postings(ANONYMOUS, filters).limit(FEED_SIZE)).unique().all()
    title_parts = []
    if filters.kind:
        title_parts.append(entries[0].kind_label if entries else filters.kind)
    if filters.category:
        category = db.session.scalar(select(Category).where(Category.code == filters.category))
        title_parts.append(category.label)
    if filters.prefecture or filters.region:
        title_parts.append(filters.prefecture or filters.region)
    updated = max((p.updated_at for p in entries), default=None)
    body = render_template(
        "feeds/postings.atom.xml",
        entries=entries,
        title="・".join(title_parts) or "新着の投稿",
        updated=_atom_time(updated),
        atom_time=_atom_time,
        self_url=request.url,
    )
    return Response(xml_safe(body), mimetype="application/atom+xml")


@bp.route("/sitemap.xml")
def sitemap():
    """Public pages only: lists, public postings, their municipalities, public events."""
    urls = [
        (url_for("public.home", _external=True), None),
        (url_for("public.about", _external=True), None),
        (url_for("public.municipalities", _external=True), None),
        (url_for("public.exchanges", _external=True), None),
        (url_for("public.japan_map", _external=True), None),
        (url_for("events.calendar", _external=True), None),
        (url_for("events.listing", _external=True), None),
        (url_for("postings.index", _external=True), None),
    ]
    urls += [(url_for("postings.by_kind", slug=s, _external=True), None) for s in KIND_SLUGS.values()]
    # Two columns, not whole postings: the sitemap lists every public posting.
    public = filtered_postings(ANONYMOUS, ListFilters(status="published")).with_only_columns(
        Posting.id, Posting.updated_at)
    for posting_id, updated_at in db.session.execute(public):
        urls.append((url_for("postings.detail", posting_id=posting_id, _external=True), updated_at))
    for muni, _n in exchanges.participating(ANONYMOUS):
        urls.append((url_for("public.municipality", code=muni.code, _external=True), None))
    for event in db.session.scalars(permissions.visible_events(ANONYMOUS)):
        urls.append((url_for("events.detail", event_id=event.id, _external=True), event.updated_at))
    body = render_template("feeds/sitemap.xml", urls=urls, atom_time=_atom_time)
    return Response(xml_safe(body), mimetype="application/xml")


@bp.route("/robots.txt")
def robots():
    text = f"User-agent: *\nDisallow: /accounts/\nDisallow: /admin/\nSitemap: {url_for('public.sitemap', _external=True)}\n"
    return Response(text, mimetype="text/plain")
