"""Embedded search for Kakehashi postings (pure Python; never imports Flask or the app).

    engine = SearchEngine(index_dir)
    engine.upsert(docs); engine.delete(ids); engine.rebuild(docs)
    engine.search(SearchQuery(q="防災", audience="public")) -> SearchResult
    engine.version()  # changes with every write and rebuild (a key for caches of answers)
    SearchEngine(backend=PostgresIndex(connect))   # the index in PostgreSQL instead

A document is a dict: "id", "kind", "title", "summary" and "extra_text" (plain text), "body"
(Markdown: the engine turns it into text with `markdown_to_text`, which the app uses too, so
that a text is converted one way everywhere), the owner's and partners' places, "categories",
"fields", "status" (one of INDEXED_STATUSES), "visibility", "request_status", "published_at".
Facets are FACET_NAMES. Whoever reads a source of truth and then writes the index holds
`engine.replay_lock(timeout)` around both (LockTimeout when another holds it).
"""

from .engine import SearchEngine, warm_analysis
from .errors import IndexWriteError
from .locking import LockTimeout
from .postgres_backend import PostgresIndex
from .query import FACET_NAMES, INDEXED_STATUSES, Hit, SearchQuery, SearchResult
from .schema import markdown_to_text

__all__ = [
    "FACET_NAMES", "INDEXED_STATUSES", "Hit", "IndexWriteError", "LockTimeout", "PostgresIndex",
    "SearchEngine", "SearchQuery", "SearchResult", "markdown_to_text", "warm_analysis",
]
