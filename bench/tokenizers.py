"""Janome vs SudachiPy (vs bigrams only): relevance and indexing speed, in one run.

    .venv/bin/python -m bench.tokenizers [--synthetic 3000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from search_index import SearchEngine, SearchQuery
from search_index.analysis import WordTokenizer, normalize

from .make_corpus import load
from .relevance import DATA, evaluate
from .synth import generate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", type=int, default=3000, help="postings for the build timing")
    args = ap.parse_args()
    docs = load(DATA / "corpus.jsonl")
    queries = json.loads((DATA / "judgments.json").read_text(encoding="utf-8"))
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

            def run(q: str, engine=engine) -> list[str]:
                return [h.fields["external_id"] or by_id[h.id]
                        for h in engine.search(SearchQuery(q=q, per_page=10)).hits]

            r = evaluate(name, run, queries)
        print(f"{name:<10}{rate:12,.0f}{build:10.1f}{len(synth) / build:9.0f}"
              f"{r['ndcg']:9.3f}{r['mrr']:7.3f}{r['recall']:7.3f}", flush=True)


if __name__ == "__main__":
    main()
