"""Open data: the CSV (BOM, ISO dates, codes with names) and JSON Lines files hold only
public, published postings, no officer address or phone, and re-import without a rejected line."""

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Officer, Posting
from app.services.postings import importer
from app.timestamps import to_jst
from tests.helpers import app_on_template_copy

SECRET_MAIL = "hidden.officer@example.jp"
SECRET_PHONE = "03-1234-5678"


@pytest.fixture
def world(postings):
    from app.models.postings import PartnershipRequest

    public = postings(title="防災協定の合同訓練", partners=["172049"], categories=["B-5", "A-1"],
                      fields=["防災", "訓練"], contact_email=SECRET_MAIL, external_id="ext-1")
    public.officer.phone = SECRET_PHONE
    request = postings(kind="partnership_request", code="042056", title="移住体験の受け入れ先を募集",
                       details={"sought": "2泊3日の体験", "wished_regions": ["東北", "関東"],
                                "partner_type": "special_ward", "request_status": "open"})
    request.deadline = __import__("datetime").date(2027, 3, 31)
    hidden = postings(title="職員だけの調整", visibility="officials")
    draft = postings(title="下書きの投稿", status="draft")
    archived = postings(title="アーカイブの投稿", status="archived")
    db.session.commit()
    assert isinstance(request, PartnershipRequest)
    return {"public": public, "request": request, "hidden": hidden, "draft": draft, "archived": archived}


def _all_officer_contacts():
    return [v for o in db.session.scalars(select(Officer)) for v in (o.email, o.phone) if v]


def test_csv_has_a_bom_iso_dates_codes_with_names_and_no_address(client, world):
    response = client.get("/opendata/kakehashi-postings.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, not two
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["title"] for r in rows} == {"防災協定の合同訓練", "移住体験の受け入れ先を募集"}
    first = next(r for r in rows if r["external_id"] == "ext-1")
    assert (first["municipality"], first["municipality_name"]) == ("131041", "新宿区")
    assert (first["partners"], first["partner_names"]) == ("172049", "輪島市")
    assert first["categories"] == "A-1|B-5"  # in the survey's order
    assert first["published_at"] == to_jst(world["public"].published_at).date().isoformat()  # Japan day
    req = next(r for r in rows if r["kind"] == "partnership_request")
    assert req["deadline"] == "2027-03-31" and req["wished_regions"] == "東北|関東"
    assert req["external_id"].endswith(f"/postings/{world['request'].id}")
    for secret in [*_all_officer_contacts(), SECRET_MAIL, SECRET_PHONE, "@example.jp"]:
        assert secret not in text


def test_jsonl_is_the_import_format_and_has_no_address(client, world):
    response = client.get("/opendata/kakehashi-postings.jsonl")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 2
    for line in lines:
        assert set(line["contact"]) == {"name", "department", "title"}
        assert line["status"] == "published" and line["visibility"] == "public"
    for secret in [*_all_officer_contacts(), SECRET_MAIL, SECRET_PHONE]:
        assert secret not in text
    assert "職員だけの調整" not in text and "下書き" not in text and "アーカイブ" not in text


def _import_text(text: str, suffix: str):
    reader = importer.read_csv(text) if suffix == "csv" else importer.read_jsonl(text)
    return importer.import_records(reader)


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_export_reimports_into_the_same_site_without_changes(client, world, suffix):
    text = client.get(f"/opendata/kakehashi-postings.{suffix}").get_data().decode("utf-8-sig")
    before = db.session.scalar(select(func.count(Posting.id)))
    officers_before = {(o.id, o.email, o.phone) for o in db.session.scalars(select(Officer))}
    report = _import_text(text, suffix)
    assert report.errors == [] and (report.created, report.updated) == (0, 2)
    assert db.session.scalar(select(func.count(Posting.id))) == before
    # The officers keep their addresses: a contact without one is the same named officer.
    assert {(o.id, o.email, o.phone) for o in db.session.scalars(select(Officer))} == officers_before
    again = client.get(f"/opendata/kakehashi-postings.{suffix}").get_data().decode("utf-8-sig")
    assert _strip_updated(again, suffix) == _strip_updated(text, suffix)


def _strip_updated(text: str, suffix: str):
    if suffix == "jsonl":
        return text
    rows = list(csv.DictReader(io.StringIO(text)))
    return [{k: v for k, v in r.items() if k != "updated_at"} for r in rows]


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_export_imports_into_another_site(client, world, template_db, tmp_path, suffix):
    text = client.get(f"/opendata/kakehashi-postings.{suffix}").get_data().decode("utf-8-sig")
    (tmp_path / "other").mkdir()
    other = app_on_template_copy(template_db, tmp_path / "other", SITE_URL="http://other.test")
    with other.app_context():
        report = _import_text(text, suffix)
        assert report.errors == [] and report.created == 2
        again = other.test_client().get(f"/opendata/kakehashi-postings.{suffix}").get_data()
        imported = {p.title: p for p in db.session.scalars(select(Posting))}
        assert imported["移住体験の受け入れ先を募集"].wished_regions == ["東北", "関東"]
        # Without an address the officer is a named record only; no address was invented.
        assert {o.email for o in db.session.scalars(select(Officer))} == {""}
        db.session.remove()
    if suffix == "jsonl":
        mine = [json.loads(line) for line in text.splitlines()]
        theirs = [json.loads(line) for line in again.decode().splitlines()]
        assert sorted(mine, key=lambda r: r["title"]) == sorted(theirs, key=lambda r: r["title"])


def test_page_states_licence_attribution_and_dataset_jsonld(client, world):
    page = client.get("/opendata/").get_data(as_text=True)
    assert "公共データ利用規約（第1.0版）（PDL1.0）" in page and "CC BY 4.0" in page
    assert "出典：架け橋 Kakehashi" in page
    start = page.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    data = json.loads(page[start:page.index("</script>", start)])
    assert data["@type"] == "Dataset" and data["license"].startswith("https://")
    assert {d["encodingFormat"] for d in data["distribution"]} == {"text/csv", "application/jsonl"}
    assert "現在 2 件" in page


def test_download_streams_in_batches(client, world, monkeypatch):
    from app.services.opendata import export

    monkeypatch.setattr(export, "BATCH", 1)
    response = client.get("/opendata/kakehashi-postings.jsonl", buffered=False)  # as the server gets it
    assert response.is_streamed
    assert len(response.get_data(as_text=True).splitlines()) == 2
