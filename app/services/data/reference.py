"""Reference data shipped with the project: municipalities and the survey categories.

Loading is idempotent (upsert by code), so it runs safely on every `make run`.
"""

import csv
import json
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import Category, Desk, Municipality, region_for_prefecture

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
CENTRAL_DESK_NAME = "特別区 全体窓口"


def load_municipalities(path: Path = DATA_DIR / "municipalities.csv") -> int:
    existing = {m.code: m for m in db.session.scalars(select(Municipality))}
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        muni = existing.get(row["code"]) or Municipality(code=row["code"])
        muni.prefecture = row["prefecture"]
        muni.name = row["name"]
        muni.kana = row["kana"]
        muni.kind = row["kind"]
        muni.region = region_for_prefecture(row["prefecture"])
        db.session.add(muni)
    db.session.commit()
    return len(rows)


def load_categories(path: Path = DATA_DIR / "survey_taxonomy.json") -> int:
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = {c.code: c for c in db.session.scalars(select(Category))}
    for position, item in enumerate(data["partnership_categories"]):
        cat = existing.get(item["code"]) or Category(code=item["code"])
        cat.group = item["group"]
        cat.group_label = item["group_label"]
        cat.label = item["label"]
        cat.survey_count = item["count"]
        cat.examples = item.get("examples", [])
        cat.position = position
        db.session.add(cat)
    db.session.commit()
    return len(data["partnership_categories"])


def ensure_desks() -> int:
    """One liaison desk per special ward, plus the central desk for all 23."""
    have = {d.municipality_id for d in db.session.scalars(select(Desk))}
    if None not in have:
        db.session.add(Desk(municipality_id=None, name=CENTRAL_DESK_NAME))
    wards = db.session.scalars(select(Municipality).where(Municipality.kind == "special_ward"))
    for ward in wards:
        if ward.id not in have:
            db.session.add(Desk(municipality_id=ward.id, name=f"{ward.name} 連携窓口"))
    db.session.commit()
    return db.session.query(Desk).count()


def load_reference_data() -> dict[str, int]:
    return {
        "municipalities": load_municipalities(),
        "categories": load_categories(),
        "desks": ensure_desks(),
    }


def municipality_by_code(code: str) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.code == code))


def central_desk() -> Desk | None:
    return db.session.scalar(select(Desk).where(Desk.municipality_id.is_(None)))
