"""Board search: topics (with their answers' text) in a search engine of their own.

The board has its own `SearchEngine` on BOARD_INDEX_DIR rather than documents in the postings
index: the public search, its facets, suggestions, the API and the feeds read an index that
never holds a board topic, so officials-only text cannot reach them whatever a query asks.
Topic ids also need no offset against posting ids, and rebuilding either index leaves the
other alone.

As for postings, the database is the source of truth: the topics are an index feed
(app/services/search/feed.py), a change is queued (`BoardIndexQueue`) in the topic's
transaction and applied after the commit; a failed index write leaves the row for the next
write or `flask board sync`. Hits are loaded
through `visible_topics(user)`, so a stale index can never show a hidden topic.
"""

import logging
import math
from dataclasses import dataclass, field, fields, replace

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import permissions
from app.extensions import db
from app.models import BoardIndexQueue, BoardTopic, Category, Tag
from app.models.board import TOPIC_STATUSES
from app.services.search.feed import IndexFeed, open_engine
from search_index import SearchQuery, markdown_to_text

log = logging.getLogger(__name__)

KIND = "board_topic"
SUMMARY_CHARS = 160
SORTS = {"relevance": _l("関連度順"), "newest": _l("新しい順")}


# --- the engine and its documents -----------------------------------------------------------


def get_engine():
    """The board's engine, one per process and app: BOARD_INDEX_DIR, or tables of its own."""
    return open_engine("board_search_engine", current_app.config["BOARD_INDEX_DIR"], "board_search_")


_RELATIONS = (selectinload(BoardTopic.municipality), selectinload(BoardTopic.categories),
              selectinload(BoardTopic.tags), selectinload(BoardTopic.answers))


def document_for(topic: BoardTopic) -> dict:
    """A topic and its visible answers as one document (a hit in an answer finds the topic)."""
    muni = topic.municipality
    answers = [markdown_to_text(a.body) for a in topic.answers if not a.is_hidden]
    return {
        "id": topic.id,
        "external_id": None,
        "kind": KIND,
        "title": topic.title,
        "summary": markdown_to_text(topic.body)[:SUMMARY_CHARS],
        "body": topic.body,  # Markdown: the engine turns it into text
        "extra_text": "\n".join(answers),
        "municipality_code": muni.code if muni else None,
        "municipality_name": muni.name if muni else None,
        "municipality_kana": muni.kana if muni else None,
        "prefecture": muni.prefecture if muni else None,
        "region": muni.region if muni else None,
        "categories": [c.code for c in topic.categories],
        "category_labels": [c.label for c in topic.categories],
        "fields": [t.name for t in topic.tags],
        # "published" is the engine's listed state; the board's open/solved is a facet of
        # its own. Every board document is officials-only, so no public audience matches it.
        "status": "published",
        "visibility": "officials",
        "request_status": topic.status,
        "published_at": topic.created_at,
        "updated_at": topic.last_activity_at,
    }


TOPICS = IndexFeed(
    name="board",
    model=BoardTopic,
    queue_model=BoardIndexQueue,
    queue_key="topic_id",
    engine=get_engine,
    document_for=document_for,
    indexable=BoardTopic.hidden_at.is_(None),
    relations=_RELATIONS,
)

queue = TOPICS.queue
deferred = TOPICS.deferred
apply_pending = TOPICS.apply_pending
sync = TOPICS.sync
pending_count = TOPICS.pending_count
rebuild = TOPICS.rebuild
indexable_count = TOPICS.indexable_count
ensure_index = TOPICS.ensure_index


# --- searching ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardSearchParams:
    q: str = ""
    category: str | None = None
    status: str | None = None  # open | solved
    field: str | None = None  # a field tag
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    def active_filters(self) -> list[tuple[str, str]]:
        return [(f, getattr(self, f)) for f in ("category", "status", "field") if getattr(self, f)]

    def to_args(self) -> dict:
        default = BoardSearchParams()
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name != "per_page" and getattr(self, f.name) not in (None, "", getattr(default, f.name))}


@dataclass
class BoardHit:
    topic: BoardTopic
    snippet: str  # HTML-safe from the engine: escaped text, <mark> only


@dataclass
class BoardFacet:
    value: str
    label: str
    count: int
    active: bool


@dataclass
class BoardResults:
    params: BoardSearchParams
    total: int
    hits: list[BoardHit] = field(default_factory=list)
    facets: dict[str, list[BoardFacet]] = field(default_factory=dict)
    available: bool = True

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.per_page))


def _engine_search(params: BoardSearchParams):
    query = SearchQuery(
        q=params.q, kind=KIND, category=params.category, field=params.field,
        request_status=params.status, audience="official",
        sort=params.sort, page=params.page, per_page=params.per_page,
    )
    try:
        return get_engine().search(query)
    except Exception:  # an unusable index: an empty page beats an error page
        log.exception("board search failed")
        return None


def search(user, params: BoardSearchParams) -> BoardResults:
    """Officials only: anyone else gets nothing, whatever the index holds."""
    if not permissions.can_use_board(user):
        return BoardResults(params, 0)
    result = _engine_search(params)
    if result is None:
        return BoardResults(params, 0, available=False)
    ids = [h.id for h in result.hits]
    topics = {}
    if ids:
        stmt = permissions.visible_topics(user).where(BoardTopic.id.in_(ids)).options(
            selectinload(BoardTopic.municipality), selectinload(BoardTopic.categories),
            selectinload(BoardTopic.author))
        topics = {t.id: t for t in db.session.scalars(stmt)}
    hits = [BoardHit(topics[h.id], h.snippet) for h in result.hits if h.id in topics]
    total = max(0, result.total - (len(ids) - len(hits)))
    return BoardResults(params, total, hits, _facets(result.facets, params))


def count(user, q: str) -> int:
    """How many topics a search for `q` finds (for the officials' box on the main search)."""
    if not permissions.can_use_board(user) or not q.strip():
        return 0
    result = _engine_search(BoardSearchParams(q=q, per_page=1))
    return result.total if result else 0


def similar(user, topic: BoardTopic, limit: int) -> list[BoardTopic] | None:
    """Topics whose words this one shares most (the engine's more_like) and that share a
    category or tag with it, best first; None when the index cannot answer."""
    if not permissions.can_use_board(user):
        return []
    text = " ".join([topic.title, " ".join(t.name for t in topic.tags), markdown_to_text(topic.body)])
    try:
        result = get_engine().more_like(text, SearchQuery(kind=KIND, audience="official", per_page=limit * 3 + 1))
    except Exception:
        log.exception("board related topics failed")
        return None
    ids = [h.id for h in result.hits if h.id != topic.id]
    if not ids:
        return []
    # Alike in words and sharing a category or a tag (words alone also meet on everyday ones).
    shares_label = or_(
        BoardTopic.categories.any(Category.id.in_([c.id for c in topic.categories])),
        BoardTopic.tags.any(Tag.id.in_([t.id for t in topic.tags])),
    )
    found = {t.id: t for t in db.session.scalars(
        select(BoardTopic).where(BoardTopic.id.in_(ids), permissions.public_board_topics(user), shares_label)
        .options(selectinload(BoardTopic.municipality)))}
    return [found[i] for i in ids if i in found][:limit]


def _facets(raw: dict, params: BoardSearchParams) -> dict[str, list[BoardFacet]]:
    labels = dict(db.session.execute(select(Category.code, Category.label)).all())
    out = {
        "category": [BoardFacet(v, f"{v} {labels.get(v, '')}".strip(), n, params.category == v)
                     for v, n in raw.get("category", [])],
        "status": [BoardFacet(v, TOPIC_STATUSES.get(v, v), n, params.status == v)
                   for v, n in raw.get("request_status", []) if v in TOPIC_STATUSES],
        "field": [BoardFacet(v, v, n, params.field == v) for v, n in raw.get("field", [])][:15],
    }
    return out


def without(params: BoardSearchParams, name: str) -> BoardSearchParams:
    return replace(params, **{name: None}, page=1)
