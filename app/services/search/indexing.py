"""The app's bridge to `search_index`: documents from postings, and the pending-changes queue.

The database is the source of truth. A change is queued (`IndexQueue`) in the same transaction
as the posting; after the commit `apply_pending` brings the index to the database's state and
clears the queue rows it handled. If the index cannot be written (locked, broken, missing), the
rows stay and are replayed by the next write or by `flask search sync`.

Appliers (web workers, importer, CLI) take a short file lock around read-database-then-write-
index, so a worker that read an older version of a posting can never write it over a newer one
written by another worker in between.

With SEARCH_BACKEND=postgres the index lives in the database itself: the queued changes of a
transaction are written to the index inside that transaction, just before it commits (so the
index cannot drift from the data, and every web host sees the change at once); replaying the
queue takes a database lock instead of the file lock, and commits the index write and the
cleared queue rows together.
"""

import contextlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from app.extensions import db
from app.markdown import markdown_to_text
from app.models import IndexQueue, Posting
from app.models.base import utcnow
from app.timestamps import to_jst
from search_index.locking import LockTimeout, file_lock

log = logging.getLogger(__name__)

# Drafts are never indexed. Archived postings are: the engine leaves them out of every result
# unless an official asks for status=archived, and never shows them to the public.
INDEXED_STATUSES = ("published", "archived")
APPLY_LOCK = "app-apply.lock"
BATCH = 500
# Seconds a save waits for another writer before leaving its change queued (a rebuild or an
# import can hold the index for minutes; `flask search sync` or the next save catches up).
LOCK_WAIT = 2.0


def get_engine():
    """The postings' engine, one per process and app."""
    return open_engine("search_engine", current_app.config["SEARCH_INDEX_DIR"], "search_")


def open_engine(key: str, directory: str, table_prefix: str):
    """One engine per process (and app) under `key`, opened lazily on the configured backend:
    a Whoosh directory, or PostgreSQL tables named with `table_prefix` (SEARCH_BACKEND)."""
    engine = current_app.extensions.get(key)
    if engine is None:
        from search_index import SearchEngine

        if current_app.config["SEARCH_BACKEND"] == "postgres":
            from search_index.postgres_backend import PostgresIndex

            engine = SearchEngine(backend=PostgresIndex(_connector(), prefix=table_prefix))
        else:
            engine = SearchEngine(directory, lock_timeout=current_app.config.get("SEARCH_LOCK_TIMEOUT", LOCK_WAIT))
        current_app.extensions[key] = engine
    return engine


def _connector():
    """New psycopg connections to the app's PostgreSQL database (for the index's readers)."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return lambda: psycopg.connect(conninfo)


def raw_connection(session) -> object:
    """The psycopg connection under a session's current transaction."""
    return session.connection().connection.driver_connection


@event.listens_for(db.session, "before_commit")
def _index_within_transaction(session) -> None:
    """SEARCH_BACKEND=postgres: write the transaction's queued changes to the index now, in
    the same transaction, and drop their queue rows. If the index write fails, the savepoint
    is rolled back and the queue rows commit with the change, for a later replay."""
    ids = session.info.pop("search_changes", None)
    if not ids or not has_app_context() or not get_engine().transactional:
        return
    try:
        with session.begin_nested():
            postings = session.scalars(_with_relations(select(Posting).where(Posting.id.in_(ids)))).all()
            _write(get_engine(), postings, ids, raw_connection(session))
            session.execute(delete(IndexQueue).where(IndexQueue.posting_id.in_(ids)))
    except Exception:
        log.warning("Search index write in the transaction failed; %d change(s) queued", len(ids),
                    exc_info=True)


def _write(engine, postings, ids, connection=None) -> None:
    docs = [document_for(p) for p in postings if p.status in INDEXED_STATUSES]
    deletions = sorted(set(ids) - {d["id"] for d in docs})
    if docs:
        engine.upsert(docs, connection=connection)
    if deletions:
        engine.delete(deletions, connection=connection)


def _with_relations(stmt):
    # Everything document_for touches, loaded in a handful of queries per batch (no N+1).
    return stmt.options(
        selectinload(Posting.municipality),
        selectinload(Posting.partners),
        selectinload(Posting.categories),
        selectinload(Posting.tags),
    )


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
        # Japan time, so that the year facet is the Japan calendar year.
        "published_at": to_jst(posting.published_at) if posting.published_at else None,
        "updated_at": to_jst(posting.updated_at) if posting.updated_at else None,
    }


def queue(posting_id: int) -> None:
    """Record (in the caller's transaction) that the index must catch up with this posting."""
    now = utcnow()
    dialect = db.session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        # An upsert: two workers saving the same posting at once must not collide on the key.
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        stmt = insert(IndexQueue).values(posting_id=posting_id, queued_at=now, attempts=0)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=[IndexQueue.posting_id], set_={"queued_at": now}
        ))
        _note_change(posting_id)
        return
    row = db.session.get(IndexQueue, posting_id)
    if row is None:
        db.session.add(IndexQueue(posting_id=posting_id, queued_at=now))
    else:
        row.queued_at = now


def _note_change(posting_id: int) -> None:
    db.session.info.setdefault("search_changes", set()).add(posting_id)


def _apply_lock(timeout: float):
    """Serialises appliers (read the database, then write the index); LockTimeout if busy.
    A transactional backend locks in the database instead (see _apply_batch)."""
    if get_engine().transactional:
        return contextlib.nullcontext()
    return file_lock(Path(current_app.config["SEARCH_INDEX_DIR"]) / APPLY_LOCK, timeout)


def apply_pending(limit: int = BATCH) -> int:
    """Write queued changes to the index. Returns how many are still pending (0 = caught up).

    Never raises: it runs after the posting was committed, so a failure here must not turn a
    successful save into an error page. Whatever is not applied stays queued.
    """
    timeout = current_app.config.get("SEARCH_LOCK_TIMEOUT", LOCK_WAIT)
    try:
        with _apply_lock(timeout), Session(db.engine) as session:
            return _apply_batch(session, limit)
    except LockTimeout:
        log.info("Another process is writing the search index; changes left pending")
    except Exception:
        log.warning("Search index update failed; changes left pending", exc_info=True)
    return _pending_or_unknown()


def _apply_batch(session: Session, limit: int) -> int:
    # A separate session: the caller's objects and transaction are left alone. The queue is
    # read before the postings, so every row read has its posting change visible below.
    rows = session.execute(
        select(IndexQueue.posting_id, IndexQueue.queued_at).order_by(IndexQueue.queued_at).limit(limit)
    ).all()
    if not rows:
        return 0
    ids = [r.posting_id for r in rows]
    engine = get_engine()
    connection = None
    if engine.transactional:
        # One applier at a time across hosts, until this transaction (index write + cleared
        # queue rows) commits.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('kakehashi-index-apply'))"))
        connection = raw_connection(session)
    postings = session.scalars(_with_relations(select(Posting).where(Posting.id.in_(ids)))).all()
    try:
        _write(engine, postings, ids, connection)
    except Exception:  # the save already happened; the queue rows keep the change for later
        log.warning("Search index write failed; %d change(s) left pending", len(rows), exc_info=True)
        if connection is not None:
            session.rollback()  # the failed statement aborted this transaction
        session.execute(
            update(IndexQueue).where(IndexQueue.posting_id.in_(ids))
            .values(attempts=IndexQueue.attempts + 1)
        )
        session.commit()
        return _pending(session)
    _clear(session, rows)
    session.commit()
    return _pending(session)


def _clear(session: Session, rows) -> None:
    """Delete exactly the rows handled; a row re-queued meanwhile has a newer time and stays."""
    pairs = [(r.posting_id, r.queued_at) for r in rows]
    for start in range(0, len(pairs), BATCH):
        chunk = pairs[start : start + BATCH]
        session.execute(
            delete(IndexQueue).where(tuple_(IndexQueue.posting_id, IndexQueue.queued_at).in_(chunk))
        )


def _pending(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(IndexQueue)) or 0


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(IndexQueue)) or 0


def _pending_or_unknown() -> int:
    try:
        with Session(db.engine) as session:
            return max(_pending(session), 1)
    except Exception:
        return 1  # the database is unreachable: report "not caught up" rather than fail


def sync() -> int:
    """Replay every pending change; returns how many remain (non-zero if the index is down)."""
    remaining = pending_count()
    while remaining:
        before = remaining
        remaining = apply_pending()
        if remaining >= before:
            break
    return remaining


def all_documents(session: Session) -> Iterator[dict]:
    """Every indexable posting, in id order, loaded in batches (bounded memory, no N+1)."""
    last_id = 0
    while True:
        stmt = (
            select(Posting)
            .where(Posting.status.in_(INDEXED_STATUSES), Posting.id > last_id)
            .order_by(Posting.id)
            .limit(BATCH)
        )
        batch = session.scalars(_with_relations(stmt)).all()
        if not batch:
            return
        for posting in batch:
            yield document_for(posting)
        last_id = batch[-1].id
        session.expunge_all()


def rebuild(wait: float = 120.0, progress=None, procs: int | None = None) -> int:
    """Rebuild the whole index from the database into a new directory and swap it in.

    Searches keep using the old directory until the swap. Saves made meanwhile stay queued and
    are applied right after. `progress(n)` is called as postings are read; `procs` analysis
    processes (SEARCH_REBUILD_PROCS by default).
    """
    procs = procs or current_app.config["SEARCH_REBUILD_PROCS"]
    with _apply_lock(wait), Session(db.engine) as session:
        # Rows seen now have their postings' state in the rebuild; later rows stay queued.
        rows = session.execute(select(IndexQueue.posting_id, IndexQueue.queued_at)).all()
        docs = all_documents(session)
        if progress is not None:
            docs = _counting(docs, progress)
        count = get_engine().rebuild(docs, procs=procs)
        _clear(session, rows)
        session.commit()
    sync()
    return count


def _counting(items, progress):
    for item in items:
        progress(1)
        yield item


def indexable_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Posting).where(Posting.status.in_(INDEXED_STATUSES))
    ) or 0


def status() -> dict:
    engine = get_engine()
    return {
        "directory": current_app.config["SEARCH_INDEX_DIR"],
        "healthy": engine.healthy(),
        "documents": engine.doc_count(),
        "indexable": indexable_count(),
        "pending": pending_count(),
    }


def ensure_index() -> int | None:
    """Rebuild when the index is missing, corrupt or out of step with the database; returns
    the number of postings indexed by a rebuild, None when none was needed. Called by
    `flask search sync` (and so by `make run`)."""
    engine = get_engine()
    _remove_broken_leftovers()
    if not engine.healthy():
        # rebuild() recreates a removed directory and replaces a garbled pointer file.
        return rebuild()
    if sync() == 0 and engine.doc_count() != indexable_count():
        return rebuild()
    return None


def _remove_broken_leftovers() -> None:
    """Earlier versions moved an unusable index aside to `<dir>.broken-<hex>` and never
    removed it; those copies are of no use (the index is rebuilt from the database)."""
    root = Path(current_app.config["SEARCH_INDEX_DIR"])
    for aside in root.parent.glob(f"{root.name}.broken-*"):
        if aside.is_dir():
            log.info("Removing old broken search index %s", aside)
            shutil.rmtree(aside, ignore_errors=True)
