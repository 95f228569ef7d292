"""The search results page: query, facet sidebar, removable filters, snippets, pagination."""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from flask import render_template, url_for
from flask_login import current_user

from app.pagecache import page_cache_also_keyed_by, skip_page_cache
from app.search import bp
from app.search.params import search_params
from app.services.matching.search_pins import disaster_pins
from app.services.search import query as service

QUERY_SAFE = "!$'()*,/:;?@"  # what Werkzeug leaves unquoted in query strings (url_for)


@dataclass
class _Pager:
    """What partials/pagination.html reads from a Flask-SQLAlchemy page."""

    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@bp.route("/")
@page_cache_also_keyed_by(service.index_version)  # results follow the index too
def results():
    params = search_params()
    found = service.search(current_user, params)
    if not found.available:
        skip_page_cache()
    pins = disaster_pins(current_user, params) if found.available else None
    if pins is not None:  # fitting offers are shown first, on page 1, and not again below
        found.items = [item for item in found.items if item.posting.id not in pins.ids]

    base = url_for("search.results")

    def link(target=None, **changes) -> str:
        """URL of this search with some parameters changed (None removes one); back to page 1.
        The query string is encoded as url_for does, without its rule lookup (a page has ~80)."""
        target = target or params
        if changes.get("year") is not None:
            changes["year"] = int(changes["year"])
        args = replace(target, page=1, **changes).to_args()
        return f"{base}?{urlencode(list(args.items()), safe=QUERY_SAFE)}" if args else base

    help_links = service.relaxations(current_user, params) if not found.total and found.available else []
    return render_template(
        "search/results.html",
        params=params,
        found=found,
        pager=_Pager(params.page, found.pages, found.total),
        relaxations=help_links,
        link=link,
        facet_labels=service.FACET_LABELS,
        value_label=service.value_label,
        sorts=service.SORTS,
        pins=pins if params.page == 1 else None,
    )
