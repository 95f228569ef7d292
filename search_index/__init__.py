"""Embedded search for Kakehashi postings (pure Python; never imports Flask or the app).

    engine = SearchEngine(index_dir)
    engine.upsert(docs); engine.delete(ids); engine.rebuild(docs)
    engine.search(SearchQuery(q="防災", audience="public")) -> SearchResult
"""

from .engine import SearchEngine
from .errors import IndexWriteError
from .query import Hit, SearchQuery, SearchResult

__all__ = ["SearchEngine", "SearchQuery", "SearchResult", "Hit", "IndexWriteError"]
