"""The shared backend: the index in PostgreSQL, so that every web host searches the same index.

The analysis stays ours (search_index.tokens): each document's tokens — character bigrams,
dictionary words, readings — are stored as lexemes of `tsvector` columns (built from the
token list, no PostgreSQL dictionary involved) with GIN indexes, and PostgreSQL's full-text
matching (`@@`, prefix `:*`) answers which documents hold a token. On top of that the engine
ranks and counts with the same bitmasks as the Whoosh backend (view.MaskView), so both
backends return the same results.

Tables (names start with `prefix`, "search_" by default):
  <p>docs    one row per document: id, seq (bit number in the masks), tsvectors of the three
             match fields, facet terms (text[]), published timestamp, stored fields (jsonb)
  <p>vocab   the reading vocabulary ("y:…" terms), for kana queries
  <p>log     the seqs that each generation removed (replaced or deleted documents)
  <p>state   generation (bumped by every write), epoch (bumped by every rebuild), format

Writes join the caller's transaction when given its connection (`transactional`): the index
commits with the posting, or not at all. Each host keeps its masks in memory and brings them
up to date from the log when the generation moved, so a save on one host is found by a search
on another at once.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import functools
import json
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

from .analysis import READING_PREFIX, WordTokenizer
from .errors import IndexWriteError
from .facets import MaskSet, ids_to_mask, mask_to_ids
from .locking import LockTimeout
from .schema import INDEX_FORMAT, MUNI_PREFIX, prepare
from .tokens import document_tokens
from .view import LRU, MaskView
from .workers import batched, worker_tokenizer

log = logging.getLogger(__name__)

FIELDS = ("text", "title_text", "head_text")
BATCH = 500  # documents per analysis task of a rebuild


def _again_if_dropped(read: Callable) -> Callable:
    """A reader's kept connection that the server dropped (a restart, a failover, an idle
    timeout) is found out only on its next use, which fails and marks it broken: read once
    more, on a new connection, rather than answer a search with nothing."""

    @functools.wraps(read)
    def wrapper(*args, **kwargs):
        import psycopg

        try:
            return read(*args, **kwargs)
        except psycopg.OperationalError as e:
            log.info("search index connection lost (%r), reading again on a new one", e)
            return read(*args, **kwargs)

    return wrapper


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: Iterable[str]) -> str:
    """The text form of a tsvector holding exactly these lexemes (_lexeme of each, quoted and
    escaped at once: a rebuild writes millions). NUL separates them, as no text holds one."""
    joined = "\0".join(sorted(tokens)).replace("\\", "\\\\").replace("'", "''")
    return "'" + joined.replace("\0", "' '") + "'" if joined else ""


class PostgresIndex:
    """The index in PostgreSQL. `connect()` returns a new psycopg connection."""

    transactional = True

    def __init__(self, connect: Callable, *, prefix: str = "search_", tokenizer: str = "sudachi"):
        if not prefix.replace("_", "").isalnum():
            raise ValueError(f"bad table prefix {prefix!r}")
        self.connect = connect
        self.p = prefix
        self.words = WordTokenizer(tokenizer)
        self._local = threading.local()
        self._store: PostgresStore | None = None
        self._store_lock = threading.Lock()
        self._ready = False

    # -- connections and tables --------------------------------------------------------

    def _reader_connection(self, snapshot: bool = False):
        """This thread's connection for lookups (autocommit), or for reading one consistent
        snapshot of the state, log and new rows (repeatable read transactions)."""
        name = "snapshot" if snapshot else "conn"
        conn = getattr(self._local, name, None)
        if conn is None or conn.closed or conn.broken:
            conn = self.connect()
            if snapshot:
                from psycopg import IsolationLevel

                conn.isolation_level = IsolationLevel.REPEATABLE_READ
            else:
                conn.autocommit = True
            setattr(self._local, name, conn)
        return conn

    def ensure_tables(self) -> None:
        """Create the tables once per process, in a transaction of their own (creating an
        index takes a table lock that must not be held by a writer)."""
        if self._ready:
            return
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.p,))
            self._create_tables(cur)
        self._ready = True

    def _create_tables(self, cur) -> None:
        p = self.p
        cur.execute(f"""
            CREATE TABLE IF NOT EXISTS {p}state (key text PRIMARY KEY, value bigint NOT NULL);
            CREATE SEQUENCE IF NOT EXISTS {p}seq;
            CREATE TABLE IF NOT EXISTS {p}docs (
                id bigint PRIMARY KEY,
                seq bigint NOT NULL UNIQUE DEFAULT nextval('{p}seq'),
                text_tsv tsvector NOT NULL, title_tsv tsvector NOT NULL, head_tsv tsvector NOT NULL,
                facets text[] NOT NULL, published_ts bigint NOT NULL, stored jsonb NOT NULL);
            CREATE INDEX IF NOT EXISTS {p}docs_text ON {p}docs USING gin (text_tsv);
            CREATE INDEX IF NOT EXISTS {p}docs_title ON {p}docs USING gin (title_tsv);
            CREATE INDEX IF NOT EXISTS {p}docs_head ON {p}docs USING gin (head_tsv);
            CREATE INDEX IF NOT EXISTS {p}docs_facets ON {p}docs USING gin (facets);
            CREATE TABLE IF NOT EXISTS {p}vocab (term text PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS {p}log (generation bigint NOT NULL, seq bigint NOT NULL);
            CREATE INDEX IF NOT EXISTS {p}log_generation ON {p}log (generation);
            INSERT INTO {p}state VALUES ('generation', 0), ('epoch', 0), ('format', {int(INDEX_FORMAT)})
                ON CONFLICT (key) DO NOTHING;
        """)

    def replay_lock(self, timeout: float, connection=None):
        """See SearchEngine.replay_lock: a transaction-scoped advisory lock on `connection`
        (every host shares it; `timeout` is PostgreSQL's lock_timeout, LockTimeout when it
        passes). Without a connection there is no transaction to hold it in: nothing to do."""
        if connection is not None:
            from psycopg import errors

            with connection.cursor() as cur:
                cur.execute("SELECT current_setting('lock_timeout')")
                previous = cur.fetchone()[0]
                cur.execute("SELECT set_config('lock_timeout', %s, true)", (f"{max(1, int(timeout * 1000))}ms",))
                try:
                    cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.p + "replay",))
                except errors.LockNotAvailable:
                    raise LockTimeout(f"index {self.p!r} is being replayed by another process") from None
                cur.execute("SELECT set_config('lock_timeout', %s, true)", (previous,))
        return contextlib.nullcontext()

    def remove_leftovers(self) -> None:
        """The build tables of a rebuild that failed or was killed after the load (unless a
        rebuild runs now)."""
        try:
            with self.connect() as conn:
                conn.autocommit = True
                if conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (self.p + "rebuild",)).fetchone()[0]:
                    conn.execute(f"DROP TABLE IF EXISTS {self.p}build_docs; DROP TABLE IF EXISTS {self.p}build_vocab")
                    conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (self.p + "rebuild",))
        except Exception as e:  # the database is down: healthy() says so next
            log.warning("could not remove the search index's build tables: %r", e)

    # -- writes ------------------------------------------------------------------------

    def _rows(self, prepared: list[dict]) -> list[tuple]:
        return [_row(p, self.words) for p in prepared]

    def write(self, upserts: list[dict], deletes: list[int], connection=None) -> None:
        rows = self._rows(upserts)  # analysis outside the transaction's lock
        try:
            self.ensure_tables()
            if connection is not None:
                with connection.cursor() as cur:
                    self._write_rows(cur, rows, deletes)
                return
            with self.connect() as conn, conn.cursor() as cur:
                self._write_rows(cur, rows, deletes)
        except Exception as e:
            raise IndexWriteError(f"index write failed: {e!r}") from e

    def _write_rows(self, cur, rows: list[tuple], deletes: list[int]) -> None:
        p = self.p
        # The generation row lock serialises writers until commit, so the seqs of a later
        # commit are always above those of an earlier one (readers fetch "seq > last seen").
        cur.execute(f"UPDATE {p}state SET value = value + 1 WHERE key = 'generation' RETURNING value")
        generation = cur.fetchone()[0]
        ids = [r[0] for r in rows] + [int(i) for i in deletes]
        cur.execute(f"DELETE FROM {p}docs WHERE id = ANY(%s) RETURNING seq", (ids,))
        removed = [r[0] for r in cur.fetchall()]
        if removed:
            cur.executemany(f"INSERT INTO {p}log VALUES (%s, %s)", [(generation, s) for s in removed])
        for row in rows:
            cur.execute(
                f"INSERT INTO {p}docs (id, text_tsv, title_tsv, head_tsv, facets, published_ts, stored)"
                " VALUES (%s, %s::tsvector, %s::tsvector, %s::tsvector, %s, %s, %s::jsonb)", row[:7])
        vocab = sorted({t for row in rows for t in row[7]})
        if vocab:
            cur.executemany(f"INSERT INTO {p}vocab VALUES (%s) ON CONFLICT DO NOTHING", [(t,) for t in vocab])

    def rebuild(self, docs: Iterable[dict], *, procs: int = 1) -> int:
        """Load every document (prepared and analysed in `procs` processes) into new tables,
        build their indexes on two connections at once, and swap them in (one transaction);
        searches answer from the old tables until then."""
        p, b = self.p, self.p + "build_"
        count = 0
        try:
            self.ensure_tables()
            with self.connect() as conn:
                conn.autocommit = True
                # One rebuild at a time: the build tables are committed before the swap (a
                # second connection builds indexes on them), so two rebuilds would share them.
                conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (p + "rebuild",))
                with conn.transaction(), conn.cursor() as cur:
                    cur.execute(f"""
                        DROP TABLE IF EXISTS {b}docs; DROP TABLE IF EXISTS {b}vocab;
                        CREATE TABLE {b}docs (LIKE {p}docs INCLUDING DEFAULTS);
                        CREATE TABLE {b}vocab (term text NOT NULL);
                    """)
                    vocab: set[str] = set()
                    with cur.copy(f"COPY {b}docs (id, seq, text_tsv, title_tsv, head_tsv, facets, "
                                  "published_ts, stored) FROM STDIN") as copy:
                        for rows in _analysed(docs, self.words, procs):
                            for row in rows:
                                count += 1
                                copy.write_row((row[0], count, *row[1:7]))
                                vocab.update(row[7])
                    with cur.copy(f"COPY {b}vocab (term) FROM STDIN") as copy:
                        for term in vocab:
                            copy.write_row((term,))
                # Indexes after the load (one GIN build is much cheaper than row-by-row
                # updates), the largest on this connection and the rest on another meanwhile.
                _in_parallel(self.connect, [
                    [f"CREATE INDEX {b}docs_text ON {b}docs USING gin (text_tsv)"],
                    [f"CREATE UNIQUE INDEX {b}docs_pkey ON {b}docs (id)",
                     f"CREATE UNIQUE INDEX {b}docs_seq_key ON {b}docs (seq)",
                     f"CREATE UNIQUE INDEX {b}vocab_pkey ON {b}vocab (term)",
                     f"CREATE INDEX {b}docs_title ON {b}docs USING gin (title_tsv)",
                     f"CREATE INDEX {b}docs_head ON {b}docs USING gin (head_tsv)",
                     f"CREATE INDEX {b}docs_facets ON {b}docs USING gin (facets)"],
                ], first=conn)
                # The swap: writers wait on the generation row, readers see old or new.
                renames = "".join(
                    f"ALTER INDEX {b}{name} RENAME TO {p}{name};"
                    for name in ("docs_pkey", "docs_seq_key", "vocab_pkey", "docs_text", "docs_title",
                                 "docs_head", "docs_facets"))
                with conn.transaction(), conn.cursor() as cur:
                    cur.execute(f"""
                        ALTER TABLE {b}docs ADD CONSTRAINT {b}docs_pkey PRIMARY KEY USING INDEX {b}docs_pkey,
                            ADD CONSTRAINT {b}docs_seq_key UNIQUE USING INDEX {b}docs_seq_key;
                        ALTER TABLE {b}vocab ADD CONSTRAINT {b}vocab_pkey PRIMARY KEY USING INDEX {b}vocab_pkey;
                        SELECT value FROM {p}state WHERE key = 'generation' FOR UPDATE;
                        DROP TABLE {p}docs; DROP TABLE {p}vocab;
                        ALTER TABLE {b}docs RENAME TO {p}docs;
                        ALTER TABLE {b}vocab RENAME TO {p}vocab;
                        {renames}
                        SELECT setval('{p}seq', {max(count, 1)});
                        TRUNCATE {p}log;
                        UPDATE {p}state SET value = value + 1 WHERE key IN ('generation', 'epoch');
                        UPDATE {p}state SET value = {int(INDEX_FORMAT)} WHERE key = 'format';
                    """)
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (p + "rebuild",))
        except Exception as e:
            raise IndexWriteError(f"rebuild failed: {e!r}") from e
        return count

    # -- reads -------------------------------------------------------------------------

    def healthy(self) -> bool:
        try:
            self._check_format()
            return True
        except Exception as e:
            log.warning("search index in PostgreSQL (%sdocs) is unhealthy: %r", self.p, e)
            return False

    @_again_if_dropped
    def _check_format(self) -> None:
        with self._reader_connection().cursor() as cur:
            cur.execute(f"SELECT value FROM {self.p}state WHERE key = 'format'")
            row = cur.fetchone()
            if row is None or str(row[0]) != INDEX_FORMAT:
                raise ValueError("index written by another version of this package: rebuild needed")
            cur.execute(f"SELECT 1 FROM {self.p}docs LIMIT 1")  # the table is there and readable

    @_again_if_dropped
    def version(self) -> str:
        """The state's generation: bumped by every write and every rebuild, in their transaction."""
        with self._reader_connection().cursor() as cur:
            cur.execute(f"SELECT value FROM {self.p}state WHERE key = 'generation'")
            row = cur.fetchone()
        if row is None:
            raise OSError("the search tables do not exist yet (rebuild needed)")
        return str(row[0])

    def reader(self) -> PostgresStore:
        with self._store_lock:
            if self._store is None:
                self._store = PostgresStore(self)
            return self._store


def _row(p: dict, words: WordTokenizer) -> tuple:
    tokens = document_tokens(p, words)
    vocab = sorted(t for t in tokens["text"] if t.startswith(READING_PREFIX))
    return (p["id"], *(tsvector_literal(tokens[f]) for f in FIELDS), list(p["facet_terms"]),
            p["published_ts"], json.dumps(p["stored"], ensure_ascii=False, default=str), vocab)


def _analyse_batch(batch: list[dict], tokenizer: str) -> list[tuple]:
    words = worker_tokenizer(tokenizer)
    return [_row(prepare(d), words) for d in batch]


def _analysed(docs: Iterable[dict], words: WordTokenizer, procs: int):
    """Rows of documents, in batches and in order: prepared and analysed in `procs` processes
    when more than one, with a few batches in flight (the documents are read as the rows are
    written, so the reader's progress is the load's, and memory stays bounded)."""
    batches = batched(docs, BATCH)
    if procs <= 1:
        for batch in batches:
            yield [_row(prepare(d), words) for d in batch]
        return
    with ProcessPoolExecutor(procs) as pool:
        pending: collections.deque = collections.deque()
        for batch in batches:
            pending.append(pool.submit(_analyse_batch, batch, words.name))
            if len(pending) > 2 * procs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _in_parallel(connect: Callable, scripts: list[list[str]], first) -> None:
    """Run each list of statements on a connection of its own (`first` for the first one),
    at the same time; the first error is raised once all are done."""
    errors: list[BaseException] = []

    def run(statements, conn=None):
        try:
            with contextlib.ExitStack() as stack:
                if conn is None:
                    conn = stack.enter_context(connect())
                    conn.autocommit = True
                for statement in statements:
                    conn.execute(statement)
        except BaseException as e:  # raised in the calling thread below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(statements,)) for statements in scripts[1:]]
    for t in threads:
        t.start()
    run(scripts[0], first)
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


class PostgresStore:
    """A process's reader: the current view, brought up to date when the generation moved."""

    def __init__(self, index: PostgresIndex):
        self.index = index
        self._view: _PgView | None = None
        self._lock = threading.Lock()

    @_again_if_dropped
    def view(self) -> _PgView:
        v = self._view
        if v is not None:
            # One round trip when nothing changed (the usual case).
            with self.index._reader_connection().cursor() as cur:
                cur.execute(f"SELECT value FROM {self.index.p}state WHERE key = 'generation'")
                row = cur.fetchone()
            if row is not None and row[0] == v.generation:
                return v
        conn = self.index._reader_connection(snapshot=True)
        with self._lock, conn.transaction(), conn.cursor() as cur:
            cur.execute(f"SELECT key, value FROM {self.index.p}state WHERE key IN ('generation', 'epoch')")
            state = dict(cur.fetchall())
            if not state:
                raise OSError("the search tables do not exist yet (rebuild needed)")
            v = self._view
            if v is None or v.epoch != state["epoch"]:
                v = self._view = _PgView.load(cur, self.index, state["epoch"], state["generation"])
            elif v.generation != state["generation"]:
                v = self._view = v.advanced(cur, state["generation"])
            return v

    def stored(self, view: _PgView, docnum: int) -> dict:
        return self.stored_many(view, [docnum])[0]

    @_again_if_dropped
    def stored_many(self, view: _PgView, docnums: list[int]) -> list[dict]:
        if not docnums:
            return []
        with self.index._reader_connection().cursor() as cur:
            cur.execute(f"SELECT seq, id, stored FROM {self.index.p}docs WHERE seq = ANY(%s)", (docnums,))
            found = {seq: {**stored, "id": doc_id} for seq, doc_id, stored in cur.fetchall()}
        return [found.get(d, {"id": -1}) for d in docnums]


_COLUMN = {"text": "text_tsv", "title_text": "title_tsv", "head_text": "head_tsv"}


class _PgView(MaskView):
    """Masks of one generation. Bit i is the document whose seq is i; replaced and deleted
    documents leave `live`, new ones get new, higher seqs."""

    def __init__(self, index: PostgresIndex, epoch: int, generation: int):
        self.index = index
        self.epoch = epoch
        self.generation = generation
        self.size = 0
        self.live = 0
        self._ts: list[int] = []
        self._order: list[tuple[int, int]] | None = None  # (-timestamp, -seq), sorted
        self._facets: dict[str, int] = {}
        self.terms = LRU(4096)  # (field, token) -> mask of every document that ever held it
        self.cache = LRU(512)

    def _cursor(self):
        return self.index._reader_connection().cursor()

    @classmethod
    def load(cls, cur, index: PostgresIndex, epoch: int, generation: int) -> _PgView:
        v = cls(index, epoch, generation)
        cur.execute(f"SELECT seq, facets, published_ts FROM {index.p}docs")
        v._add_rows(cur.fetchall())
        return v

    def _add_rows(self, rows) -> None:
        """Documents new to this view: seq, facet terms, timestamp."""
        if not rows:
            return
        self.size = max(self.size, max(r[0] for r in rows) + 1)
        self._ts.extend([0] * (self.size - len(self._ts)))
        by_term: dict[str, list[int]] = {}
        for seq, facets, ts in rows:
            self._ts[seq] = ts
            for term in facets:
                by_term.setdefault(term, []).append(seq)
        for term, seqs in by_term.items():
            self._facets[term] = self._facets.get(term, 0) | ids_to_mask(seqs, self.size)
        self.live |= ids_to_mask([r[0] for r in rows], self.size)
        if self._order is not None:
            for seq, _facets, ts in rows:
                bisect.insort(self._order, (-ts, -seq))

    def advanced(self, cur, generation: int) -> _PgView:
        """A new view for a later generation (read in the same snapshot as `generation`):
        this one's masks, minus what was removed, plus the documents written since."""
        v = _PgView(self.index, self.epoch, generation)
        v.size, v.live, v._ts, v._facets = self.size, self.live, list(self._ts), dict(self._facets)
        v._order = list(self._order) if self._order is not None else None
        p = self.index.p
        cur.execute(f"SELECT seq FROM {p}log WHERE generation > %s", (self.generation,))
        removed = [r[0] for r in cur.fetchall()]
        cur.execute(f"SELECT seq, facets, published_ts, tsvector_to_array(text_tsv), "
                    f"tsvector_to_array(title_tsv), tsvector_to_array(head_tsv) FROM {p}docs "
                    f"WHERE seq >= %s", (self.size,))
        added = cur.fetchall()
        if removed:
            v.live &= ~ids_to_mask(removed, max(removed) + 1)
        v._add_rows([r[:3] for r in added])
        # Cached token masks stay valid for old documents; add the new documents' bits.
        for (field, token), mask in self.terms.items():
            column = {"text": 3, "title_text": 4, "head_text": 5}.get(field)
            if column is None:  # the facets field (municipality filter)
                seqs = [r[0] for r in added if token in r[1]]
            else:
                seqs = [r[0] for r in added if token in r[column]]
            v.terms[(field, token)] = mask | ids_to_mask(seqs, v.size) if seqs else mask
        return v

    # -- what MaskView needs -------------------------------------------------------------

    def term_mask(self, field: str, text: str) -> int:
        def make():
            with self._cursor() as cur:
                if field == "facets":
                    cur.execute(f"SELECT seq FROM {self.index.p}docs WHERE facets @> ARRAY[%s]", (text,))
                else:
                    cur.execute(f"SELECT seq FROM {self.index.p}docs WHERE {_COLUMN[field]} @@ %s::tsquery",
                                (_lexeme(text),))
                return self._mask(cur.fetchall())

        return self.terms.get_or((field, text), make) & self.live

    def _mask(self, rows) -> int:
        # Rows written after this view's snapshot have seqs beyond it: the next view adds them.
        return ids_to_mask([r[0] for r in rows if r[0] < self.size], self.size)

    def plan_mask(self, plan, field: str = "text") -> int:
        if plan[0] == "prefix":  # PostgreSQL matches lexeme prefixes itself (GIN, ':*')
            def make():
                with self._cursor() as cur:
                    cur.execute(f"SELECT seq FROM {self.index.p}docs WHERE {_COLUMN[field]} @@ %s::tsquery",
                                (_lexeme(plan[1]) + ":*",))
                    return self._mask(cur.fetchall())

            return self.cache.get_or(("prefix", field, plan[1]), make) & self.live
        return super().plan_mask(plan, field)

    def terms_with_prefix(self, field: str, prefix: str, limit: int = 64) -> list[str]:
        """The reading vocabulary ("y:…" terms); other prefixes are matched by plan_mask."""
        if field != "text" or not prefix.startswith(READING_PREFIX):
            return []
        with self._cursor() as cur:
            pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            cur.execute(f"SELECT term FROM {self.index.p}vocab WHERE term LIKE %s ORDER BY term LIMIT %s",
                        (pattern, limit))
            return [r[0] for r in cur.fetchall()]

    def facet_values(self) -> dict[str, int]:
        return {t: m & self.live for t, m in self._facets.items() if not t.startswith(MUNI_PREFIX)}

    def timestamps(self) -> list[int]:
        return self._ts

    def newest(self, mask: int, count: int, total: int) -> list[int]:
        ts = self._ts
        if total <= 4096:
            ids = mask_to_ids(mask)
            ids.sort(key=lambda d: (ts[d], d), reverse=True)
            return ids[:count]
        if self._order is None:
            self._order = sorted((-t, -d) for d, t in enumerate(ts) if self.live >> d & 1)
        allowed = MaskSet(mask)
        out = []
        for _, neg_d in self._order:
            if -neg_d in allowed:
                out.append(-neg_d)
                if len(out) >= count:
                    break
        return out
