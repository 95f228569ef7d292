"""Quality of the suggested partners: nDCG@10 and precision@5 of the matcher, side by side with
the two baselines (tag overlap, newest first; region + offer type for disasters) and the text
similarity alone, on the judged set (bench/matching/data), in one run.

    .venv/bin/python -m bench.matching.run              # dev and test split
    .venv/bin/python -m bench.matching.run --verbose    # per query

Grades 0–3 were given by reading each pooled candidate (bench/matching/pool.py) against the
need written for the query before any tuning; unjudged postings count as grade 0. Gains are
2^grade − 1; precision@5 counts grade ≥ 2 as a fit. The test split was never tuned on.
"""

from __future__ import annotations

import argparse
import math
import statistics

from app.extensions import db

from . import systems
from .pool import judged
from .world import build, load_jsonl, posting_by_external_id

K = 10


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def precision(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    return sum(1 for d in ranked[:k] if grades.get(d, 0) >= 2) / k


def judged_share(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    top = ranked[:k]
    return sum(1 for d in top if d in grades) / len(top) if top else 1.0


def evaluate(items, runs, qrels, verbose: bool) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, list[float]]] = {}
    for item in items:
        grades = qrels.get(item["id"], {})
        if not any(g >= 2 for g in grades.values()):
            continue  # nothing that fits in the corpus: the query cannot be scored
        line = [item["id"]]
        for name, run in runs.items():
            ranked = run(item)
            row = table.setdefault(name, {"ndcg": [], "p5": [], "judged": []})
            row["ndcg"].append(ndcg(ranked, grades))
            row["p5"].append(precision(ranked, grades))
            row["judged"].append(judged_share(ranked, grades))
            line.append(f"{name} {row['ndcg'][-1]:.2f}/{row['p5'][-1]:.1f}")
        if verbose:
            print("   " + "  ".join(line))
    return {name: {key: statistics.mean(values) for key, values in row.items()} | {"n": len(row["ndcg"])}
            for name, row in table.items()}


def print_table(title: str, results: dict[str, dict[str, float]]) -> None:
    if not results:
        return
    n = next(iter(results.values()))["n"]
    print(f"\n{title} ({n} queries)")
    print(f"  {'system':<14} {'nDCG@10':>8} {'P@5':>6} {'judged@10':>10}")
    for name, row in results.items():
        print(f"  {name:<14} {row['ndcg']:8.3f} {row['p5']:6.3f} {row['judged']:10.0%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "test", "all"], default=None, help="default: dev and test")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    splits = [args.split] if args.split else ["dev", "test"]
    app = build()
    qrels = judged()
    posting_runs = {name: (lambda item, f=f: f(posting_by_external_id(item["posting"]), K))
                    for name, f in systems.POSTING_SYSTEMS.items()}
    scenario_runs = {name: (lambda item, f=f: f(item, K)) for name, f in systems.SCENARIO_SYSTEMS.items()}
    with app.app_context(), app.test_request_context():
        for split in splits:
            queries = [q for q in load_jsonl("queries.jsonl") if split == "all" or q["split"] == split]
            scenarios = [s for s in load_jsonl("scenarios.jsonl") if split == "all" or s["split"] == split]
            print_table(f"[{split}] suggestions for postings", evaluate(queries, posting_runs, qrels, args.verbose))
            print_table(f"[{split}] disaster scenarios", evaluate(scenarios, scenario_runs, qrels, args.verbose))
        db.session.remove()


if __name__ == "__main__":
    main()
