"""One time convention (app/timestamps.py): aware datetimes in Python, naive UTC in the
database, offsets in every machine output (API, feeds, sitemap, .ics, exports)."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from app import create_app
from app.extensions import db
from app.models import Event, Posting
from app.services.postings import importer
from config import TestingConfig

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def test_columns_give_aware_utc_and_refuse_naive_values(postings):
    posting = postings()
    db.session.expire_all()
    loaded = db.session.get(Posting, posting.id)
    assert loaded.created_at.tzinfo is not None and loaded.created_at.utcoffset().total_seconds() == 0
    loaded.updated_at = datetime(2026, 1, 1, 9, 0)  # naive: Japan time or UTC? refused
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.scalars(select(Posting).where(Posting.updated_at < datetime(2030, 1, 1))).all()


def test_api_timestamps_are_rfc3339_with_offset(client, app, tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(
        '{"kind": "case_study", "title": "日付の確認", "municipality": "131041", "categories": ["A-4"],'
        ' "contact": {"name": "担当", "email": "t@example.jp"}, "published_at": "2024-06-12"}\n',
        encoding="utf-8")
    assert importer.import_file(path).created == 1
    posting_id = db.session.scalar(select(Posting.id).where(Posting.title == "日付の確認"))
    body = client.get(f"/api/v1/postings/{posting_id}").json
    assert body["published_at"] == "2024-06-12T00:00:00+09:00"  # the Japan calendar day given
    assert RFC3339.match(body["updated_at"]) and body["updated_at"].endswith("+09:00")
    listed = client.get("/api/v1/postings").json["results"][0]
    assert RFC3339.match(listed["published_at"]) and RFC3339.match(listed["updated_at"])


def test_feeds_and_sitemap_carry_offsets(client, postings):
    postings(title="フィードの日付")
    atom = ET.fromstring(client.get("/feeds/postings.atom").data)
    stamps = [e.text for e in atom.iter() if e.tag.endswith(("}updated", "}published"))]
    assert len(stamps) == 3 and all(RFC3339.match(s) for s in stamps)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    lastmods = re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)
    assert lastmods and all(RFC3339.match(s) for s in lastmods)


def test_detail_page_meta_time_has_offset(client, postings):
    posting = postings()
    html = client.get(f"/postings/{posting.id}").get_data(as_text=True)
    (stamp,) = re.findall(r'article:published_time" content="([^"]+)"', html)
    assert RFC3339.match(stamp)


def test_405_keeps_the_allow_header_in_json_and_html(client):
    response = client.post("/api/v1/search")
    assert response.status_code == 405 and response.is_json
    assert "GET" in response.headers["Allow"]
    assert "GET" in client.delete("/about").headers["Allow"]


def _revision_before(revision: str) -> str:
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(revision).down_revision


def test_migration_moves_event_times_from_japan_time_to_utc(empty_database, tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=empty_database,
                     SEARCH_INDEX_DIR=str(tmp_path / "idx"))
    with app.app_context():
        upgrade(revision=_revision_before("0003_event_times_utc"))
        with db.engine.begin() as conn:
            conn.execute(text("insert into municipalities (id, code, prefecture, name, kana, kind, region)"
                              " values (1, '131041', '東京都', '新宿区', 'しんじゅくく', 'special_ward', '関東')"))
            conn.execute(text("insert into events (id, municipality_id, title, description, kind, starts_at,"
                              " ends_at, visibility, created_at, updated_at) values (1, 1, 'e', '', 'fair',"
                              " '2026-12-05 10:00:00.000000', '2026-12-05 12:30:00.000000', 'public',"
                              " '2026-11-01 00:00:00.000000', '2026-11-01 00:00:00.000000')"))
        upgrade()
        event = db.session.get(Event, 1)
        assert event.starts_at == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # 10:00 in Japan
        assert event.ends_at == datetime(2026, 12, 5, 3, 30, tzinfo=UTC)
        db.session.remove()
        db.engine.dispose()
