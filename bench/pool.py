"""Pooling for judgments (TREC style): the top 20 of each system for every query, written to
bench/data/runs/<label>.json; `--judge-sheets DIR` writes, per query, the union of the pooled
postings not yet judged, in a shuffled order that hides which system found them.

    .venv/bin/python -m bench.pool --label search_index_v2          # our engine as installed
    .venv/bin/python -m bench.pool --baselines                      # FTS5 trigram, BM25F
    .venv/bin/python -m bench.pool --judge-sheets /tmp/sheets       # what judges must read

Run it before looking at any system's results for these queries.
"""

from __future__ import annotations

import argparse
import json
import random

from .judged import DATA, POOL_DEPTH, Systems, corpus, qrels, queries

RUNS = DATA / "runs"


def write_runs(label: str, system: str, systems: Systems, items: list[dict]) -> None:
    RUNS.mkdir(parents=True, exist_ok=True)
    out = {item["id"]: systems.run(system, item["query"]) for item in items}
    (RUNS / f"{label}.json").write_text(json.dumps(out, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{label}: {sum(map(len, out.values()))} results for {len(out)} queries")


def judge_sheets(directory, items: list[dict], docs: list[dict]) -> None:
    """One JSON file per query: the query, its need, and the unjudged pooled postings."""
    by_ext = {d["external_id"]: d for d in docs}
    judged = qrels()
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RUNS.glob("*.json"))]
    directory.mkdir(parents=True, exist_ok=True)
    total = 0
    for item in items:
        pooled = {ext for run in runs for ext in run.get(item["id"], [])[:POOL_DEPTH]}
        todo = sorted(pooled - set(judged.get(item["id"], {})))
        random.Random(item["id"]).shuffle(todo)
        sheet = {
            "id": item["id"], "query": item["query"], "need": item["need"],
            "postings": [_readable(by_ext[e]) for e in todo],
        }
        (directory / f"{item['id']}.json").write_text(json.dumps(sheet, ensure_ascii=False, indent=1),
                                                     encoding="utf-8")
        total += len(todo)
    print(f"{total} postings to judge in {directory}")


def _readable(d: dict) -> dict:
    places = [d["municipality_name"] + f"（{d['prefecture']}）"]
    places += [f"{n}（{p}）" for n, p in zip(d["partner_names"], d["partner_prefectures"], strict=False)]
    return {
        "external_id": d["external_id"], "kind": d["kind"], "title": d["title"],
        "summary": d["summary"], "body": (d["body"] or "")[:700],
        "details": (d["extra_text"] or "")[:400], "places": "、".join(places),
        "fields": "、".join(d["fields"]), "categories": "、".join(d["category_labels"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--label", help="write the run of our engine (as installed) under this name")
    ap.add_argument("--baselines", action="store_true", help="write the runs of both baselines")
    ap.add_argument("--judge-sheets", type=lambda p: __import__("pathlib").Path(p))
    args = ap.parse_args()
    docs = corpus()
    items = queries("dev") + queries("test")
    if args.label or args.baselines:
        systems = Systems(docs)
        if args.label:
            write_runs(args.label, "search_index", systems, items)
        if args.baselines:
            write_runs("fts5_trigram", "fts5_trigram", systems, items)
            write_runs("whoosh_bm25f", "whoosh_bm25f", systems, items)
    if args.judge_sheets:
        judge_sheets(args.judge_sheets, items, docs)


if __name__ == "__main__":
    main()
