"""Janome vs SudachiPy (vs bigrams only): relevance on the dev split and indexing speed, in
one run.

    .venv/bin/python -m bench.tokenizers [--synthetic 3000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from search_index import SearchEngine, SearchQuery
from search_index.analysis import WordTokenizer, normalize

from .judged import corpus, qrels, queries
from .relevance import mrr, ndcg, recall
from .synth import generate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", type=int, default=3000, help="postings for the build timing")
    args = ap.parse_args()
    docs = corpus()
    judged = qrels()
    items = [q for q in queries("dev") if any(g >= 1 for g in judged.get(q["id"], {}).values())]
    by_id = {d["id"]: d["external_id"] for d in docs}
    texts = [normalize(d["title"] + "\n" + d["summary"] + "\n" + d["body"]) for d in docs]
    chars = sum(map(len, texts))
    synth = list(generate(args.synthetic, seed=11))
    print(f"{'tokenizer':<10}{'chars/s':>12}{'build s':>10}{'docs/s':>9}{'nDCG@10':>9}{'MRR':>7}{'R@10':>7}")
    for name in ("sudachi", "janome", "none"):
        tok = WordTokenizer(name)
        tok.words("準備")  # load the dictionary outside the timing
        t = time.perf_counter()
        for text in texts:
            tok.words(text)
        rate = chars / (time.perf_counter() - t) if name != "none" else float("nan")
        with tempfile.TemporaryDirectory() as tmp:
            engine = SearchEngine(Path(tmp) / "bench", tokenizer=name)
            t = time.perf_counter()
            engine.rebuild(synth)
            build = time.perf_counter() - t
            engine.rebuild(docs)

            rows = []
            for item in items:
                ranked = [h.fields["external_id"] or by_id[h.id]
                          for h in engine.search(SearchQuery(q=item["query"], per_page=10)).hits]
                j = judged[item["id"]]
                rows.append((ndcg(ranked, j), mrr(ranked, j), recall(ranked, j)))
        means = [statistics.mean(col) for col in zip(*rows, strict=True)]
        print(f"{name:<10}{rate:12,.0f}{build:10.1f}{len(synth) / build:9.0f}"
              f"{means[0]:9.3f}{means[1]:7.3f}{means[2]:7.3f}", flush=True)


if __name__ == "__main__":
    main()
