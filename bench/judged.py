"""The judged relevance set: corpus, queries (dev and test split), graded judgments, and the
systems compared (ours, and the two baselines).

    bench/data/corpus.jsonl        postings (bench/make_corpus.py)
    bench/data/queries_dev.jsonl   queries written before any system was run, with the
    bench/data/queries_test.jsonl  information need judged against; test = never tuned on
    bench/data/qrels.json          {query id: {external_id: grade 0-3}}, judged by reading
    bench/data/runs/<system>.json  {query id: [external_id, …]} top 20 per system (pooling)
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .fts5_baseline import Fts5Baseline
from .make_corpus import load
from .whoosh_bm25_baseline import WhooshBm25Baseline

DATA = Path(__file__).resolve().parent / "data"
POOL_DEPTH = 20


def corpus() -> list[dict]:
    return load(DATA / "corpus.jsonl")


def queries(split: str) -> list[dict]:
    path = DATA / f"queries_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def qrels() -> dict[str, dict[str, int]]:
    path = DATA / "qrels.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class Systems:
    """Every system indexed once over the corpus; `run(name, q)` -> external ids, best first.
    With `postgres` (a connect function), our engine also runs on the PostgreSQL backend."""

    names = ("search_index", "fts5_trigram", "whoosh_bm25f")

    def __init__(self, docs: list[dict], postgres=None):
        from search_index import SearchEngine

        self._tmp = tempfile.TemporaryDirectory()
        self.by_id = {d["id"]: d["external_id"] for d in docs}
        self.engine = SearchEngine(Path(self._tmp.name) / "ix")
        self.engine.rebuild(docs)
        self.pg_engine = None
        if postgres is not None:
            from search_index.postgres_backend import PostgresIndex

            self.pg_engine = SearchEngine(backend=PostgresIndex(postgres, prefix="relevance_"))
            self.pg_engine.rebuild(docs)
            self.names = ("search_index", "search_index_pg", *self.names[1:])
        self.fts = Fts5Baseline(tuned=True)
        self.fts.build(docs)
        self.bm25 = WhooshBm25Baseline()
        self.bm25.build(docs)

    def run(self, name: str, q: str, depth: int = POOL_DEPTH, **query) -> list[str]:
        if name in ("search_index", "search_index_pg"):
            from search_index import SearchQuery

            engine = self.engine if name == "search_index" else self.pg_engine
            hits = engine.search(SearchQuery(q=q, per_page=depth, **query)).hits
            return [h.fields["external_id"] or self.by_id[h.id] for h in hits]
        if name == "fts5_trigram":
            return [self.by_id[i] for i in self.fts.search(q, limit=depth, facets=False)[1]]
        if name == "whoosh_bm25f":
            return [self.by_id[i] for i in self.bm25.search(q, limit=depth)]
        raise ValueError(name)
