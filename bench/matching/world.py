"""The benchmark's world: a database and search index holding the demo postings, the postings
written separately by other people (bench/data/extra_a.jsonl, extra_b.jsonl) and the query
postings written for this benchmark, built once into bench/data/generated/matching/.

Demo postings added for the matching walk-through (external_id "demo-match-…") are left out:
they were written by the same person as the queries.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
DEMO = ROOT / "app" / "data" / "demo" / "postings.jsonl"
EXTRA = [ROOT / "bench" / "data" / f"extra_{part}.jsonl" for part in ("a", "b")]
OUT = ROOT / "bench" / "data" / "generated" / "matching"
# The day the judgments were made: deadlines and validity are decided as of then.
JUDGED_ON = date(2026, 12, 1)
WALKTHROUGH_PREFIX = "demo-match-"


def corpus_records() -> list[dict]:
    records = []
    for path in [DEMO, *EXTRA, DATA / "query_postings.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if not str(record.get("external_id", "")).startswith(WALKTHROUGH_PREFIX):
                    records.append(record)
    return records


def app_for(folder: Path):
    from app import create_app
    from config import TestingConfig

    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.sqlite3'}",
                      SEARCH_INDEX_DIR=str(folder / "index"), RATELIMIT_ENABLED=False)


def build(folder: Path = OUT, fresh: bool = False):
    """The app on the benchmark world (built on first use, or again with fresh=True)."""
    marker = folder / "built.json"
    if fresh or not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        app = app_for(folder)
        with app.app_context():
            from app.extensions import db
            from app.services.data.reference import load_reference_data
            from app.services.postings import importer

            db.create_all()
            load_reference_data()
            records = corpus_records()
            report = importer.import_records((i, r) for i, r in enumerate(records, start=1))
            if report.errors or report.pending_index:
                raise SystemExit(f"benchmark world: {report.errors[:5]}, pending {report.pending_index}")
            marker.write_text(json.dumps({"postings": report.imported}), encoding="utf-8")
            db.session.remove()
            db.engine.dispose()
    app = app_for(folder)
    with app.app_context():  # an index written by an older engine version is rebuilt
        from app.extensions import db
        from app.services.search import indexing

        indexing.ensure_index()
        db.session.remove()
    return app


def official_of(municipality_id: int):
    """A logged-in officer of the municipality (not stored): who views a posting's suggestions."""
    from app.models import User

    return User(id=0, email="bench@example.jp", name="bench", role="officer",
                municipality_id=municipality_id, active=True, approval="approved")


def posting_by_external_id(external_id: str):
    from app.extensions import db
    from app.models import Posting

    return db.session.scalar(select(Posting).where(Posting.external_id == external_id))


def load_jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
