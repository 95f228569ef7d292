"""On PostgreSQL a failed statement aborts the transaction unless it is in a savepoint: valid
lines before (and after) a bad one, including one that only PostgreSQL refuses, are kept."""

import json

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from app.extensions import db
from app.models import Posting
from app.services.data.reference import load_reference_data
from app.services.postings import importer
from tests.test_importer import GOOD

pytestmark = pytest.mark.postgres


def test_valid_lines_around_bad_ones_are_kept_on_postgresql(pg_app, tmp_path, monkeypatch):
    upgrade()
    load_reference_data()
    real_save = importer._save

    def save(data, *args):  # line 7 fails inside the database itself (a duplicate key)
        created = real_save(data, *args)
        if data.title == "データベースで失敗する行":
            db.session.execute(text("insert into posting_categories select * from posting_categories limit 1"))
        return created

    monkeypatch.setattr(importer, "_save", save)

    def good(n, **changes):
        return json.dumps({**GOOD, "external_id": f"pg-{n}", "title": f"正しい行 {n}", **changes},
                          ensure_ascii=False)

    staff = {"kind": "staff_exchange", "details": {"work_field": "長" * 300}}  # VARCHAR(200)
    path = tmp_path / "pg.jsonl"
    path.write_text("\n".join([
        good(1), "[" * 100000, good(2, **staff), good(3, title="NUL\x00と制御\x1b文字"),
        good(4, kind=[]), good(5, details={"headcount": 1e400}, kind="staff_exchange"),
        good(6, partners=["172049", "172049"]), good(7, title="データベースで失敗する行"), good(8),
    ]) + "\n", encoding="utf-8")
    report = importer.import_file(path)
    assert [n for n, _ in report.errors] == [2, 3, 5, 6, 8]
    assert "「work_field」が長すぎます（200文字まで）" in dict(report.errors)[3]
    assert "データベースに保存できませんでした" in dict(report.errors)[8]
    titles = set(db.session.scalars(select(Posting.title)))
    assert titles == {"正しい行 1", "NULと制御文字", "正しい行 6", "正しい行 8"}
    db.session.remove()
