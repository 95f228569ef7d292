import json

from sqlalchemy import func, select

from app.extensions import db
from app.models import Officer, Posting

GOOD = {
    "external_id": "case-0001", "kind": "case_study", "title": "棚田オーナー制度での交流",
    "summary": "区民が棚田のオーナーになりました。", "body": "本文", "municipality": "131041",
    "partners": ["172049"], "categories": ["A-4", "B-6"], "fields": ["農業"],
    "contact": {"name": "山田 花子", "department": "地域振興課", "title": "係長",
                "email": "hanako@shinjuku.example.jp", "phone": "03-0000-0000"},
    "status": "published", "visibility": "public", "published_at": "2025-04-01",
    "details": {"period_start": "2023-04", "period_end": None, "activities": "田植え", "outcomes": "40組",
                "challenges": "担い手"},
}


def _lines(*records) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n"


def test_import_reports_broken_lines_and_keeps_the_valid_ones(runner, tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text(_lines(
        GOOD,
        "{not json",
        {**GOOD, "external_id": "case-0002", "municipality": "999999"},
        {**GOOD, "external_id": "case-0003", "kind": "blog"},
        {**GOOD, "external_id": "case-0004", "categories": ["Z-1"]},
        {**GOOD, "external_id": "case-0005", "details": {"deadline": "2025-01-01"}},
        {**GOOD, "external_id": "case-0006", "contact": {"name": "x", "email": "not-an-address"}},
        {**GOOD, "external_id": "case-0007", "kind": "staff_exchange", "details": {"headcount": "two"}},
        {**GOOD, "external_id": "case-0008", "title": "二件目の正しい行"},
    ), encoding="utf-8")
    result = runner.invoke(args=["postings", "import", str(path)])
    assert result.exit_code == 1
    assert "2 created, 0 updated, 7 rejected." in result.output
    for line, reason in [(2, "JSONとして読めません"), (3, "団体コード '999999' が見つかりません"),
                         (4, "「kind」は"), (5, "カテゴリ 'Z-1' はありません"), (6, "では使えない項目があります: deadline"),
                         (7, "メールアドレス 'not-an-address' が正しくありません"), (8, "「headcount」は整数")]:
        reported = [row for row in result.output.splitlines() if row.startswith(f"line {line}: ")]
        assert len(reported) == 1 and reason in reported[0], (line, reported)
    titles = set(db.session.scalars(select(Posting.title)))
    assert titles == {"棚田オーナー制度での交流", "二件目の正しい行"}


def test_reimport_updates_by_external_id(runner, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(GOOD), encoding="utf-8")
    assert runner.invoke(args=["postings", "import", str(path)]).exit_code == 0
    path.write_text(_lines({**GOOD, "title": "改訂版のタイトル", "partners": []}), encoding="utf-8")
    result = runner.invoke(args=["postings", "import", str(path)])
    assert "0 created, 1 updated, 0 rejected." in result.output
    posting = db.session.scalar(select(Posting))
    assert posting.title == "改訂版のタイトル" and posting.partners == []
    assert db.session.scalar(select(func.count(Posting.id))) == 1
    assert db.session.scalar(select(func.count(Officer.id))) == 1


def test_same_external_id_cannot_change_kind(runner, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(GOOD, {**GOOD, "kind": "staff_exchange", "details": {}}), encoding="utf-8")
    result = runner.invoke(args=["postings", "import", str(path)])
    assert "line 2: external_id 'case-0001' は別の種類" in result.output


def test_csv_import_uses_the_same_rows(runner, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(
        "external_id,kind,title,summary,municipality,partners,categories,fields,contact_name,contact_email,"
        "status,visibility,published_at,sought,partner_type,wished_regions,deadline,request_status\n"
        "req-1,partnership_request,移住体験の受け入れ先を募集,概要,131041,172049|012025,A-1|A-4,移住,山田 花子,"
        "hanako@shinjuku.example.jp,published,public,2025-05-01,体験先,municipality,東北|北海道,2026-12-31,open\n"
        "req-2,partnership_request,壊れた行,概要,131041,,A-1,,山田 花子,hanako@shinjuku.example.jp,"
        "published,public,2025-05-01,体験先,nobody,,2026-12-31,open\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["postings", "import", str(path)])
    assert "1 created, 0 updated, 1 rejected." in result.output
    assert "line 3: 「partner_type」の値 'nobody' は使えません" in result.output
    posting = db.session.scalar(select(Posting))
    assert posting.wished_regions == ["東北", "北海道"] and len(posting.partners) == 2


def test_demo_data_file_is_valid(app):
    """Every line of the shipped demo data imports cleanly."""
    from app.services.data import demo
    from app.services.postings import importer

    report = importer.import_file(demo.DEMO_DIR / "postings.jsonl")
    assert report.errors == []
    assert report.created >= 1


def test_contact_without_address_reaches_the_desk(runner, tmp_path, desk, users):
    """Open-data lines carry no address: the officer is a named record, the desk is told."""
    from app.models import OutboxMail
    from app.services.contact.routing import Sender, contact_posting

    member = users.liaison(desk("131041"))
    path = tmp_path / "open.jsonl"
    line = {**GOOD, "contact": {"name": "山田 花子", "department": "地域振興課", "title": "係長"}}
    path.write_text(_lines(line), encoding="utf-8")
    result = runner.invoke(args=["postings", "import", str(path)])
    assert "1 created, 0 updated, 0 rejected." in result.output
    posting = db.session.scalar(select(Posting))
    assert (posting.officer.name, posting.officer.email, posting.officer.phone) == ("山田 花子", "", "")
    thread = contact_posting(posting, Sender("住民", "r@example.com"), "", "質問です")
    assert thread.desk_id == desk("131041").id
    assert [m.to_addr for m in db.session.scalars(select(OutboxMail))] == [member.email]


def test_contact_without_address_keeps_the_named_officer(runner, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(GOOD), encoding="utf-8")
    runner.invoke(args=["postings", "import", str(path)])
    without = {**GOOD, "title": "改訂", "contact": {"name": "山田 花子", "department": "地域振興課"}}
    path.write_text(_lines(without, {**without, "external_id": "case-0002"}), encoding="utf-8")
    assert "1 created, 1 updated, 0 rejected." in runner.invoke(args=["postings", "import", str(path)]).output
    (officer,) = db.session.scalars(select(Officer)).all()
    assert (officer.email, officer.phone) == ("hanako@shinjuku.example.jp", "03-0000-0000")
    assert {p.officer_id for p in db.session.scalars(select(Posting))} == {officer.id}
