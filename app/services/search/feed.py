"""An index feed: one table kept in one search index through a queue of pending changes.

The database is the source of truth. A change is queued (one row per object in the feed's
queue table) in the same transaction as the object; after the commit `apply_pending` brings
the index to the database's state and clears the queue rows it handled. If the index cannot
be written (locked, broken, missing), the rows stay and are replayed by the next write or by
`sync` (the CLI's `sync` commands, the worker).

Appliers (web workers, importer, CLI) hold the engine's replay lock around read-database-then-
write-index, so a worker that read an older version of an object can never write it over a
newer one written by another worker in between.

With SEARCH_BACKEND=postgres the index lives in the database itself: the queued changes of a
transaction are written to the index inside that transaction, just before it commits (so the
index cannot drift from the data, and every web host sees the change at once); replaying the
queue takes the lock in the database, and commits the index write and the cleared queue rows
together.

Postings (app/services/search/indexing.py) and the officials' board (app/services/board/
search.py) are the two feeds.
"""

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.base import utcnow
from search_index import LockTimeout, PostgresIndex, SearchEngine

log = logging.getLogger(__name__)

BATCH = 500
# Seconds a save waits for another writer before leaving its change queued (a rebuild or an
# import can hold the index for minutes; a sync or the next save catches up).
LOCK_WAIT = 2.0

FEEDS: dict[str, "IndexFeed"] = {}


def open_engine(key: str, directory: str, table_prefix: str) -> SearchEngine:
    """One engine per process (and app) under `key`, opened lazily on the configured backend:
    a Whoosh directory, or PostgreSQL tables named with `table_prefix` (SEARCH_BACKEND)."""
    engine = current_app.extensions.get(key)
    if engine is None:
        if current_app.config["SEARCH_BACKEND"] == "postgres":
            engine = SearchEngine(backend=PostgresIndex(_connector(), prefix=table_prefix))
        else:
            engine = SearchEngine(directory, lock_timeout=_lock_wait())
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


def _lock_wait() -> float:
    return current_app.config.get("SEARCH_LOCK_TIMEOUT", LOCK_WAIT)


@dataclass(frozen=True)
class IndexFeed:
    """`model` rows where `indexable()` holds, as `document_for(row)`, in the engine that
    `engine()` opens; pending changes in `queue_model` (its `queue_key` column names the row)."""

    name: str
    model: type
    queue_model: type
    queue_key: str
    engine: Callable[[], SearchEngine]
    document_for: Callable[[object], dict]
    indexable: object  # a WHERE clause on `model`
    relations: tuple  # loader options: everything document_for touches, no N+1

    def __post_init__(self):
        FEEDS[self.name] = self

    @property
    def _key(self):
        return getattr(self.queue_model, self.queue_key)

    # --- queueing ---------------------------------------------------------------------

    def queue(self, object_id: int) -> None:
        """Record (in the caller's transaction) that the index must catch up with this row."""
        now = utcnow()
        dialect = db.session.get_bind().dialect.name
        if dialect in ("sqlite", "postgresql"):
            # An upsert: two workers saving the same row at once must not collide on the key.
            insert = sqlite_insert if dialect == "sqlite" else pg_insert
            stmt = insert(self.queue_model).values({self.queue_key: object_id, "queued_at": now,
                                                    "attempts": 0})
            db.session.execute(stmt.on_conflict_do_update(index_elements=[self._key],
                                                          set_={"queued_at": now}))
            db.session.info.setdefault(self._changes, set()).add(object_id)
            return
        row = db.session.get(self.queue_model, object_id)
        if row is None:
            db.session.add(self.queue_model(**{self.queue_key: object_id, "queued_at": now}))
        else:
            row.queued_at = now

    @property
    def _changes(self) -> str:
        return f"{self.name}_changes"  # the session's queued ids, for the in-transaction write

    @contextlib.contextmanager
    def deferred(self):
        """For bulk writes (the demo loader): changes are only queued, and written to the
        index in one go at the end instead of once per save."""
        current_app.extensions[self._deferred] = True
        try:
            yield
        finally:
            current_app.extensions.pop(self._deferred, None)
            self.sync()

    @property
    def _deferred(self) -> str:
        return f"{self.name}_index_deferred"

    # --- writing the index ------------------------------------------------------------

    def _load(self, session, ids):
        stmt = select(self.model).where(self.model.id.in_(ids), self.indexable)
        return session.scalars(stmt.options(*self.relations)).all()

    def _write(self, engine, rows, ids, connection=None) -> None:
        docs = [self.document_for(r) for r in rows]
        deletions = sorted(set(ids) - {d["id"] for d in docs})
        if docs:
            engine.upsert(docs, connection=connection)
        if deletions:
            engine.delete(deletions, connection=connection)

    def write_within(self, session) -> None:
        """A transactional backend: write the transaction's queued changes to the index now,
        in the same transaction, and drop their queue rows. If the index write fails, the
        savepoint is rolled back and the queue rows commit with the change, for a replay."""
        ids = session.info.pop(self._changes, None)
        if not ids or current_app.extensions.get(self._deferred) or not self.engine().transactional:
            return  # deferred: the queue rows commit, and the sync at the end writes them
        try:
            with session.begin_nested():
                self._write(self.engine(), self._load(session, ids), ids, raw_connection(session))
                session.execute(delete(self.queue_model).where(self._key.in_(ids)))
        except Exception:
            log.warning("%s index write in the transaction failed; %d change(s) queued",
                        self.name, len(ids), exc_info=True)

    def _replay_lock(self, session: Session, timeout: float):
        engine = self.engine()
        return engine.replay_lock(timeout, connection=raw_connection(session) if engine.transactional else None)

    def apply_pending(self, limit: int = BATCH) -> int:
        """Write queued changes to the index. Returns how many are still pending (0 = caught up).

        Never raises: it runs after the row was committed, so a failure here must not turn a
        successful save into an error page. Whatever is not applied stays queued.
        """
        if current_app.extensions.get(self._deferred):
            return self.pending_count()
        try:
            # A separate session: the caller's objects and transaction are left alone.
            with Session(db.engine) as session, self._replay_lock(session, _lock_wait()):
                return self._apply_batch(session, limit)
        except LockTimeout:
            log.info("Another process is writing the %s index; changes left pending", self.name)
        except Exception:
            log.warning("%s index update failed; changes left pending", self.name, exc_info=True)
        return self._pending_or_unknown()

    def _apply_batch(self, session: Session, limit: int) -> int:
        # The queue is read before the rows, so every queue row read has its change visible.
        rows = session.execute(
            select(self._key, self.queue_model.queued_at).order_by(self.queue_model.queued_at).limit(limit)
        ).all()
        if not rows:
            return 0
        ids = [r[0] for r in rows]
        engine = self.engine()
        connection = raw_connection(session) if engine.transactional else None
        try:
            self._write(engine, self._load(session, ids), ids, connection)
        except Exception:  # the save already happened; the queue rows keep the change for later
            log.warning("%s index write failed; %d change(s) left pending", self.name, len(rows),
                        exc_info=True)
            if connection is not None:
                session.rollback()  # the failed statement aborted this transaction
            session.execute(update(self.queue_model).where(self._key.in_(ids))
                            .values(attempts=self.queue_model.attempts + 1))
            session.commit()
            return self._pending(session)
        self._clear(session, rows)
        session.commit()
        return self._pending(session)

    def _clear(self, session: Session, rows) -> None:
        """Delete exactly the rows handled; a row re-queued meanwhile has a newer time and stays."""
        pairs = [(r[0], r[1]) for r in rows]
        for start in range(0, len(pairs), BATCH):
            chunk = pairs[start : start + BATCH]
            session.execute(delete(self.queue_model).where(
                tuple_(self._key, self.queue_model.queued_at).in_(chunk)))

    def _pending(self, session) -> int:
        return session.scalar(select(func.count()).select_from(self.queue_model)) or 0

    def pending_count(self) -> int:
        return self._pending(db.session)

    def _pending_or_unknown(self) -> int:
        try:
            with Session(db.engine) as session:
                return max(self._pending(session), 1)
        except Exception:
            return 1  # the database is unreachable: report "not caught up" rather than fail

    def sync(self) -> int:
        """Replay every pending change; returns how many remain (non-zero if the index is down)."""
        remaining = self.pending_count()
        while remaining:
            before = remaining
            remaining = self.apply_pending()
            if remaining >= before:
                break
        return remaining

    # --- the whole index --------------------------------------------------------------

    def all_documents(self, session: Session) -> Iterator[dict]:
        """Every indexable row, in id order, loaded in batches (bounded memory, no N+1)."""
        last_id = 0
        while True:
            stmt = (select(self.model).where(self.indexable, self.model.id > last_id)
                    .order_by(self.model.id).limit(BATCH).options(*self.relations))
            batch = session.scalars(stmt).all()
            if not batch:
                return
            for row in batch:
                yield self.document_for(row)
            last_id = batch[-1].id
            session.expunge_all()

    def rebuild(self, wait: float = 120.0, progress=None, procs: int = 1) -> int:
        """Rebuild the whole index from the database and swap it in.

        Searches keep using the old index until the swap. Saves made meanwhile stay queued and
        are applied right after. `progress(n)` is called as rows are read; `procs` analysis
        processes.
        """
        engine = self.engine()
        lock = contextlib.nullcontext() if engine.transactional else engine.replay_lock(wait)
        with lock, Session(db.engine) as session:
            # Rows seen now have their objects' state in the rebuild; later rows stay queued.
            rows = session.execute(select(self._key, self.queue_model.queued_at)).all()
            docs = self.all_documents(session)
            if progress is not None:
                docs = _counting(docs, progress)
            count = engine.rebuild(docs, procs=procs)
            self._clear(session, rows)
            session.commit()
        self.sync()
        return count

    def indexable_count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self.model).where(self.indexable)) or 0

    def ensure_index(self) -> int | None:
        """Rebuild when the index is missing, corrupt or out of step with the database;
        returns the number of rows indexed by a rebuild, None when none was needed."""
        engine = self.engine()
        engine.remove_leftovers()
        if not engine.healthy():
            return self.rebuild()  # recreates a removed directory, replaces a garbled pointer
        if self.sync() == 0 and engine.doc_count() != self.indexable_count():
            return self.rebuild()
        return None


def _counting(items, progress):
    for item in items:
        progress(1)
        yield item


@event.listens_for(db.session, "before_commit")
def _index_within_transaction(session) -> None:
    """SEARCH_BACKEND=postgres: each feed's queued changes join the committing transaction."""
    if not has_app_context():
        return
    for feed in FEEDS.values():
        feed.write_within(session)
