"""Board search: topics (with their answers' text) in a search engine of their own.

The board has its own `SearchEngine` on BOARD_INDEX_DIR rather than documents in the postings
index: the public search, its facets, suggestions, the API and the feeds read an index that
never holds a board topic, so officials-only text cannot reach them whatever a query asks.
Topic ids also need no offset against posting ids, and rebuilding either index leaves the
other alone.

As for postings (app/services/search/indexing.py), the database is the source of truth: a
change is queued (`BoardIndexQueue`) in the topic's transaction and applied after the commit;
a failed index write leaves the row for the next write or `flask board sync`. Hits are loaded
through `visible_topics(user)`, so a stale index can never show a hidden topic.
"""

import contextlib
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, text, tuple_, update
from sqlalchemy.orm import Session, selectinload

from app import permissions
from app.extensions import db
from app.markdown import markdown_to_text
from app.models import BoardIndexQueue, BoardTopic, Category, Tag
from app.models.base import utcnow
from app.models.board import TOPIC_STATUSES
from app.services.search import indexing
from search_index.locking import LockTimeout, file_lock

log = logging.getLogger(__name__)

KIND = "board_topic"
BATCH = 200
APPLY_LOCK = "app-apply.lock"
SUMMARY_CHARS = 160
SORTS = {"relevance": _l("関連度順"), "newest": _l("新しい順")}


# --- the engine and its documents -----------------------------------------------------------


def get_engine():
    """The board's engine, one per process and app: BOARD_INDEX_DIR, or tables of its own."""
    return indexing.open_engine("board_search_engine", current_app.config["BOARD_INDEX_DIR"],
                                "board_search_")


def _with_relations(stmt):
    return stmt.options(
        selectinload(BoardTopic.municipality),
        selectinload(BoardTopic.categories),
        selectinload(BoardTopic.tags),
        selectinload(BoardTopic.answers),
    )


def document_for(topic: BoardTopic) -> dict:
    """A topic and its visible answers as one document (a hit in an answer finds the topic)."""
    muni = topic.municipality
    text = markdown_to_text(topic.body)
    answers = [markdown_to_text(a.body) for a in topic.answers if not a.is_hidden]
    return {
        "id": topic.id,
        "external_id": None,
        "kind": KIND,
        "title": topic.title,
        "summary": text[:SUMMARY_CHARS],
        "body": text,
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


def _indexable(topic: BoardTopic) -> bool:
    return not topic.is_hidden


# --- the queue ---------------------------------------------------------------------------


def queue(topic_id: int) -> None:
    """Record, in the caller's transaction, that the index must catch up with this topic."""
    row = db.session.get(BoardIndexQueue, topic_id)
    if row is None:
        db.session.add(BoardIndexQueue(topic_id=topic_id, queued_at=utcnow(), attempts=0))
    else:
        row.queued_at = utcnow()


def _apply_lock(timeout: float):
    """Serialises appliers (read the database, then write the index). A transactional
    backend (SEARCH_BACKEND=postgres) locks in the database instead (see _apply_batch)."""
    if get_engine().transactional:
        return contextlib.nullcontext()
    return file_lock(Path(current_app.config["BOARD_INDEX_DIR"]) / APPLY_LOCK, timeout)


@contextlib.contextmanager
def deferred():
    """For bulk writes (the demo loader): changes are only queued, and written to the index
    in one go at the end instead of once per save."""
    current_app.extensions["board_index_deferred"] = True
    try:
        yield
    finally:
        current_app.extensions.pop("board_index_deferred", None)
        sync()


def apply_pending(limit: int = BATCH) -> int:
    """Write queued changes to the index; returns how many are still pending. Never raises:
    the topic was already committed."""
    if current_app.extensions.get("board_index_deferred"):
        return pending_count()
    try:
        with _apply_lock(current_app.config.get("SEARCH_LOCK_TIMEOUT", 2.0)), Session(db.engine) as session:
            return _apply_batch(session, limit)
    except LockTimeout:
        log.info("Another process is writing the board index; changes left pending")
    except Exception:
        log.warning("Board index update failed; changes left pending", exc_info=True)
    try:
        return max(pending_count(), 1)
    except Exception:
        return 1


def _apply_batch(session: Session, limit: int) -> int:
    rows = session.execute(
        select(BoardIndexQueue.topic_id, BoardIndexQueue.queued_at)
        .order_by(BoardIndexQueue.queued_at).limit(limit)
    ).all()
    if not rows:
        return 0
    ids = [r.topic_id for r in rows]
    engine = get_engine()
    connection = None
    if engine.transactional:
        # One applier at a time across hosts; the index write commits with the cleared rows.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('kakehashi-board-index-apply'))"))
        connection = indexing.raw_connection(session)
    topics = session.scalars(_with_relations(select(BoardTopic).where(BoardTopic.id.in_(ids)))).all()
    docs = [document_for(t) for t in topics if _indexable(t)]
    deletions = sorted(set(ids) - {d["id"] for d in docs})
    try:
        if docs:
            engine.upsert(docs, connection=connection)
        if deletions:
            engine.delete(deletions, connection=connection)
    except Exception:
        log.warning("Board index write failed; %d change(s) left pending", len(rows), exc_info=True)
        if connection is not None:
            session.rollback()  # the failed statement aborted this transaction
        session.execute(update(BoardIndexQueue).where(BoardIndexQueue.topic_id.in_(ids))
                        .values(attempts=BoardIndexQueue.attempts + 1))
        session.commit()
        return session.scalar(select(func.count()).select_from(BoardIndexQueue)) or 0
    _clear(session, rows)
    session.commit()
    return session.scalar(select(func.count()).select_from(BoardIndexQueue)) or 0


def _clear(session: Session, rows) -> None:
    """Delete exactly the rows handled; a row queued again meanwhile has a newer time."""
    pairs = [(r.topic_id, r.queued_at) for r in rows]
    session.execute(delete(BoardIndexQueue).where(
        tuple_(BoardIndexQueue.topic_id, BoardIndexQueue.queued_at).in_(pairs)))


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(BoardIndexQueue)) or 0


def sync() -> int:
    """Replay every pending change; returns how many remain."""
    remaining = pending_count()
    while remaining:
        before = remaining
        remaining = apply_pending()
        if remaining >= before:
            break
    return remaining


def _all_documents(session: Session) -> Iterator[dict]:
    last_id = 0
    while True:
        stmt = (select(BoardTopic).where(BoardTopic.hidden_at.is_(None), BoardTopic.id > last_id)
                .order_by(BoardTopic.id).limit(BATCH))
        batch = session.scalars(_with_relations(stmt)).all()
        if not batch:
            return
        yield from (document_for(t) for t in batch)
        last_id = batch[-1].id
        session.expunge_all()


def rebuild(wait: float = 120.0) -> int:
    """Rebuild the board index from the database and swap it in."""
    with _apply_lock(wait), Session(db.engine) as session:
        rows = session.execute(select(BoardIndexQueue.topic_id, BoardIndexQueue.queued_at)).all()
        count = get_engine().rebuild(_all_documents(session))
        if rows:
            _clear(session, rows)
        session.commit()
    sync()
    return count


def indexable_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(BoardTopic).where(BoardTopic.hidden_at.is_(None))) or 0


def ensure_index() -> int | None:
    """Rebuild when the board index is missing, broken or out of step; None if not needed."""
    engine = get_engine()
    if not engine.healthy():
        return rebuild()
    if sync() == 0 and engine.doc_count() != indexable_count():
        return rebuild()
    return None


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
    from search_index import SearchQuery

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
    from search_index import SearchQuery

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
