"""The embedded backend: Whoosh index directories. Everything Whoosh-specific lives here.

Whoosh stores postings, stored fields and segments and handles commits; matching, totals,
filters, facets and ranking run on bitmasks built from raw postings and cached per segment
(segments are immutable, so a cache entry stays valid until the segment is merged away).

Directory layout under index_dir:
  CURRENT      name of the live generation directory (replaced atomically by rebuild())
  write.lock   fcntl lock that serialises every writer, across processes
  ix-<hex>/    generation directories (the live one and the previous one are kept)
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import Token
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, FieldType, Schema
from whoosh.formats import Existence
from whoosh.reading import TermNotFound

from . import (
    whoosh_buffers,  # also installs BufferFile without a copy of the index
    whoosh_segments,
)
from .analysis import WordTokenizer
from .errors import IndexWriteError
from .facets import MaskSet, full_mask, ids_to_mask, mask_to_ids
from .locking import LockTimeout, file_lock
from .schema import (
    FORMAT_FILE,
    HEAD_SECTIONS,
    INDEX_FORMAT,
    MUNI_PREFIX,
    STORED_FIELDS,
)
from .tokens import section_tokens
from .view import LRU, MaskView

log = logging.getLogger(__name__)

POINTER = "CURRENT"
# A rebuild writes a segment per SEGMENT_DOCS documents (~3.3M postings, ~100 MB of arrays in
# the process that writes it).
SEGMENT_DOCS = 10_000
LOCK_FILE = "write.lock"
REPLAY_LOCK_FILE = "app-apply.lock"
_SEC, _NAME = "\x1d", "\x1e"  # separators of the encoded multi-section text value


def encode_sections(sections: list[tuple[str, str]]) -> str:
    clean = (t.replace(_SEC, " ").replace(_NAME, " ") for _, t in sections)
    return _SEC.join(f"{name}{_NAME}{text}" for (name, _), text in zip(sections, clean, strict=True))


class SectionAnalyzer:
    """Whoosh analyzer for the match fields: bigrams of every section, plus dictionary words
    (prefixed "w:") for WORD_SECTIONS. One combined field means one posting list per token."""

    def __init__(self, tokenizer: str = "sudachi", words: bool = True):
        self.words = WordTokenizer(tokenizer if words else "none")

    def __eq__(self, other):
        return type(other) is type(self) and other.words.name == self.words.name

    def __hash__(self):
        return hash(self.words.name)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.stopped = False
        t.removestops = removestops
        sections = []
        for part in value.split(_SEC):
            name, _, text = part.rpartition(_NAME)
            sections.append((name, text))
        # Existence format: each distinct token once; positions and boosts are not stored.
        for i, tok in enumerate(sorted(section_tokens(sections, self.words))):
            t.text = tok
            t.boost = 1.0
            t.pos = start_pos + i
            yield t


def _match_field(analyzer) -> FieldType:
    # Existence format: no frequencies, positions or field lengths. Matching and ranking use
    # bitmasks (see ranking.py), and skipping those halves Whoosh's per-posting write cost.
    # scorable=True although nothing is scored: Whoosh looks up a length column for every
    # posting at commit and, for unscorable fields, does a stat() per posting to find none.
    return FieldType(format=Existence(), analyzer=analyzer, scorable=True)


def build_schema(tokenizer: str = "sudachi") -> Schema:
    fields = {name: STORED for name in (*STORED_FIELDS, "summary", "extra_text", "body_text")}
    return Schema(
        id=ID(stored=True, unique=True),
        text=_match_field(SectionAnalyzer(tokenizer)),
        title_text=_match_field(SectionAnalyzer(words=False)),
        head_text=_match_field(SectionAnalyzer(words=False)),
        facets=KEYWORD(commas=True, lowercase=False, scorable=False),
        published_ts=COLUMN(NumericColumn("q", default=0)),
        **fields,
    )


def to_whoosh_doc(p: dict) -> dict:
    title = p["stored"].get("title") or ""
    doc = {
        "id": str(p["id"]),
        "text": encode_sections(p["sections"]),
        "title_text": encode_sections([("title", title)]),
        "head_text": encode_sections([s for s in p["sections"] if s[0] in HEAD_SECTIONS]),
        "facets": ",".join(p["facet_terms"]),
        "published_ts": p["published_ts"],
    }
    for k, v in p["stored"].items():
        if v is not None:
            doc[k] = v
    return doc


def _raw_ids(segreader, field: str, text: str) -> list[int]:
    """All document numbers of a term in one segment, deleted ones included (masked later).

    Reads whole posting blocks instead of stepping the matcher per document: ~10x faster;
    straight from the segment's buffer where it is one (whoosh_buffers.posting_ids).
    """
    terms = segreader._terms
    try:
        info = terms.term_info(field, text.encode("utf-8"))
        if not info.is_inlined():
            ids = whoosh_buffers.posting_ids(terms._postfile, info.extent()[0])
            if ids is not None:
                return ids
        m = terms.matcher(field, text.encode("utf-8"), segreader.schema[field].format)
    except (TermNotFound, KeyError):
        return []
    if not hasattr(m, "_read_ids"):  # inlined postings of rare terms
        return list(m.all_ids())
    out: list[int] = []
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        out.extend(m._ids)
        m._next_block()
    return out


class _SegmentData:
    """Caches for one immutable segment, keyed by its segment id."""

    def __init__(self, segreader):
        self.reader = segreader
        self.size = segreader.doc_count_all()
        self.terms = LRU(4096)
        self._facets = None
        self._ts = None

    def term_mask(self, field: str, text: str) -> int:
        return self.terms.get_or((field, text), lambda: ids_to_mask(_raw_ids(self.reader, field, text), self.size))

    def facet_masks(self) -> dict[str, int]:
        if self._facets is None:
            # Municipality codes (~1,700 terms) are a filter, not a facet: looked up on demand.
            terms = [t.decode("utf-8") for t in self.reader.lexicon("facets")]
            terms = [t for t in terms if not t.startswith(MUNI_PREFIX)]
            self._facets = {t: self.term_mask("facets", t) for t in terms}
        return self._facets

    def timestamps(self) -> list[int]:
        if self._ts is None:
            self._ts = list(self.reader.column_reader("published_ts")) if self.size else []
        return self._ts


class _View(MaskView):
    """Masks and orderings of one index generation, assembled from segment caches."""

    def __init__(self, searcher, segdata: dict):
        self.searcher = searcher
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.leaves = []
        deleted = []
        for segreader, offset in _leaves(reader):
            key = seg_reader_key(segreader)
            seg = segdata.get(key)
            if seg is None:
                seg = segdata[key] = _SegmentData(segreader)
            self.leaves.append((seg, offset))
            if segreader.has_deletions():
                deleted.extend(offset + d for d in segreader.deleted_docs_set)
        self.live = full_mask(self.size) & ~ids_to_mask(deleted, self.size)
        self.terms = LRU(4096)
        self.cache = LRU(512)  # plan/filter masks of this generation
        self._facets = None
        self._ts = None
        self._lock = threading.Lock()

    def term_mask(self, field: str, text: str) -> int:
        def make():
            mask = 0
            for seg, offset in self.leaves:
                m = seg.term_mask(field, text)
                if m:
                    mask |= m << offset
            return mask

        return self.terms.get_or((field, text), make)

    def facet_values(self) -> dict[str, int]:
        """facet term ("pref=石川県") -> mask of live documents."""
        with self._lock:
            if self._facets is None:
                out: dict[str, int] = {}
                for seg, offset in self.leaves:
                    for term, m in seg.facet_masks().items():
                        out[term] = out.get(term, 0) | (m << offset)
                self._facets = {t: m & self.live for t, m in out.items()}
        return self._facets

    def timestamps(self) -> list[int]:
        with self._lock:
            if self._ts is None:
                ts: list[int] = []
                for seg, _ in self.leaves:
                    ts.extend(seg.timestamps())
                self._ts = ts
        return self._ts

    def terms_with_prefix(self, field: str, prefix: str, limit: int = 64) -> list[str]:
        """Index terms of `field` starting with `prefix` (the reading vocabulary)."""
        out = []
        for t in self.searcher.reader().expand_prefix(field, prefix):
            out.append(t.decode("utf-8") if isinstance(t, bytes) else t)
            if len(out) >= limit:
                break
        return out

    def newest(self, mask: int, count: int, total: int) -> list[int]:
        """Document numbers in `mask`, newest first, at most `count`."""
        ts = self.timestamps()
        if total <= 4096:
            ids = mask_to_ids(mask)
            ids.sort(key=lambda d: (ts[d], d), reverse=True)
            return ids[:count]
        allowed = MaskSet(mask)
        out = []
        for _, neg_d in heapq.merge(*(self._segment_order(seg, off) for seg, off in self.leaves)):
            d = -neg_d
            if d in allowed:
                out.append(d)
                if len(out) >= count:
                    break
        return out

    def _segment_order(self, seg: _SegmentData, offset: int):
        order = seg.terms.get_or(("__order__", ""), lambda: sorted(
            ((-t, -d) for d, t in enumerate(seg.timestamps()))))
        return ((t, nd - offset) for t, nd in order)


class WhooshStore:
    """One physical Whoosh index directory plus its per-process read caches."""

    def __init__(self, path: str, tokenizer: str = "sudachi"):
        self.path = str(path)
        self.tokenizer = tokenizer
        self.ix = whoosh_index.open_dir(self.path)
        self._searcher = None
        self._view: _View | None = None
        self._segdata: dict[str, _SegmentData] = {}
        self._lock = threading.Lock()

    @staticmethod
    def create(path: str, tokenizer: str = "sudachi") -> None:
        # FORMAT names what prepare() indexed (schema.INDEX_FORMAT), checked by check().
        whoosh_index.create_in(str(path), build_schema(tokenizer))
        (Path(path) / FORMAT_FILE).write_text(INDEX_FORMAT, encoding="utf-8")

    def view(self) -> _View:
        """The view of the latest generation; refreshed when another writer committed."""
        with self._lock:
            s = self._searcher
            if s is None:
                s = self._searcher = self.ix.searcher()
            elif not s.up_to_date():
                # Not s.refresh(): it reuses segment readers with stale deletion lists (and fails
                # on an empty index). Our own per-segment caches carry over anyway.
                s = self._searcher = self.ix.searcher()
            if self._view is None or self._view.searcher is not s:
                self._view = _View(s, self._segdata)
                live = {seg_reader_key(r) for r, _ in _leaves(s.reader())}
                for key in list(self._segdata):
                    if key not in live:
                        del self._segdata[key]
            return self._view

    def write(self, upserts: list[dict], deletes: list[int], timeout: float) -> None:
        writer = _without_lengths(self.ix.writer(timeout=timeout))
        try:
            for doc_id in deletes:
                writer.delete_by_term("id", str(doc_id))
            for p in upserts:
                writer.update_document(**to_whoosh_doc(p))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def bulk_load(self, docs: Iterable[dict], procs: int = 1) -> int:
        """Index raw documents into this (new, empty) index: a segment per SEGMENT_DOCS,
        written whole in `procs` processes and committed once, never merged (see
        whoosh_segments)."""
        return whoosh_segments.load(self.path, self.ix.schema, docs, tokenizer=self.tokenizer,
                                    to_whoosh_doc=to_whoosh_doc, segment_docs=SEGMENT_DOCS, procs=procs)

    def stored(self, view: _View, docnum: int) -> dict:
        return view.searcher.stored_fields(docnum)

    def stored_many(self, view: _View, docnums: list[int]) -> list[dict]:
        return [view.searcher.stored_fields(d) for d in docnums]

    def check(self) -> None:
        """Raise if the index cannot be read (used by SearchEngine.healthy)."""
        ix = whoosh_index.open_dir(self.path)
        # An index written by an older version of this package needs a rebuild.
        if set(ix.schema.names()) != set(build_schema(self.tokenizer).names()):
            raise ValueError("index schema differs from this version: rebuild needed")
        fmt = Path(self.path, FORMAT_FILE)
        if not fmt.exists() or fmt.read_text(encoding="utf-8").strip() != INDEX_FORMAT:
            raise ValueError("index written by another version of this package: rebuild needed")
        with ix.searcher() as s:
            s.doc_count()
            reader = s.reader()
            if not reader.doc_count_all():
                return
            for i, _ in enumerate(reader.all_stored_fields()):
                if i >= 2:
                    break
            for i, _ in enumerate(reader.lexicon("facets")):
                if i >= 2:
                    break
            for segreader, _ in _leaves(reader):
                cr = segreader.column_reader("published_ts")
                if segreader.doc_count_all():
                    cr[0]


def seg_reader_key(segreader) -> str:
    return segreader.segment().segment_id()


def _leaves(reader) -> list:
    """(segment reader, docnum offset) pairs; an empty index has none."""
    if not reader.doc_count_all():
        return []
    return list(reader.leaf_readers() or [])


def _without_lengths(writer):
    """Skip the per-posting field-length lookup at commit (a column read per posting: ~40% of
    build time). Lengths only feed BM25 block statistics, and nothing here is scored by Whoosh."""
    fw = getattr(writer, "fieldwriter", None)
    if fw is not None:
        add_postings = fw.add_postings
        fw.add_postings = lambda schema, lengths, items: add_postings(schema, None, items)
    return writer


class WhooshIndex:
    """An index directory of generations, one live (see the module docstring)."""

    transactional = False

    def __init__(self, index_dir, *, tokenizer: str = "sudachi", lock_timeout: float = 10.0):
        self.root = Path(index_dir)
        self.tokenizer = tokenizer
        self.lock_timeout = lock_timeout
        self._store: WhooshStore | None = None
        self._pointer_key = None
        self._open_lock = threading.Lock()
        self.root.mkdir(parents=True, exist_ok=True)
        if not (self.root / POINTER).exists():
            with contextlib.suppress(IndexWriteError), self.write_lock():
                if not (self.root / POINTER).exists():
                    self._swap_in(self._new_generation())

    # -- directories and locking -------------------------------------------------------

    @contextlib.contextmanager
    def write_lock(self, timeout: float | None = None):
        timeout = self.lock_timeout if timeout is None else timeout
        held = contextlib.ExitStack()
        try:
            # file_lock also recreates the folder if it was removed since __init__.
            held.enter_context(file_lock(self.root / LOCK_FILE, timeout))
        except LockTimeout:
            raise IndexWriteError(f"index is locked by another writer (waited {timeout:.1f}s)") from None
        except OSError as e:
            raise IndexWriteError(f"cannot open index lock: {e}") from e
        with held:
            yield

    def replay_lock(self, timeout: float, connection=None):
        """See SearchEngine.replay_lock: a file lock of its own in the index directory."""
        return file_lock(self.root / REPLAY_LOCK_FILE, timeout)

    def remove_leftovers(self) -> None:
        """Earlier versions moved an unusable index aside to `<dir>.broken-<hex>` and never
        removed it; those copies are of no use (the index is rebuilt from the database)."""
        for aside in self.root.parent.glob(f"{self.root.name}.broken-*"):
            if aside.is_dir():
                log.info("Removing old broken search index %s", aside)
                shutil.rmtree(aside, ignore_errors=True)

    def _new_generation(self) -> Path:
        path = self.root / f"ix-{time.time_ns():x}-{os.getpid()}"
        path.mkdir()
        WhooshStore.create(path, self.tokenizer)
        return path

    def _swap_in(self, path: Path) -> None:
        tmp = self.root / f"{POINTER}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(path.name)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.root / POINTER)  # atomic: readers see the old or the new name

    def _live_path(self) -> Path:
        name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        if not name or "/" in name or name.startswith("."):
            raise OSError(f"bad index pointer {name!r}")
        return self.root / name

    def _previous_generation(self) -> Path | None:
        """The live directory, or None when there is none or the pointer is unreadable (a
        rebuild replaces a garbled pointer rather than failing on it)."""
        try:
            return self._live_path()
        except (OSError, ValueError) as e:  # missing, unreadable, garbled (UnicodeDecodeError)
            if (self.root / POINTER).exists():
                log.warning("index pointer at %s unreadable, replacing it: %r", self.root, e)
            return None

    def reader(self) -> WhooshStore:
        """Cached store for reading; reopened when rebuild() swapped the pointer."""
        st = os.stat(self.root / POINTER)
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        with self._open_lock:
            # The pointer's stat can repeat after the directory was removed and recreated
            # (inode reuse, coarse timestamps): a vanished store directory also reopens.
            if self._store is None or key != self._pointer_key or not os.path.isdir(self._store.path):
                path = self._live_path()
                if self._store is None or self._store.path != str(path):
                    self._store = WhooshStore(str(path), self.tokenizer)
                self._pointer_key = key
            return self._store

    # -- writes ------------------------------------------------------------------------

    def write(self, upserts: list[dict], deletes: list[int], connection=None) -> None:
        if connection is not None:
            raise ValueError("the Whoosh index cannot join a database transaction")
        with self.write_lock():
            try:
                if not (self.root / POINTER).exists():
                    # The index directory was removed after this engine was created: start an
                    # empty index, as __init__ does (healthy() is True, doc_count() tells).
                    self._swap_in(self._new_generation())
                store = WhooshStore(str(self._live_path()), self.tokenizer)
                store.write(upserts, deletes, timeout=self.lock_timeout)
            except Exception as e:  # Whoosh LockError, OSError, corrupt index…
                raise IndexWriteError(f"index write failed: {e!r}") from e

    def rebuild(self, docs: Iterable[dict], *, procs: int = 1) -> int:
        """Index documents into a new directory and swap it in; searches keep using the old
        one until the swap. Other writers wait (and may time out with IndexWriteError)."""
        with self.write_lock():
            path = None
            try:
                path = self._new_generation()
                count = WhooshStore(str(path), self.tokenizer).bulk_load(docs, procs=procs)
                previous = self._previous_generation()
                self._swap_in(path)
            except Exception as e:
                if path is not None:
                    shutil.rmtree(path, ignore_errors=True)
                raise IndexWriteError(f"rebuild failed: {e!r}") from e
        self._cleanup(keep={path.name, previous.name if previous else ""})
        return count

    def _cleanup(self, keep: set[str]) -> None:
        # The previous generation stays for readers in other processes that have not yet
        # noticed the swap; anything older goes.
        for p in self.root.glob("ix-*"):
            if p.name not in keep and p.is_dir():
                shutil.rmtree(p, ignore_errors=True)

    # -- reads -------------------------------------------------------------------------

    def version(self) -> str:
        """The live directory (new on every rebuild) and its Whoosh generation (one more on
        every commit): a listing of the directory, no file read."""
        store = self.reader()
        return f"{Path(store.path).name}:{store.ix.latest_generation()}"

    def healthy(self) -> bool:
        try:
            WhooshStore(str(self._live_path()), self.tokenizer).check()
            return True
        except Exception as e:
            log.warning("search index at %s is unhealthy: %r", self.root, e)
            return False
