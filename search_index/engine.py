"""SearchEngine: the only entry point the app uses. Queries, ranking, facets and snippets are
the same for every backend; a backend (whoosh_backend.WhooshIndex, postgres_backend.
PostgresIndex) stores the documents and answers posting lists as bitmasks (see view.py).
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable

from .analysis import WordTokenizer, bigrams, curated_vocabulary, normalize, related_table
from .errors import IndexWriteError
from .facets import facet_counts
from .plan import READING, RELATED, SYNONYM, similar_groups
from .plan import build as build_plan
from .query import FACET_NAMES, Hit, SearchQuery, SearchResult, parse
from .ranking import match_group, rank_planes, top
from .schema import (
    FACET_PREFIX,
    MUNI_PREFIX,
    STORED_FIELDS,
    VISIBILITY_PREFIX,
    date_timestamp,
    prepare,
)
from .snippets import make_snippet

log = logging.getLogger(__name__)

MAX_PER_PAGE = 100
MIN_STRICT = 20  # a first page


def warm_analysis(tokenizer: str = "sudachi") -> None:
    """Load what every engine of this process shares: the tokenizer's dictionary, the curated
    vocabulary read through it, the synonym and place tables. Opens no index and no
    connection, so it is safe in a parent process before it forks its workers (they then share
    those pages instead of reading the dictionary each)."""
    build_plan(parse("準備"), WordTokenizer(tokenizer))
    curated_vocabulary()


class SearchEngine:
    """Search over one index. `SearchEngine(index_dir)` is the embedded Whoosh index in a
    directory; `SearchEngine(backend=PostgresIndex(...))` keeps the index in PostgreSQL, shared
    by every web host. Both answer the same queries with the same ranking."""

    def __init__(self, index_dir=None, *, tokenizer: str = "sudachi", lock_timeout: float = 10.0,
                 backend=None):
        self._words = WordTokenizer(tokenizer)
        if backend is None:
            from .whoosh_backend import WhooshIndex

            backend = WhooshIndex(index_dir, tokenizer=tokenizer, lock_timeout=lock_timeout)
        self.backend = backend
        # Fewer postings than this with every word of a query: partial matches follow them.
        self.min_strict = MIN_STRICT

    @property
    def transactional(self) -> bool:
        """Writes join the caller's database transaction (upsert/delete take `connection`)."""
        return getattr(self.backend, "transactional", False)

    # -- writes ------------------------------------------------------------------------

    def upsert(self, docs: Iterable[dict], *, connection=None) -> None:
        """Add or replace documents by doc["id"]. `connection`: the caller's open database
        transaction, for a transactional backend (the write commits with it)."""
        try:
            prepared = [prepare(d) for d in docs]
        except (KeyError, TypeError, ValueError) as e:
            raise IndexWriteError(f"bad document: {e!r}") from e
        if prepared:
            self.backend.write(prepared, [], connection=connection)

    def delete(self, ids: Iterable[int], *, connection=None) -> None:
        ids = [int(i) for i in ids]
        if ids:
            self.backend.write([], ids, connection=connection)

    def rebuild(self, docs: Iterable[dict], *, procs: int = 1) -> int:
        """Index `docs` anew and swap the result in; searches keep answering from the old
        index until the swap. Other writers wait (and may time out with IndexWriteError)."""
        return self.backend.rebuild(docs, procs=procs)  # the backend prepares them (in parallel)

    def replay_lock(self, timeout: float, *, connection=None):
        """A lock for whoever reads a source of truth and then writes this index, held around
        both: a writer that read an older version can then never write it over a newer one.
        LockTimeout after `timeout` seconds. A transactional backend takes it in the
        database transaction of `connection` (released when that transaction ends)."""
        return self.backend.replay_lock(timeout, connection=connection)

    def remove_leftovers(self) -> None:
        """Remove what earlier versions of the index left beside it (safe at any time)."""
        self.backend.remove_leftovers()

    # -- reads -------------------------------------------------------------------------

    def healthy(self) -> bool:
        return self.backend.healthy()

    def version(self) -> str:
        """A short string that changes whenever what a search answers may change (every write,
        every rebuild), read from the index's storage, so that every process agrees: a cache of
        answers keyed by it is never stale. Raises when the index cannot be read."""
        return self.backend.version()

    def doc_count(self) -> int:
        try:
            return self.backend.reader().view().live.bit_count()
        except Exception as e:
            log.warning("search index unreadable: %r", e)
            return 0

    def warm(self) -> None:
        """Optional: load this process's caches (facet masks, newest-first order) so that the
        first searches of a fresh worker do not pay for them. Safe to call at any time."""
        try:
            warm_analysis(self._words.name)
            build_plan(parse("準備"), self._words)  # this thread's tokenizer
            view = self.backend.reader().view()
            view.facet_values()
            view.newest(view.live, 1, view.live.bit_count())
        except Exception as e:
            log.warning("search index warm-up failed: %r", e)

    def _audience_mask(self, view, audience: str) -> int:
        values = view.facet_values()
        if audience == "official":
            return view.live
        # Anything but "official" is treated as public: fail closed.
        return values.get(VISIBILITY_PREFIX + "public", 0) & values.get(FACET_PREFIX["status"] + "published", 0)

    def _fixed_mask(self, view, query: SearchQuery) -> int:
        """Audience, owner/partner and date: the filters that are not facets."""
        fixed = view.live & self._audience_mask(view, query.audience)
        if query.municipality_code:
            fixed &= view.term_mask("facets", MUNI_PREFIX + str(query.municipality_code))
        if query.date_from or query.date_to:
            lo = date_timestamp(query.date_from) if query.date_from else 1
            hi = date_timestamp(query.date_to, end=True) if query.date_to else 2**62
            fixed &= view.range_mask(lo, hi)
        return fixed

    def _facet_filters(self, view, query: SearchQuery) -> dict[str, int]:
        wanted = {
            "kind": query.kind, "category": query.category, "prefecture": query.prefecture,
            "region": query.region, "field": query.field,
            "status": query.status or "published",
            "year": str(query.year) if query.year else None,
            "request_status": query.request_status,
        }
        values = view.facet_values()
        return {f: values.get(FACET_PREFIX[f] + str(v), 0) for f, v in wanted.items() if v is not None}

    def _related(self, word: str) -> list[tuple[str, float]]:
        """Related terms of a query word (data/related.txt), each with its weight (0-1)."""
        return [(t, 1.0) for t in related_table().get(word, ())]

    def _lexicon(self, view):
        """Reading vocabulary lookup: the index's (the words postings use) and the curated data's."""
        def lookup(prefix: str) -> list[str]:
            curated = curated_vocabulary()
            i = bisect.bisect_left(curated, prefix)
            extra = []
            while i < len(curated) and curated[i].startswith(prefix):
                extra.append(curated[i])
                i += 1
            return list(dict.fromkeys(view.terms_with_prefix("text", prefix) + extra))

        return lambda prefix: view.cache.get_or(("lexicon", prefix), lambda: lookup(prefix))

    @staticmethod
    def _paging(query: SearchQuery) -> tuple[int, int]:
        return max(1, int(query.page or 1)), min(MAX_PER_PAGE, max(1, int(query.per_page or 20)))

    def _open(self, query: SearchQuery):
        """(page, per_page, store, view); store and view are None when the index is unreadable
        (a search then answers nothing rather than failing)."""
        page, per_page = self._paging(query)
        try:
            store = self.backend.reader()
            return page, per_page, store, store.view()
        except Exception as e:
            log.exception("search index unreadable, returning no results: %r", e)
            return page, per_page, None, None

    def search(self, query: SearchQuery) -> SearchResult:
        page, per_page, store, view = self._open(query)
        if view is None:
            return SearchResult(0, page, per_page, [], {f: [] for f in FACET_NAMES})
        parsed = parse(query.q)
        plan = build_plan(parsed, self._words, self._lexicon(view), related=self._related, expand=query.expand)
        grouped = view.cache.get_or("grouped", lambda: _group_facets(view.facet_values()))
        fixed = self._fixed_mask(view, query)
        if plan.excluded is not None:
            fixed &= ~view.plan_mask(plan.excluded, "text")
        filters = self._facet_filters(view, query)

        def filtered(mask: int, skip: str | None = None) -> int:
            for f, m in filters.items():
                if f != skip:
                    mask &= m
            return mask

        matches = [match_group(view, g) for g in plan.groups]
        words = [(g, m) for g, m in zip(plan.groups, matches, strict=True) if g.counts]
        strict_total = None
        if words:
            candidates = fixed
            for g, m in words:
                if g.required:
                    candidates &= m.strong
            anym = 0
            for _, m in words:
                anym |= m.any
            strict = candidates
            for _, m in words:
                strict &= m.strong
            strict_total = filtered(strict).bit_count()
            # Fall back to partial matches when too few postings have every word.
            partial = strict_total < self.min_strict
            matched = candidates & anym if partial else strict
        else:
            strict, matched = fixed, fixed
        final = filtered(matched)
        facets = facet_counts({f: filtered(matched, skip=f) for f in FACET_NAMES}, grouped)
        total = final.bit_count()

        start = (page - 1) * per_page
        scored: list[tuple[float, int]] = []
        if total > start:
            if query.sort == "newest" or not words:
                scored = [(0.0, d) for d in view.newest(final, start + per_page, total)]
            else:
                planes = rank_planes(view, plan.groups, matches, final, strict & final)
                scored = top(view, planes, final, start + per_page)
        hits = []
        page_hits = scored[start : start + per_page]
        for (score, docnum), stored in zip(page_hits, store.stored_many(view, [d for _, d in page_hits]),
                                           strict=True):
            snippet = make_snippet(
                [stored.get("summary", ""), stored.get("extra_text", ""), stored.get("body_text", "")],
                plan.highlight,
            )
            fields = {k: stored.get(k) for k in STORED_FIELDS}
            missing = [g.label for g, m in words if not (m.strong >> docnum) & 1]
            hits.append(Hit(id=int(stored["id"]), score=score, snippet=snippet, fields=fields,
                            missing=missing))
        return SearchResult(total=total, page=page, per_page=per_page, hits=hits, facets=facets,
                            strict_total=strict_total, related=plan.labels(SYNONYM, RELATED),
                            readings=plan.labels(READING))

    def more_like(self, text: str, query: SearchQuery) -> SearchResult:
        """Postings ranked by how much of `text` they share (its content words, the rarer the
        heavier, title and summary above body), within the filters of `query` (its `q` is
        ignored). For "postings like this one": pass the posting's own title, summary and
        fields as text."""
        return self.more_like_each(text, [query])[0]

    def more_like_each(self, text: str, queries: list[SearchQuery]) -> list[SearchResult]:
        """`more_like(text, query)` for each of `queries`, with the text analysed and the postings
        scored once: a posting's score does not depend on the filters, which only decide what
        competes for each page (one reading of the stored fields for all pages, too)."""
        if not queries:
            return []
        paging = [self._paging(q) for q in queries]
        _, _, store, view = self._open(queries[0])
        if view is None:
            return [SearchResult(0, page, per_page, [], {}) for page, per_page in paging]
        groups = similar_groups(view, normalize(text or ""), self._words)
        matches = [match_group(view, g) for g in groups]
        anym = 0
        for m in matches:
            anym |= m.any
        finals = []
        for query in queries:
            final = self._fixed_mask(view, query) & anym
            for m in self._facet_filters(view, query).values():
                final &= m
            finals.append(final)
        union = 0
        for final in finals:
            union |= final
        planes = rank_planes(view, groups, matches, union, 0)
        pages = [top(view, planes, final, page * per_page)[(page - 1) * per_page:]
                 for final, (page, per_page) in zip(finals, paging, strict=True)]
        docnums = list(dict.fromkeys(d for page_hits in pages for _, d in page_hits))
        stored = dict(zip(docnums, store.stored_many(view, docnums), strict=True))
        results = []
        for final, (page, per_page), page_hits in zip(finals, paging, pages, strict=True):
            hits = [Hit(id=int(stored[d]["id"]), score=score, snippet="",
                        fields={k: stored[d].get(k) for k in STORED_FIELDS}) for score, d in page_hits]
            results.append(SearchResult(total=final.bit_count(), page=page, per_page=per_page, hits=hits))
        return results

    def related_terms(self, q: str) -> list[str]:
        """Other terms a search for `q` also matches (synonym-group members, the current name
        of a former municipality name), in their original spelling, without the query's own
        terms. Needs no index (SearchResult.related also lists what the index suggested)."""
        return build_plan(parse(q or ""), self._words).labels(SYNONYM)

    def suggest(self, prefix: str, audience: str = "public", limit: int = 8) -> list[str]:
        """Titles containing `prefix` (titles starting with it first, then newest), visible to
        `audience` (published only)."""
        norm = normalize(prefix or "")
        toks = list(dict.fromkeys(bigrams(norm)))
        if not toks or limit <= 0:
            return []
        try:
            store = self.backend.reader()
            view = store.view()
        except Exception:
            return []
        if len(toks) == 1 and len(toks[0]) == 1 and toks[0] > "z":
            plan = ("or", (("term", toks[0]), ("prefix", toks[0])))
        else:
            plan = ("and", tuple(("term", t) for t in toks))
        mask = view.plan_mask(plan, "title_text") & view.live & self._audience_mask(view, audience)
        if audience == "official":
            mask &= view.facet_values().get(FACET_PREFIX["status"] + "published", 0)
        if not mask:
            return []
        top = view.newest(mask, limit * 4, mask.bit_count())
        titles = [s.get("title") or "" for s in store.stored_many(view, top)]
        titles = [t for t in dict.fromkeys(titles) if norm in normalize(t)]
        titles.sort(key=lambda t: not normalize(t).startswith(norm))  # stable: keeps score order
        return titles[:limit]


def _group_facets(values: dict[str, int]) -> dict[str, dict[str, int]]:
    by_prefix = {p: f for f, p in FACET_PREFIX.items()}
    grouped: dict[str, dict[str, int]] = {f: {} for f in FACET_NAMES}
    for term, mask in values.items():
        prefix, _, value = term.partition("=")
        facet = by_prefix.get(prefix + "=")
        if facet:
            grouped[facet][value] = mask
    return grouped
