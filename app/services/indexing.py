"""The app's bridge to `search_index`: documents from postings, and the pending-changes queue.

The database is the source of truth. A change is queued (`IndexQueue`) in the same transaction
as the posting; after the commit `apply_pending` brings the index to the database's state and
clears the queue rows it handled. If the index cannot be written (locked, broken, missing), the
rows stay and are replayed by the next write or by `flask search sync`.
"""

import logging

from flask import current_app
from sqlalchemy import delete, select

from app.extensions import db
from app.markdown import markdown_to_text
from app.models import IndexQueue, Posting
from app.models.base import utcnow

log = logging.getLogger(__name__)

INDEXED_STATUSES = ("published", "archived")  # drafts are never in the index


def get_engine():
    """One engine per process, opened lazily on the configured directory."""
    engine = current_app.extensions.get("search_engine")
    if engine is None:
        from search_index import SearchEngine

        engine = SearchEngine(current_app.config["SEARCH_INDEX_DIR"])
        current_app.extensions["search_engine"] = engine
    return engine


def document_for(posting: Posting) -> dict:
    muni = posting.municipality
    partners = list(posting.partners)
    return {
        "id": posting.id,
        "external_id": posting.external_id,
        "kind": posting.kind,
        "title": posting.title,
        "summary": posting.summary,
        "body": markdown_to_text(posting.body),
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
        "published_at": posting.published_at,
        "updated_at": posting.updated_at,
    }


def queue(posting_id: int) -> None:
    """Record (in the caller's transaction) that the index must catch up with this posting."""
    row = db.session.get(IndexQueue, posting_id)
    if row is None:
        db.session.add(IndexQueue(posting_id=posting_id))
    else:
        row.queued_at = utcnow()


def apply_pending(limit: int = 500) -> int:
    """Write queued changes to the index. Returns how many are still pending (0 = caught up)."""
    rows = db.session.scalars(select(IndexQueue).order_by(IndexQueue.queued_at).limit(limit)).all()
    if not rows:
        return 0
    read_at = {row.posting_id: row.queued_at for row in rows}
    postings = db.session.scalars(select(Posting).where(Posting.id.in_(read_at))).all()
    upserts = [p for p in postings if p.status in INDEXED_STATUSES]
    deletions = set(read_at) - {p.id for p in upserts}
    try:
        engine = get_engine()
        if upserts:
            engine.upsert([document_for(p) for p in upserts])
        if deletions:
            engine.delete(deletions)
    except Exception:  # the save already happened; the queue row keeps the change for later
        log.warning("Search index write failed; %d change(s) left pending", len(rows), exc_info=True)
        for row in rows:
            row.attempts += 1
        db.session.commit()
        return len(rows)
    # Only clear rows not re-queued meanwhile by another request or process.
    for posting_id, queued_at in read_at.items():
        db.session.execute(
            delete(IndexQueue).where(
                IndexQueue.posting_id == posting_id, IndexQueue.queued_at == queued_at
            )
        )
    db.session.commit()
    return pending_count()


def pending_count() -> int:
    return db.session.query(IndexQueue).count()


def sync() -> int:
    """Replay every pending change; returns how many remain (non-zero if the index is down)."""
    remaining = pending_count()
    while remaining:
        before = remaining
        remaining = apply_pending()
        if remaining >= before:
            break
    return remaining


def all_documents():
    stmt = select(Posting).where(Posting.status.in_(INDEXED_STATUSES)).order_by(Posting.id)
    for posting in db.session.scalars(stmt).unique():
        yield document_for(posting)


def rebuild() -> int:
    """Rebuild the whole index from the database into a new directory and swap it in."""
    started = utcnow()
    count = get_engine().rebuild(all_documents())
    # Changes queued before the rebuild started are in it now.
    db.session.execute(delete(IndexQueue).where(IndexQueue.queued_at <= started))
    db.session.commit()
    return count


def ensure_index() -> int | None:
    """Rebuild when the index is missing or corrupt (called by `make run` and `flask search sync`)."""
    engine = get_engine()
    if not engine.healthy() or (engine.doc_count() == 0 and _indexable_count() > 0):
        return rebuild()
    return None


def _indexable_count() -> int:
    return db.session.query(Posting).filter(Posting.status.in_(INDEXED_STATUSES)).count()
