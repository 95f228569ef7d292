"""The Atom feed of a saved search or follow: its newest postings as the reader may see them
(anonymous feed readers: public postings only)."""

from dataclasses import replace

from app.extensions import db
from app.models import Follow, Posting
from app.services.follow import matching
from app.services.postings.listing import filtered_postings
from app.services.search import query
from app.services.search.query import SearchParams


def feed_entries(follow: Follow, reader, limit: int) -> list[Posting]:
    if follow.is_search:
        params = SearchParams(q=follow.q, sort="newest", per_page=limit)
        params = replace(params, **{k: v for k, v in (follow.filters or {}).items()
                                    if k in matching.SEARCH_FILTER_NAMES})
        return [item.posting for item in query.search(reader, params).items if not item.partial]
    stmt = filtered_postings(reader, matching.list_filters(follow)).limit(limit)
    return list(db.session.scalars(stmt).unique())
