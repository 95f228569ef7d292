"""Which new postings match a follow.

"New" means published (or imported) after the follow was made and within LOOKBACK_DAYS, and
not yet sent to the follow's owner. Only public, published postings are candidates: a digest
leaves the platform by e-mail, so what is officials-only stays behind the login.

Follows of a category, region, prefecture, municipality or kind are database filters
(`filtered_postings`). Saved searches are run through the search engine's public interface,
as the search page runs them (synonyms included), restricted to the candidates; only postings
with every word count (not the partial matches the search page lists after them).
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import Select, or_, select

from app.extensions import db
from app.models import DigestItem, Follow, Municipality, Posting
from app.services.postings.listing import ListFilters, filtered_postings
from app.services.search import indexing
from search_index import FACET_NAMES, SearchQuery

log = logging.getLogger(__name__)

LOOKBACK_DAYS = 35
PUBLIC = None  # candidates are what an anonymous visitor may see
ENGINE_PAGE = 100
MAX_ENGINE_PAGES = 100


class EngineUnavailable(RuntimeError):
    """The search index could not answer: the saved search is tried again next run."""


def window_start(follow: Follow, now: datetime) -> datetime:
    return max(follow.created_at, now - timedelta(days=LOOKBACK_DAYS))


# The search filters a saved search keeps (status and year make no sense for new postings).
SEARCH_FILTER_NAMES = tuple(f for f in FACET_NAMES if f not in ("status", "year"))


def list_filters(follow: Follow) -> ListFilters:
    """A follow's database filters (published postings of its category, place or kind)."""
    values = dict(follow.filters or {})
    municipality_id = None
    if "municipality" in values:
        code = values.pop("municipality")
        municipality_id = db.session.scalar(select(Municipality.id).where(Municipality.code == code)) or -1
    return ListFilters(status="published", municipality_id=municipality_id,
                       **{k: v for k, v in values.items() if k in ("kind", "category", "prefecture", "region")})


def _candidates(follow: Follow, now: datetime, kinds=None) -> Select:
    since = window_start(follow, now)
    base = filtered_postings(PUBLIC, ListFilters(status="published") if follow.is_search else list_filters(follow))
    sent = select(DigestItem.ref_id).where(DigestItem.user_id == follow.user_id,
                                           DigestItem.source == "posting")
    stmt = base.where(or_(Posting.published_at > since, Posting.created_at > since),
                      Posting.published_at <= now, Posting.id.not_in(sent))
    if kinds:
        stmt = stmt.where(Posting.kind.in_(kinds))
    return stmt


def matching_ids(follow: Follow, now: datetime, kinds=None) -> list[int]:
    """Ids of the new postings this follow matches, newest first."""
    rows = db.session.execute(
        _candidates(follow, now, kinds).with_only_columns(Posting.id, Posting.published_at)
    ).all()
    if not follow.is_search or not rows:
        return [r.id for r in rows]
    earliest = min(r.published_at for r in rows)
    found = _engine_ids(follow, earliest, {r.id for r in rows})
    return [r.id for r in rows if r.id in found]


def _engine_ids(follow: Follow, earliest: datetime, wanted: set[int]) -> set[int]:
    """The wanted ids the saved search finds (words and filters as on the search page)."""
    filters = {k: v for k, v in (follow.filters or {}).items() if k in SEARCH_FILTER_NAMES}
    found: set[int] = set()
    try:
        engine = indexing.get_engine()
        for page in range(1, MAX_ENGINE_PAGES + 1):
            result = engine.search(SearchQuery(
                q=follow.q, **filters, audience="public", sort="newest",
                date_from=(earliest - timedelta(days=1)).date(), page=page, per_page=ENGINE_PAGE,
            ))
            # Every word must match (the engine fills short lists with partial matches).
            found |= {hit.id for hit in result.hits if not hit.partial} & wanted
            if found == wanted or page * ENGINE_PAGE >= result.total:
                break
    except Exception as exc:
        log.exception("saved search %s could not be run", follow.id)
        raise EngineUnavailable(str(exc)) from exc
    return found


def new_counts(follows: list[Follow], now: datetime) -> dict[int, int | None]:
    """For the follows page: how many new postings each follow has waiting for the next
    digest (None when the search index cannot answer)."""
    out: dict[int, int | None] = {}
    for follow in follows:
        try:
            out[follow.id] = len(matching_ids(follow, now))
        except EngineUnavailable:
            out[follow.id] = None
    return out
