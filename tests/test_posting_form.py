"""The posting form as a new officer meets it: defaults that save, groups, specific messages,
dates in a sensible window (form, service, importer), archive that asks and can be undone."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Posting
from app.services.postings import dates
from tests.test_postings import _form


def test_the_contact_officer_defaults_to_the_writer_so_the_first_save_works(client, users):
    officer = users.officer("131041", name="新宿 花子")
    client.login(officer.email)
    html = client.get("/postings/new/cases").get_data(as_text=True)
    chosen = re.search(r'<option ([^>]*)selected([^>]*)>([^<]*)</option>',
                       html.split('id="officer"', 1)[1].split("</select>", 1)[0])
    assert chosen and f'value="{officer.officer.id}"' in chosen.group(0) and "（あなた）" in chosen.group(3)
    # Saving with what the page offered (no new-officer fields) works the first time.
    data = _form(officer=str(officer.officer.id), contact_name="", contact_email="")
    assert client.post_form("/postings/new/cases", data).status_code == 302
    assert db.session.scalar(select(Posting)).officer_id == officer.officer.id


def _new_officer_block(html: str) -> str:
    return re.search(r'<details class="form-subgroup new-officer"[^>]*>', html).group(0)


def test_the_new_officer_fields_stay_folded_until_needed(client, users):
    """The writer is chosen, so the five new-officer fields are folded away; they open when
    「新しい担当者」 is chosen or when they hold a value or an error."""
    client.login(users.officer("131041").email)
    html = client.get("/postings/new/cases").get_data(as_text=True)
    assert " open" not in _new_officer_block(html)
    assert 'id="contact_name"' in html  # still in the page: works without JavaScript
    refused = client.post_form("/postings/new/cases", _form(contact_name="", contact_email=""))
    assert refused.status_code == 400
    assert " open" in _new_officer_block(refused.get_data(as_text=True))
    typed = client.post_form("/postings/new/cases", _form(title=""))  # kept with the name typed in
    assert " open" in _new_officer_block(typed.get_data(as_text=True))


def test_the_form_is_grouped_and_explains_the_kind(client, users):
    client.login(users.officer("131041").email)
    html = client.get("/postings/new/requests").get_data(as_text=True)
    legends = re.findall(r'<fieldset class="form-group"[^>]*>\s*<legend>([^<]+)</legend>', html)
    assert legends == ["基本", "内容", "連携の募集の項目", "担当者", "公開範囲"]
    assert "連携の相手を探す募集です" in html  # the kind's own fields are explained
    assert 'id="deadline-hint"' in html and "2027-03-31" in html


@pytest.mark.parametrize("field,value,message", [
    ("title", "あ" * 201, "タイトルは200文字以内で入力してください（いま201文字）。"),
    ("title", "", "タイトルを入力してください。"),
    ("summary", "い" * 2001, "概要は2000文字以内で入力してください（いま2001文字）。"),
    ("categories", [], "カテゴリを1つ以上選んでください。"),
    ("period_start", "2024/4", "開始年月は 2024-04 のような年月で入力してください。"),
    ("contact_email", "not-an-address", "担当者のメールアドレスの形式が正しくありません"),
])
def test_messages_name_the_field_and_the_limit(client, users, field, value, message):
    client.login(users.officer("131041").email)
    response = client.post_form("/postings/new/cases", _form(**{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert "フィールドは" not in html and "無効な" not in html  # no generic WTForms wording
    assert db.session.scalar(select(Posting)) is None


def test_a_date_that_is_not_a_date_says_which_field(client, users):
    client.login(users.officer("131041").email)
    response = client.post_form("/postings/new/requests", _form(
        sought="相手", partner_type="any", request_status="open", deadline="2027年3月31日"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "締切は 2026-03-31 のような日付で入力してください。" in html
    response = client.post_form("/postings/new/staff", _form(direction="accept", work_field="土木",
                                                             headcount="二人", duration_months="12"))
    assert response.status_code == 400 and "人数は数字で入力してください。" in response.get_data(as_text=True)
    response = client.post_form("/postings/new/staff", _form(direction="accept", work_field="土木",
                                                             headcount="500", duration_months="12"))
    assert "人数は1〜100人の数で入力してください。" in response.get_data(as_text=True)


@pytest.mark.parametrize("slug,field,extra", [
    ("requests", "deadline", {"sought": "相手", "partner_type": "any", "request_status": "open"}),
    ("disaster", "valid_until", {"offer_types": ["supplies"]}),
])
@pytest.mark.parametrize("value,message", [
    ("1900-01-01", "投稿の作成日"),
    ("9999-12-31", "10年先"),
])
def test_deadlines_outside_a_sensible_window_are_refused(client, users, slug, field, extra, value, message):
    client.login(users.officer("131041").email)
    response = client.post_form(f"/postings/new/{slug}", _form(**extra, **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert f'id="{field}-error"' in html  # under the field itself
    assert db.session.scalar(select(Posting)) is None
    ok = (date.today() + timedelta(days=90)).isoformat()
    assert client.post_form(f"/postings/new/{slug}", _form(**extra, **{field: ok})).status_code == 302


def test_a_period_that_ends_before_it_starts_is_refused(client, users):
    client.login(users.officer("131041").email)
    response = client.post_form("/postings/new/cases", _form(period_start="2024-04", period_end="2023-03"))
    assert response.status_code == 400 and "終了年月は開始年月（2024-04）より後にしてください。" in response.get_data(as_text=True)


def test_editing_keeps_the_window_of_the_postings_own_creation(client, users, postings):
    """A request created long ago may keep its (past) deadline when edited; one before its
    creation is still refused."""
    posting = postings("partnership_request", details={"sought": "x", "request_status": "open"})
    posting.created_at = posting.published_at = datetime(2025, 1, 10, 3, 0, tzinfo=UTC)  # 12:00 in Japan
    posting.deadline = date(2025, 3, 31)  # as it was stored back then
    db.session.commit()
    client.login(users.officer("131041").email)
    base = _form(sought="x", partner_type="any", request_status="open", officer=str(posting.officer_id))
    assert client.post_form(f"/postings/{posting.id}/edit", {**base, "deadline": "2025-03-31"}).status_code == 302
    refused = client.post_form(f"/postings/{posting.id}/edit", {**base, "deadline": "2024-12-31"})
    assert refused.status_code == 400 and "2025-01-10" in refused.get_data(as_text=True), re.sub(r"\s+", " ", refused.get_data(as_text=True).split("<main")[1][:1500])


def test_the_service_and_the_importer_apply_the_same_window(runner, tmp_path, postings):
    with pytest.raises(dates.InvalidDates) as refused:
        postings("partnership_request", details={"sought": "x", "deadline": date(9999, 12, 31)})
    assert "deadline" in refused.value.problems
    record = {"kind": "partnership_request", "title": "期限の確認", "summary": "s", "municipality": "131041",
              "categories": ["B-1"], "contact": {"name": "担当", "email": "t@example.jp"},
              "published_at": "2026-04-01", "details": {"sought": "相手", "deadline": "1900-01-01"}}
    good = {**record, "title": "正しい期限", "details": {"sought": "相手", "deadline": "2027-03-31"}}
    path = tmp_path / "dates.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (record, good)) + "\n", encoding="utf-8")
    result = runner.invoke(args=["postings", "import", str(path)])
    assert "line 1: 「deadline」締切は投稿の作成日（2026-04-01）以降の日付にしてください。" in result.output
    assert "1 created, 0 updated, 1 rejected." in result.output
    assert db.session.scalars(select(Posting.title)).all() == ["正しい期限"]


def test_archive_asks_first_and_the_owner_can_restore(client, users, postings):
    posting = postings(code="131041", title="いったんアーカイブ")
    client.login(users.officer("131041").email)
    detail = client.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert f'href="/postings/{posting.id}/archive"' in detail  # a link to the question, not a one-click form
    question = client.get(f"/postings/{posting.id}/archive")
    assert question.status_code == 200 and "この投稿をアーカイブしますか？" in question.get_data(as_text=True)
    assert db.session.get(Posting, posting.id).status == "published"  # asking changes nothing
    client.post_form(f"/postings/{posting.id}/archive", token_from=f"/postings/{posting.id}/archive")
    assert db.session.get(Posting, posting.id).status == "archived"
    archived = client.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert "アーカイブされています" in archived and "元に戻す" in archived
    restored = client.post_form(f"/postings/{posting.id}/restore", token_from=f"/postings/{posting.id}")
    assert restored.status_code == 302
    db.session.expire_all()
    assert db.session.get(Posting, posting.id).status == "published"
    assert "いったんアーカイブ" in client.get("/postings/").get_data(as_text=True)
    # Someone else's posting can be neither archived nor restored.
    other = postings(code="131016", title="千代田区の事例")
    assert client.get(f"/postings/{other.id}/archive").status_code == 403
    assert client.post_form(f"/postings/{other.id}/restore", token_from=f"/postings/{posting.id}").status_code == 403


@pytest.mark.parametrize("query,heading", [
    ("category=B-5", "災害時の助け合い"),
    ("prefecture=福島県", "福島県の投稿"),
    ("region=東北&category=A-2", "東北の観光"),
    ("", "すべての投稿"),
])
def test_theme_and_place_pages_name_what_they_list(client, query, heading):
    html = client.get(f"/postings/?{query}").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html and f"<title>{heading} |" in html


def test_a_kind_page_with_a_theme_names_both(client):
    html = client.get("/postings/cases/?category=B-5").get_data(as_text=True)
    assert "<h1>災害時の助け合い（連携・交流事例）</h1>" in html
