"""The open-data files: public, published postings in the import format (docs/import-format.md).

Exports never carry an officer's e-mail address or phone: the contact is name, department and
title only (the importer accepts that). Files are generated in batches of postings, so a
download of 100k postings streams without holding them in memory.
"""

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime

from flask import url_for
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Posting
from app.models.kinds import DETAIL_FIELDS
from app.permissions import visible_postings
from app.services.postings.importer import LIST_SEPARATOR, own_external_id
from app.timestamps import to_jst

BATCH = 500
BOM = "\ufeff"
LICENCE = "公共データ利用規約（第1.0版）（PDL1.0）"
LICENCE_URL = "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
ATTRIBUTION = "出典：架け橋 Kakehashi 連携・交流データ（{url}）"
# Every kind's own fields, once each, in the order of DETAIL_FIELDS.
DETAIL_COLUMNS = list(dict.fromkeys(name for fields in DETAIL_FIELDS.values() for name in fields))
CSV_COLUMNS = [
    "external_id", "kind", "title", "summary", "body",
    "municipality", "municipality_name", "prefecture", "partners", "partner_names",
    "categories", "fields", "contact_name", "contact_department", "contact_title",
    "status", "visibility", "published_at", "updated_at", *DETAIL_COLUMNS, "url",
]


def public_postings() -> Iterator[Posting]:
    """Public, published postings in id order, a batch at a time (keyset paging)."""
    last_id = 0
    base = visible_postings(None).where(Posting.status == "published")
    while True:
        batch = db.session.scalars(
            base.where(Posting.id > last_id).order_by(Posting.id).limit(BATCH).options(
                selectinload(Posting.municipality), selectinload(Posting.partners),
                selectinload(Posting.categories), selectinload(Posting.tags),
                selectinload(Posting.officer),
            )
        ).all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
        db.session.expunge_all()  # keep memory flat across batches


def _iso(value):
    if isinstance(value, datetime):
        return to_jst(value).date().isoformat()  # the Japan calendar day, as the import reads it
    if isinstance(value, date):
        return value.isoformat()
    return value


def record(posting: Posting) -> dict:
    """One posting as an import line (JSON Lines)."""
    officer = posting.officer
    details = {}
    for name in DETAIL_FIELDS[posting.kind]:
        value = getattr(posting, name)
        if value not in (None, "", []):
            details[name] = _iso(value)
    return {
        "external_id": posting.external_id or own_external_id(posting),
        "kind": posting.kind,
        "title": posting.title,
        "summary": posting.summary,
        "body": posting.body,
        "municipality": posting.municipality.code,
        "partners": [m.code for m in posting.partners],
        "categories": [c.code for c in posting.categories],
        "fields": [t.name for t in posting.tags],
        # Name, department and title only: addresses and phones are never published.
        "contact": {"name": officer.name, "department": officer.department, "title": officer.title},
        "status": posting.status,
        "visibility": posting.visibility,
        "published_at": _iso(posting.published_at),
        "details": details,
    }


def jsonl_lines() -> Iterator[str]:
    for posting in public_postings():
        yield json.dumps(record(posting), ensure_ascii=False) + "\n"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def csv_row(posting: Posting) -> list[str]:
    line = record(posting)
    row = {
        **{k: v for k, v in line.items() if k not in ("contact", "details")},
        **line["details"],
        "municipality_name": posting.municipality.name,
        "prefecture": posting.municipality.prefecture,
        "partner_names": [m.name for m in posting.partners],
        "contact_name": line["contact"]["name"],
        "contact_department": line["contact"]["department"],
        "contact_title": line["contact"]["title"],
        "updated_at": _iso(posting.updated_at),
        "url": url_for("postings.detail", posting_id=posting.id, _external=True),
    }
    return [_cell(row.get(column)) for column in CSV_COLUMNS]


def csv_chunks() -> Iterator[str]:
    """The CSV file, a BOM first (Excel then reads UTF-8), in chunks of about one batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(CSV_COLUMNS)
    for number, posting in enumerate(public_postings(), start=1):
        writer.writerow(csv_row(posting))
        if number % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def summary() -> dict:
    """What the open-data page says about the files: how many postings, last change."""
    stmt = visible_postings(None).where(Posting.status == "published").with_only_columns(
        func.count(Posting.id), func.max(Posting.updated_at))
    count, updated = db.session.execute(stmt).one()
    return {"count": count, "updated": updated}
