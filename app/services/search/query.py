"""Searching postings: the engine finds and counts, the database decides what the user may see.

Totals and facet counts come from the index (restricted there to the user's audience). Every
hit is then loaded through `visible_postings(user)`, so a stale index can never show a posting
the user may not see.
"""

import logging
import math
from dataclasses import dataclass, field, fields, replace

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.i18n import category_label, translated
from app.models import Category, Posting
from app.models.postings import KINDS, REQUEST_STATUSES, STATUSES
from app.permissions import visible_postings
from app.services.search import indexing
from search_index import FACET_NAMES, SearchQuery

log = logging.getLogger(__name__)

FACET_LABELS = {
    "kind": _l("種類"), "category": _l("カテゴリ"), "prefecture": _l("都道府県"), "region": _l("地域"),
    "field": _l("分野"), "status": _l("状態"), "year": _l("公開年"), "request_status": _l("募集状況"),
}
SORTS = {"relevance": _l("関連度順"), "newest": _l("新しい順")}


@dataclass
class SearchParams(SearchQuery):
    """The engine's query as the search page and the API read it from the query string
    (validated: app/search/params.py), with what their links need. The audience is the
    searching user's, set by `search`."""

    def active_filters(self) -> list[tuple[str, str]]:
        return [(f, str(getattr(self, f))) for f in FACET_NAMES if getattr(self, f) is not None]

    def without(self, name: str) -> "SearchParams":
        return replace(self, **{name: None if name != "q" else ""}, page=1)

    def to_args(self) -> dict:
        """Query-string arguments that differ from the defaults (for links)."""
        default = SearchParams()
        args = {
            f.name: getattr(self, f.name) for f in fields(self)
            if f.name not in ("per_page", "audience")
            and getattr(self, f.name) not in (None, "", getattr(default, f.name))
        }
        if not self.expand:
            args["expand"] = 0
        return args

    def is_empty(self) -> bool:
        return not self.q and not self.active_filters()


@dataclass
class Item:
    posting: Posting
    snippet: str  # HTML-safe from the engine: escaped text, <mark> only
    score: float
    missing: list[str] = field(default_factory=list)  # query words this posting lacks

    @property
    def partial(self) -> bool:
        return bool(self.missing)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    active: bool


@dataclass
class Results:
    params: SearchParams
    total: int
    items: list[Item] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    available: bool = True
    strict_total: int | None = None  # postings with every word (None: no words searched)
    related: list[str] = field(default_factory=list)  # synonyms and related terms also searched
    readings: list[str] = field(default_factory=list)  # what a kana query was read as

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.per_page))


def audience_for(user) -> str:
    return "official" if permissions.is_official(user) else "public"


def _engine_search(params: SearchParams, user):
    try:
        return indexing.get_engine().search(replace(params, audience=audience_for(user)))
    except Exception:  # the index is unusable: an empty page beats an error page
        log.exception("search failed")
        return None


def index_version() -> str:
    """What search answers follow besides the database: part of the page cache's key for the
    search pages (app/pagecache.py), so a write to the index is on the next anonymous search."""
    return indexing.get_engine().version()


def search(user, params: SearchParams) -> Results:
    indexing.catch_up_own_writes()  # someone who just saved finds their change
    result = _engine_search(params, user)
    if result is None:
        return Results(params, 0, available=False)
    ids = [hit.id for hit in result.hits]
    postings = {}
    if ids:
        stmt = visible_postings(user).where(Posting.id.in_(ids))
        postings = {p.id: p for p in db.session.scalars(stmt)}
    items = [Item(postings[h.id], h.snippet, h.score, h.missing) for h in result.hits if h.id in postings]
    # A hit the database refuses means the index is behind: count it out of this page's total.
    total = max(0, result.total - (len(ids) - len(items)))
    return Results(params, total, items, _facets(result.facets, params),
                   strict_total=result.strict_total, related=result.related[:10],
                   readings=result.readings)


def count(user, params: SearchParams) -> int:
    result = _engine_search(replace(params, page=1, per_page=1), user)
    return result.total if result else 0


def category_labels() -> dict[str, str]:
    """Code -> label, read once per request (facets and chips ask for every value)."""
    if "category_labels" not in g:
        g.category_labels = dict(db.session.execute(select(Category.code, Category.label)).all())
    return g.category_labels


def value_label(name: str, value: str) -> str:
    """A facet value as people read it, in the visitor's language (stored codes translated,
    categories by their theme's English name; prefectures and tags are data, as written)."""
    if name == "kind":
        return translated(KINDS.get(value, value))
    if name == "category":
        label = category_labels().get(value)
        return f"{value} {category_label(value, label)}" if label else value
    if name == "status":
        return translated(STATUSES.get(value, value))
    if name == "year":
        return _("%(year)s年", year=value)
    if name == "request_status":
        return translated(REQUEST_STATUSES.get(value, value))
    if name == "region":
        return translated(value)
    return value


def _facets(raw: dict, params: SearchParams) -> dict[str, list[FacetValue]]:
    out = {}
    for name in FACET_NAMES:
        current = getattr(params, name)
        out[name] = [
            FacetValue(str(v), value_label(name, str(v)), n, current is not None and str(current) == str(v))
            for v, n in raw.get(name, [])
        ]
    return out


@dataclass
class Relaxation:
    """A less strict search that does find something, offered when nothing matched."""

    label: str
    params: SearchParams
    count: int


def relaxations(user, params: SearchParams) -> list[Relaxation]:
    out = []
    for name, value in params.active_filters():
        relaxed = params.without(name)
        label = _("%(facet)s「%(value)s」の絞り込みを外す", facet=FACET_LABELS[name],
                  value=value_label(name, value))
        out.append(Relaxation(label, relaxed, count(user, relaxed)))
    words = params.q.split()
    if len(words) > 1:
        for word in dict.fromkeys(words):
            relaxed = replace(params, q=" ".join(w for w in words if w != word), page=1)
            out.append(Relaxation(_("「%(word)s」を除いて検索する", word=word), relaxed, count(user, relaxed)))
    if params.q and len(params.active_filters()) > 1:
        relaxed = SearchParams(q=params.q, sort=params.sort, per_page=params.per_page)
        out.append(Relaxation(_("すべての絞り込みを外す"), relaxed, count(user, relaxed)))
    return [r for r in out if r.count]
