"""Pool the candidates to judge: the union of each system's top results per query, written to
bench/out/matching-pool.md in external-id order, without saying which system found what, for
grading by reading (grades go to bench/matching/data/judgments.jsonl).

    .venv/bin/python -m bench.matching.pool            # postings judged already are marked
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.extensions import db
from app.models.postings import DIRECTIONS, OFFER_TYPES, PARTNER_TYPES

from . import systems
from .world import ROOT, build, load_jsonl, posting_by_external_id

POSTING_DEPTH = 10
SCENARIO_DEPTH = 15
OUT = ROOT / "bench" / "out" / "matching-pool.md"


def describe(p) -> str:
    m = p.municipality
    head = f"**{p.external_id}** [{p.kind_label}] {m.prefecture}{m.name}{'（特別区）' if m.is_special_ward else ''}"
    if p.visibility == "officials":
        head += " 職員のみ"
    lines = [head, f"  {p.title}", f"  {p.summary[:160]}"]
    if p.partners:
        lines.append(f"  連携先: {'、'.join(x.name for x in p.partners)}")
    lines.append(f"  テーマ: {'、'.join(c.label for c in p.categories)} / 分野: {'、'.join(t.name for t in p.tags)}")
    if p.kind == "partnership_request":
        lines.append(f"  求めること: {p.sought[:160]} / 希望: {PARTNER_TYPES.get(p.partner_type)}"
                     f"・{'、'.join(p.wished_regions or []) or '地域指定なし'} / {p.request_status_label}")
    elif p.kind == "disaster_offer":
        lines.append(f"  種類: {'、'.join(OFFER_TYPES[t] for t in p.offer_types)} / 規模: {p.capacity[:120]}"
                     f" / 対象: {'、'.join(p.regions_covered or []) or '全国'} / 期限: {p.valid_until}")
        if p.conditions:
            lines.append(f"  条件: {p.conditions[:140]}")
    elif p.kind == "staff_exchange":
        lines.append(f"  {DIRECTIONS.get(p.direction)}: {p.work_field} / {p.headcount}人・{p.duration_months}か月")
    elif p.kind == "case_study" and p.activities:
        lines.append(f"  取組: {p.activities[:140]}")
    return "\n".join(lines)


def judged() -> dict[str, dict[str, int]]:
    path = Path(__file__).resolve().parent / "data" / "judgments.jsonl"
    out: dict[str, dict[str, int]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.setdefault(row["query"], {}).update(row["grades"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated query ids")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    app = build()
    done = judged()
    out = []
    with app.app_context(), app.test_request_context():
        for item in load_jsonl("queries.jsonl"):
            if only and item["id"] not in only:
                continue
            source = posting_by_external_id(item["posting"])
            pool = set()
            for run in systems.POSTING_SYSTEMS.values():
                pool.update(run(source, POSTING_DEPTH))
            out.append(f"\n## {item['id']} ({item['split']})\n\n{describe(source)}\n\n> {item['need']}\n")
            for ext in sorted(pool):
                mark = f" (graded {done[item['id']][ext]})" if ext in done.get(item["id"], {}) else ""
                out.append(describe(posting_by_external_id(ext)) + mark + "\n")
        for item in load_jsonl("scenarios.jsonl"):
            if only and item["id"] not in only:
                continue
            pool = set()
            for run in [*systems.SCENARIO_SYSTEMS.values(), systems.disaster_text]:
                pool.update(run(item, SCENARIO_DEPTH))
            out.append(f"\n## {item['id']} ({item['split']}) {item['name']}: {'・'.join(item['prefectures'])} "
                       f"/ {'、'.join(OFFER_TYPES[n] for n in item['needs'])} / {item.get('people') or '人数不明'}\n\n"
                       f"> {item['need']}\n")
            for ext in sorted(pool):
                mark = f" (graded {done[item['id']][ext]})" if ext in done.get(item["id"], {}) else ""
                out.append(describe(posting_by_external_id(ext)) + mark + "\n")
        db.session.remove()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(out), encoding="utf-8")
    print(f"wrote {OUT} ({sum(1 for line in out if line.startswith('**'))} candidates)")


if __name__ == "__main__":
    main()
