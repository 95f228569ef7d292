"""Text similarity from the search engine: the posting's own words as the query.

`engine.more_like(text, query)` ranks indexed postings by weighted term overlap with the text,
analysed as documents are, and applies the query's filters (audience, kind, status …). Scores
are divided by the posting's similarity to itself, so that 1.0 means "as close as the posting
is to itself" and a threshold means the same for every posting.
"""

import logging
from dataclasses import dataclass

from app.services.search import indexing
from search_index import SearchQuery, markdown_to_text

log = logging.getLogger(__name__)

# Enough of the body to carry its topic; all of it would let long bodies drown the title.
BODY_CHARS = 400
CANDIDATES = 100  # per kind asked for: the engine's page limit (fewer lost fits on the judged set)


class TextUnavailable(Exception):
    """The search index cannot be read; suggestions are not available right now."""


@dataclass(frozen=True)
class TextQuery:
    kind: str | None
    audience: str
    request_status: str | None = None
    municipality_code: str | None = None
    per_page: int = CANDIDATES


def posting_text(posting) -> str:
    """Title, summary, the kind's own text (sought, offer, job), fields and themes."""
    parts = [
        posting.title,
        posting.summary,
        posting.detail_text(),
        " ".join(t.name for t in posting.tags),
        " ".join(c.label for c in posting.categories),
        markdown_to_text(posting.body or "")[:BODY_CHARS],
    ]
    return "\n".join(p for p in parts if p)


def similar(text: str, query: TextQuery) -> dict[int, float]:
    """{posting id: raw similarity score} for the postings the engine finds most like `text`."""
    return {pid: score for pid, score, _ in similar_hits(text, query)}


def similar_hits(text: str, query: TextQuery) -> list[tuple[int, float, str | None]]:
    """(posting id, raw score, owner's municipality code) for the postings most like `text`."""
    return similar_hits_each(text, [query])[0]


def similar_hits_each(text: str, queries: list[TextQuery]) -> list[list[tuple[int, float, str | None]]]:
    """`similar_hits` for each query, in one pass of the engine (the text analysed once)."""
    search_queries = [SearchQuery(
        kind=q.kind, audience=q.audience, request_status=q.request_status,
        municipality_code=q.municipality_code, per_page=q.per_page,
    ) for q in queries]
    try:
        results = indexing.get_engine().more_like_each(text, search_queries)
    except Exception as exc:
        log.exception("similarity search failed")
        raise TextUnavailable from exc
    return [[(hit.id, float(hit.score), (hit.fields or {}).get("municipality_code")) for hit in result.hits]
            for result in results]


def self_query(posting, audience: str) -> TextQuery | None:
    """What finds the posting itself: its municipality's postings of its kind (None when it is
    not in the index, e.g. a draft)."""
    if posting.status != "published":
        return None
    return TextQuery(kind=posting.kind, audience=audience, municipality_code=posting.municipality.code, per_page=10)


def self_similarity(posting, text: str, audience: str, known: dict[int, float] | None = None,
                    own: dict[int, float] | None = None) -> float | None:
    """The posting's similarity to itself (None when it is not in the index, e.g. a draft).
    `known`: scores already fetched for the posting's own kind, which often contain it;
    `own`: the scores of `self_query`, when fetched already."""
    if known is None or posting.id not in known:
        query = self_query(posting, audience)
        if query is None:
            return None
        known = own if own is not None else similar(text, query)
    score = known.get(posting.id)
    return score if score and score > 0 else None
