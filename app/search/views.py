"""The search results page: query, facet sidebar, removable filters, snippets, pagination."""

from dataclasses import dataclass, replace

from flask import render_template, url_for
from flask_login import current_user

from app.pagecache import no_page_cache
from app.search import bp
from app.search.params import search_params
from app.services.matching.search_pins import disaster_pins
from app.services.search import query as service


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
@no_page_cache  # results follow the index, which changes apart from the database
def results():
    params = search_params()
    found = service.search(current_user, params)
    pins = disaster_pins(current_user, params) if found.available else None
    if pins is not None:  # fitting offers are shown first, on page 1, and not again below
        found.items = [item for item in found.items if item.posting.id not in pins.ids]

    def link(target=None, **changes) -> str:
        """URL of this search with some parameters changed (None removes one); back to page 1."""
        target = target or params
        if changes.get("year") is not None:
            changes["year"] = int(changes["year"])
        return url_for("search.results", **replace(target, page=1, **changes).to_args())

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
