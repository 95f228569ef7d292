"""Speed of the suggestions for one posting at 10k and 100k postings (p50/p95), with the disaster
ranking for one scenario beside them.

    .venv/bin/python -m bench.matching.speed --sizes 10000,100000

The postings are bench/synth.py's (the search benchmark's), stored in a database (all kinds,
with their own fields) and indexed; each size is built once into
bench/data/generated/matching-speed-<n>/ and reused (--fresh rebuilds). Timed: `suggest()` for
sample partnership requests, staff exchanges and disaster offers as a logged-in officer, after
warm-up passes, wall time per call (the machine is shared: rerun before trusting small
differences).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, date

from sqlalchemy import insert, select

from ..synth import generate
from .world import ROOT, app_for, official_of

OUT = ROOT / "bench" / "data" / "generated"
SAMPLES = 60
WARMUP = 2


def _rows(docs, munis: dict[str, int], officer_of: dict[int, int]):
    rng = random.Random(7)
    postings, kinds = [], {k: [] for k in ("case_study", "partnership_request", "disaster_offer", "staff_exchange")}
    for d in docs:
        muni = munis[d["municipality_code"]]
        published = d["published_at"].replace(tzinfo=UTC)
        postings.append({
            "id": d["id"], "kind": d["kind"], "external_id": d["external_id"], "title": d["title"],
            "summary": d["summary"], "body": d["body"], "municipality_id": muni, "officer_id": officer_of[muni],
            "status": d["status"], "visibility": d["visibility"], "published_at": published,
            "created_at": published, "updated_at": published,
        })
        extra = {"id": d["id"]}
        if d["kind"] == "partnership_request":
            extra |= {"sought": d["summary"], "partner_type": rng.choice(["any", "special_ward", "municipality"]),
                      "wished_regions": [], "request_status": "open"}
        elif d["kind"] == "disaster_offer":
            extra |= {"offer_types": rng.sample(["supplies", "staff", "evacuees", "evacuation_site", "funds"], 2),
                      "capacity": f"最大{rng.choice([50, 100, 200, 300, 500])}人", "regions_covered": [d["region"]],
                      "conditions": "", "valid_until": date(2030, 3, 31)}
        elif d["kind"] == "staff_exchange":
            extra |= {"direction": rng.choice(["dispatch", "accept"]), "work_field": d["fields"][0],
                      "headcount": rng.choice([1, 1, 2]), "duration_months": rng.choice([3, 6, 12, 24])}
        else:
            extra |= {"activities": d["summary"], "outcomes": "", "challenges": ""}
        kinds[d["kind"]].append(extra)
    return postings, kinds


def build(n: int, fresh: bool):
    folder = OUT / f"matching-speed-{n}"
    marker = folder / "built"
    app = app_for(folder)
    if marker.exists() and not fresh:
        with app.app_context():  # an index from an older engine version is rebuilt from the database
            from app.services.search import indexing

            indexing.ensure_index()
        return app
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    app = app_for(folder)
    with app.app_context():
        from app.extensions import db
        from app.models import (
            CaseStudy,
            DisasterOffer,
            Municipality,
            Officer,
            PartnershipRequest,
            Posting,
            StaffExchange,
        )
        from app.services.data.reference import load_reference_data
        from app.services.search import indexing

        db.create_all()
        load_reference_data()
        t = time.perf_counter()
        docs = list(generate(n))
        for d in docs:
            if d["kind"] == "partnership_request":
                d["request_status"] = "open"
        munis = dict(db.session.execute(select(Municipality.code, Municipality.id)).all())
        used = sorted({munis[d["municipality_code"]] for d in docs})
        db.session.execute(insert(Officer), [
            {"municipality_id": m, "name": "担当 一郎", "email": f"officer{m}@example.jp", "department": "企画課"}
            for m in used])
        officer_of = dict(db.session.execute(select(Officer.municipality_id, Officer.id)).all())
        postings, kinds = _rows(docs, munis, officer_of)
        for start in range(0, len(postings), 5000):
            db.session.execute(insert(Posting.__table__), postings[start:start + 5000])
        for model, rows in ((CaseStudy, kinds["case_study"]), (PartnershipRequest, kinds["partnership_request"]),
                            (DisasterOffer, kinds["disaster_offer"]), (StaffExchange, kinds["staff_exchange"])):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model.__table__), rows[start:start + 5000])
        db.session.commit()
        print(f"database {n:,} postings  {time.perf_counter() - t:7.1f} s", flush=True)
        t, c = time.perf_counter(), time.process_time()
        indexing.get_engine().rebuild(iter(docs), procs=2)
        print(f"index build            {time.perf_counter() - t:7.1f} s wall, {time.process_time() - c:.1f} s CPU",
              flush=True)
        marker.write_text("ok")
        db.session.remove()
        db.engine.dispose()
    return app_for(folder)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(n: int, fresh: bool) -> None:
    from app.extensions import db
    from app.models import Posting
    from app.services.matching import suggest
    from app.services.matching.disasters import Scenario, fitting_offers

    print(f"\n=== {n:,} postings ===", flush=True)
    app = build(n, fresh)
    with app.app_context(), app.test_request_context():
        rng = random.Random(11)
        by_kind = {}
        for kind in ("partnership_request", "staff_exchange", "disaster_offer"):
            ids = db.session.scalars(select(Posting.id).where(Posting.kind == kind, Posting.status == "published")).all()
            by_kind[kind] = rng.sample(ids, min(SAMPLES, len(ids)))
        for kind, ids in by_kind.items():
            times, cpu, counts = [], [], []
            for round_ in range(WARMUP + 1):
                for posting_id in ids:
                    posting = db.session.get(Posting, posting_id)
                    user = official_of(posting.municipality_id)
                    t, c = time.perf_counter(), time.process_time()
                    found = suggest(posting, user, 10)
                    if round_ == WARMUP:
                        times.append((time.perf_counter() - t) * 1000)
                        cpu.append((time.process_time() - c) * 1000)
                        counts.append(len(found))
                    db.session.expunge_all()
            print(f"suggest() {kind:<20} p50 {statistics.median(times):6.1f} ms  p95 {pct(times, 95):6.1f} ms"
                  f"  (CPU p50 {statistics.median(cpu):.1f} / p95 {pct(cpu, 95):.1f} ms; {len(times)} postings,"
                  f" {statistics.mean(counts):.1f} suggestions each)", flush=True)
        scenario = Scenario(("宮城県", "岩手県"), ("evacuees", "supplies"), 300)
        times, cpu = [], []
        for round_ in range(WARMUP + 5):
            t, c = time.perf_counter(), time.process_time()
            found = fitting_offers(scenario, official_of(None), 50)
            if round_ >= WARMUP:
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            db.session.expunge_all()
        print(f"fitting_offers() 宮城・岩手  p50 {statistics.median(times):6.1f} ms  p95 {pct(times, 95):6.1f} ms"
              f"  (CPU p50 {statistics.median(cpu):.1f} ms; {len(found)} offers shown)", flush=True)
        db.session.remove()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000", help="comma-separated posting counts")
    ap.add_argument("--fresh", action="store_true", help="rebuild the generated database and index")
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        run(n, args.fresh)


if __name__ == "__main__":
    main()
