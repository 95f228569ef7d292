"""Relevance benchmark: nDCG@10, MRR and recall@10 of search_index against two baselines
(SQLite FTS5 trigram, a plain Whoosh BM25F index), on queries written and postings judged by
people who had not seen any system's output (bench/judged.py), in one run.

    .venv/bin/python -m bench.relevance                 # the test split (never tuned on)
    .venv/bin/python -m bench.relevance --split dev --verbose   # per query, for tuning
    .venv/bin/python -m bench.relevance --postgres URL   # also our engine on PostgreSQL

Gains are 2^grade - 1; MRR and recall count grade >= 2 as relevant; recall@10 is divided by
min(10, number relevant), so a perfect top 10 scores 1. Unjudged postings count as grade 0
(re-pool with bench.pool after changing the engine, and judge what is new).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

from .judged import Systems, corpus, qrels, queries


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


def evaluate(systems: Systems, name: str, items: list[dict], judgments: dict) -> list[dict]:
    rows = []
    for item in items:
        j = judgments.get(item["id"], {})
        if not any(g >= 1 for g in j.values()):
            continue  # nothing relevant in the corpus: the query cannot be scored
        t = time.perf_counter()
        ranked = systems.run(name, item["query"], depth=10)
        ms = (time.perf_counter() - t) * 1000
        rows.append({"item": item, "ndcg": ndcg(ranked, j), "mrr": mrr(ranked, j),
                     "recall": recall(ranked, j), "empty": not ranked, "ranked": ranked, "ms": ms,
                     "unjudged": sum(d not in j for d in ranked)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=["test", "dev", "all"])
    ap.add_argument("--verbose", action="store_true", help="per-query figures (dev split only)")
    ap.add_argument("--postgres", metavar="URL", help="a PostgreSQL database for the second backend "
                    "(its tables relevance_* are replaced)")
    args = ap.parse_args()
    items = queries("dev") + queries("test") if args.split == "all" else queries(args.split)
    judgments = qrels()
    t = time.perf_counter()
    docs = corpus()
    postgres = None
    if args.postgres:
        import psycopg

        postgres = lambda: psycopg.connect(args.postgres)  # noqa: E731
    systems = Systems(docs, postgres)
    print(f"corpus: {len(docs)} postings; {len(items)} queries ({args.split}); "
          f"indexed in {time.perf_counter() - t:.1f} s")
    results = {name: evaluate(systems, name, items, judgments) for name in systems.names}
    scored = len(next(iter(results.values())))
    print(f"{scored} queries with at least one relevant posting\n")
    print(f"{'system':<16}{'nDCG@10':>9}{'MRR':>8}{'R@10':>8}{'empty':>7}{'unjudged@10':>13}")
    for name, rows in results.items():
        print(f"{name:<16}{_mean(rows, 'ndcg'):9.3f}{_mean(rows, 'mrr'):8.3f}"
              f"{_mean(rows, 'recall'):8.3f}{sum(r['empty'] for r in rows):7d}"
              f"{sum(r['unjudged'] for r in rows):13d}")
    ours = _mean(results["search_index"], "ndcg")
    for name in systems.names[1:]:
        base = _mean(results[name], "ndcg")
        print(f"nDCG@10 ours / {name}: {ours / base:.2f}x" if base else f"{name}: 0")
    classes = sorted({r["item"]["class"] for r in results["search_index"]})
    print(f"\n{'nDCG@10 by class':<16}{'n':>3}" + "".join(f"{n[:14]:>16}" for n in systems.names))
    for cls in classes:
        line = f"{cls:<16}{sum(r['item']['class'] == cls for r in results['search_index']):>3}"
        for name in systems.names:
            line += f"{_mean([r for r in results[name] if r['item']['class'] == cls], 'ndcg'):16.3f}"
        print(line)
    if args.verbose and args.split == "dev":
        print(f"\n{'query':<30}{'class':<11}" + "".join(f"{n[:8]:>9}" for n in systems.names))
        for rows in zip(*results.values(), strict=True):
            item = rows[0]["item"]
            print(f"{item['query'][:28]:<30}{item['class']:<11}" + "".join(f"{r['ndcg']:9.3f}" for r in rows))


def _mean(rows: list[dict], key: str) -> float:
    return statistics.mean(r[key] for r in rows) if rows else 0.0


if __name__ == "__main__":
    main()
