"""The postings' search index: documents from postings, fed through the index queue.

The queue, the replay lock and the in-transaction writes of SEARCH_BACKEND=postgres are the
index feed's (app/services/search/feed.py); what the index holds is `document_for` below,
for postings of the statuses the engine indexes (search_index.INDEXED_STATUSES).
"""

import time

from flask import current_app, has_request_context
from flask import session as visitor_session
from sqlalchemy.orm import selectinload

from app.models import IndexQueue, Posting
from app.services.search.feed import IndexFeed, open_engine
from app.timestamps import to_jst
from search_index import INDEXED_STATUSES


def get_engine():
    """The postings' engine, one per process and app."""
    return open_engine("search_engine", current_app.config["SEARCH_INDEX_DIR"], "search_")


def document_for(posting: Posting) -> dict:
    muni = posting.municipality
    partners = list(posting.partners)
    return {
        "id": posting.id,
        "external_id": posting.external_id,
        "kind": posting.kind,
        "title": posting.title,
        "summary": posting.summary,
        "body": posting.body,  # Markdown: the engine turns it into text
        "extra_text": posting.detail_text(),
        "municipality_code": muni.code,
        "municipality_name": muni.name,
        "municipality_kana": muni.kana,
        "prefecture": muni.prefecture,
        "region": muni.region,
        "partner_codes": [m.code for m in partners],
        "partner_names": [m.name for m in partners],
        "partner_prefectures": sorted({m.prefecture for m in partners}),
        "partner_regions": sorted({m.region for m in partners}),
        "categories": [c.code for c in posting.categories],
        "category_labels": [c.label for c in posting.categories],
        "fields": [t.name for t in posting.tags],
        "status": posting.status,
        "visibility": posting.visibility,
        "request_status": getattr(posting, "request_status", None),
        # Japan time, so that the year facet is the Japan calendar year.
        "published_at": to_jst(posting.published_at) if posting.published_at else None,
        "updated_at": to_jst(posting.updated_at) if posting.updated_at else None,
    }


POSTINGS = IndexFeed(
    name="search",
    model=Posting,
    queue_model=IndexQueue,
    queue_key="posting_id",
    engine=get_engine,
    document_for=document_for,
    # Drafts are never indexed. Archived postings are: the engine leaves them out of every
    # result unless an official asks for status=archived, and never shows them to the public.
    indexable=Posting.status.in_(INDEXED_STATUSES),
    relations=(selectinload(Posting.municipality), selectinload(Posting.partners),
               selectinload(Posting.categories), selectinload(Posting.tags)),
)

queue = POSTINGS.queue
apply_pending = POSTINGS.apply_pending
sync = POSTINGS.sync
pending_count = POSTINGS.pending_count
all_documents = POSTINGS.all_documents
indexable_count = POSTINGS.indexable_count
ensure_index = POSTINGS.ensure_index  # called by `flask search sync` (and so by `make run`)

# Seconds after a save during which that visitor's searches first catch the index up.
OWN_WRITES_WINDOW = 60
_SAVED_AT = "index_saved_at"


def apply_soon() -> None:
    """Apply the queue right after the response (at once outside a request). The saver's own
    next searches catch up first (`catch_up_own_writes`), so they see their change even when
    another worker is still writing it; everyone else's within the time of one index write."""
    from app.after_response import after_response

    if has_request_context():
        visitor_session[_SAVED_AT] = int(time.time())
    after_response(apply_pending)


def catch_up_own_writes() -> None:
    """Before a search by someone who saved a moment ago: apply what is still queued (waiting
    for a writer that is applying it now). One cheap count otherwise; nothing for others."""
    saved_at = visitor_session.get(_SAVED_AT) if has_request_context() else None
    if saved_at is None:
        return
    if time.time() - saved_at > OWN_WRITES_WINDOW or apply_pending() == 0:
        visitor_session.pop(_SAVED_AT, None)


def rebuild(wait: float = 120.0, progress=None, procs: int | None = None) -> int:
    """Rebuild the index from the database (see IndexFeed.rebuild); `progress(n)` is called
    as postings are read; `procs` analysis processes (SEARCH_REBUILD_PROCS by default)."""
    return POSTINGS.rebuild(wait, progress=progress,
                            procs=procs or current_app.config["SEARCH_REBUILD_PROCS"])


def status() -> dict:
    engine = get_engine()
    return {
        "directory": current_app.config["SEARCH_INDEX_DIR"],
        "healthy": engine.healthy(),
        "documents": engine.doc_count(),
        "indexable": indexable_count(),
        "pending": pending_count(),
    }
