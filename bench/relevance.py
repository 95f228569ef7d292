"""Relevance benchmark: nDCG@10, MRR and recall@10 of search_index against SQLite FTS5
trigram baselines (plain and tuned, see fts5_baseline.py), over bench/data/corpus.jsonl with the graded judgments of
bench/data/judgments.json.

    .venv/bin/python -m bench.relevance [--verbose] [--tokenizer sudachi|janome|none]

Gains are 2^grade - 1. MRR and recall count grade >= 2 as relevant; recall@10 is divided by
min(10, number relevant) so that a perfect top 10 scores 1.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import tempfile
import time
from pathlib import Path

from search_index import SearchEngine, SearchQuery

from .fts5_baseline import Fts5Baseline
from .make_corpus import load

DATA = Path(__file__).resolve().parent / "data"


def ndcg(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** judged.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def mrr(ranked: list[str], judged: dict[str, int]) -> float:
    for i, d in enumerate(ranked):
        if judged.get(d, 0) >= 2:
            return 1 / (i + 1)
    return 0.0


def recall(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    relevant = {d for d, g in judged.items() if g >= 2}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / min(k, len(relevant))


def evaluate(name: str, run, queries) -> dict:
    rows = []
    for item in queries:
        ranked = run(item["q"])
        j = item["judgments"]
        rows.append((item, ndcg(ranked, j), mrr(ranked, j), recall(ranked, j), ranked))
    return {
        "name": name,
        "ndcg": statistics.mean(r[1] for r in rows),
        "mrr": statistics.mean(r[2] for r in rows),
        "recall": statistics.mean(r[3] for r in rows),
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="per-query figures")
    ap.add_argument("--tokenizer", default="sudachi", choices=["sudachi", "janome", "none"])
    args = ap.parse_args()
    docs = load(DATA / "corpus.jsonl")
    queries = json.loads((DATA / "judgments.json").read_text(encoding="utf-8"))
    by_id = {d["id"]: d["external_id"] for d in docs}

    with tempfile.TemporaryDirectory() as tmp:
        engine = SearchEngine(Path(tmp) / "ix", tokenizer=args.tokenizer)
        t = time.perf_counter()
        engine.rebuild(docs)
        build = time.perf_counter() - t

        def ours(q: str) -> list[str]:
            return [h.fields["external_id"] or by_id[h.id]
                    for h in engine.search(SearchQuery(q=q, per_page=10)).hits]

        plain, tuned = Fts5Baseline(tuned=False), Fts5Baseline(tuned=True)
        plain.build(docs)
        tuned.build(docs)

        def runner(fts):
            return lambda q: [by_id[i] for i in fts.search(q, limit=10, facets=False)[1]]

        results = [evaluate(f"search_index ({args.tokenizer})", ours, queries),
                   evaluate("FTS5 trigram, plain", runner(plain), queries),
                   evaluate("FTS5 trigram, tuned", runner(tuned), queries)]

    print(f"corpus: {len(docs)} postings, {len(queries)} judged queries; "
          f"our index build {build:.1f} s")
    print(f"{'system':<26} {'nDCG@10':>8} {'MRR':>8} {'R@10':>8}")
    for r in results:
        print(f"{r['name']:<26} {r['ndcg']:8.3f} {r['mrr']:8.3f} {r['recall']:8.3f}")
    for base in results[1:]:
        ratio = results[0]["ndcg"] / base["ndcg"] if base["ndcg"] else float("inf")
        print(f"nDCG@10 ratio ours / {base['name']}: {ratio:.2f}x")
    print(f"\n{'nDCG@10 by query type':<26}{'n':>3}{'ours':>7}{'plain':>7}{'tuned':>7}")
    kinds: dict[str, list[int]] = {}
    for i, item in enumerate(queries):
        kinds.setdefault(item["variant"].split()[0].split("+")[0], []).append(i)
    for kind, idx in kinds.items():
        means = [statistics.mean(r["rows"][i][1] for i in idx) for r in results]
        print(f"{kind:<26}{len(idx):>3}" + "".join(f"{m:7.3f}" for m in means))
    if args.verbose:
        print(f"\n{'query':<26}{'variant':<24}{'ours':>7}{'plain':>7}{'tuned':>7}")
        for a, b, c in zip(*(r["rows"] for r in results), strict=True):
            print(f"{a[0]['q']:<26}{a[0]['variant']:<24}{a[1]:7.3f}{b[1]:7.3f}{c[1]:7.3f}")


if __name__ == "__main__":
    main()
