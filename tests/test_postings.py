from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Posting


def _form(**overrides):
    data = {
        "title": "区民農園で始めた収穫体験の交流", "summary": "子ども向けの収穫体験を共同で開催しました。",
        "body": "## 経緯\n\n区と町の職員が**一緒に**企画しました。<script>alert(1)</script>",
        "categories": ["A-4"], "fields": "農業、子育て", "partners": "輪島市",
        "officer": "0", "contact_name": "佐藤 涼", "contact_email": "ryo.sato@shinjuku.example.jp",
        "contact_department": "地域振興課", "contact_title": "主事", "contact_phone": "03-0000-1234",
        "status": "published", "visibility": "public",
        "period_start": "2024-04", "period_end": "", "activities": "年3回の収穫体験", "outcomes": "延べ120人が参加",
        "challenges": "",
    }
    data.update(overrides)
    return data


def test_officer_creates_a_case_study_through_the_form(client, users):
    officer = users.officer("131041")
    client.login(officer.email)
    response = client.post_form("/postings/new/cases", _form())
    assert response.status_code == 302
    posting = db.session.scalar(select(Posting))
    assert posting.kind == "case_study" and posting.municipality.code == "131041"
    assert [m.name for m in posting.partners] == ["輪島市"]
    assert [t.name for t in posting.tags] == ["子育て", "農業"]
    assert posting.period_start == "2024-04" and posting.period_end is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>一緒に</strong>" in page
    assert "<script>alert(1)</script>" not in page
    # The officer's address and phone are never on the page.
    assert "ryo.sato@shinjuku.example.jp" not in page and "03-0000-1234" not in page
    assert "佐藤 涼" in page


def test_form_errors_are_clear_and_nothing_is_saved(client, users):
    officer = users.officer("131041")
    client.login(officer.email)
    response = client.post_form("/postings/new/cases", _form(title="", categories=[], partners="府中市、存在しない村"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "入力してください" in html and "1つ以上選んでください" in html
    assert "複数あります" in html and "見つかりません" in html
    assert db.session.scalar(select(Posting)) is None


@pytest.mark.parametrize("slug,extra", [
    ("requests", {"sought": "移住体験の受け入れ先", "partner_type": "municipality", "wished_regions": ["東北"],
                  "deadline": "2027-03-31", "request_status": "open"}),
    ("disaster", {"offer_types": ["supplies", "evacuation_site"], "capacity": "毛布500枚", "regions_covered": ["関東"],
                  "conditions": "要請から48時間以内", "valid_until": "2028-03-31"}),
    ("staff", {"direction": "accept", "work_field": "保健師業務", "headcount": "2", "duration_months": "12",
               "start_date": "2027-04-01"}),
])
def test_each_kind_saves_its_own_fields(client, users, slug, extra):
    client.login(users.officer("131041").email)
    response = client.post_form(f"/postings/new/{slug}", _form(**extra))
    assert response.status_code == 302, response.get_data(as_text=True)
    posting = db.session.scalar(select(Posting))
    if slug == "requests":
        assert posting.deadline == date(2027, 3, 31) and posting.wished_regions == ["東北"]
    elif slug == "disaster":
        assert posting.offer_types == ["supplies", "evacuation_site"]
        assert "疎開先の提供" in client.get(response.headers["Location"]).get_data(as_text=True)
    else:
        assert (posting.headcount, posting.duration_months, posting.direction) == (2, 12, "accept")


def test_bad_numbers_get_a_400_not_a_500(client, users):
    client.login(users.officer("131041").email)
    response = client.post_form("/postings/new/staff", _form(direction="accept", work_field="x",
                                                             headcount="abc", duration_months="-3"))
    assert response.status_code == 400
    assert db.session.scalar(select(Posting)) is None


def test_officer_edits_own_posting_but_gets_403_on_another_municipality(client, users, postings):
    own = postings(code="131041", title="新宿区の事例")
    other = postings(code="131016", title="千代田区の事例")
    client.login(users.officer("131041").email)
    assert client.get(f"/postings/{own.id}/edit").status_code == 200
    assert client.get(f"/postings/{other.id}/edit").status_code == 403
    edit = client.post_form(f"/postings/{other.id}/edit", _form(title="乗っ取り"), token_from=f"/postings/{own.id}/edit")
    assert edit.status_code == 403
    db.session.refresh(other)
    assert other.title == "千代田区の事例"


def test_edit_keeps_values_and_updates(client, users, postings):
    posting = postings(code="131041", title="元のタイトル", partners=["172049"])
    client.login(users.officer("131041").email)
    form_html = client.get(f"/postings/{posting.id}/edit").get_data(as_text=True)
    assert "元のタイトル" in form_html and "172049" in form_html
    response = client.post_form(f"/postings/{posting.id}/edit", _form(title="新しいタイトル", officer=str(posting.officer_id)))
    assert response.status_code == 302
    db.session.refresh(posting)
    assert posting.title == "新しいタイトル"


def test_archive_hides_from_lists(client, users, postings):
    posting = postings(code="131041", title="アーカイブされる事例")
    client.login(users.officer("131041").email)
    response = client.post_form(f"/postings/{posting.id}/archive", token_from=f"/postings/{posting.id}")
    assert response.status_code == 302
    assert db.session.get(Posting, posting.id).status == "archived"
    client.logout()
    assert "アーカイブされる事例" not in client.get("/postings/").get_data(as_text=True)


def test_officials_only_posting_is_invisible_when_logged_out(client, users, postings):
    secret = postings(code="131041", title="備蓄量の内部調整", visibility="officials")
    draft = postings(code="131041", title="下書きの事例", status="draft")
    for url in ("/", "/postings/", "/postings/cases/", "/m/131041", "/municipalities"):
        html = client.get(url).get_data(as_text=True)
        assert "備蓄量の内部調整" not in html and "下書きの事例" not in html, url
    assert client.get(f"/postings/{secret.id}").status_code == 404
    assert client.get(f"/postings/{draft.id}").status_code == 404
    client.login(users.officer("131016").email)  # another municipality's official
    assert client.get(f"/postings/{secret.id}").status_code == 200
    assert client.get(f"/postings/{draft.id}").status_code == 404
    assert "備蓄量の内部調整" in client.get("/postings/").get_data(as_text=True)


def test_list_filters_and_bad_filters(client, postings):
    postings(code="131041", title="東京の事例", categories=["A-2"])
    postings(code="172049", title="石川の事例", categories=["B-5"])
    html = client.get("/postings/?region=中部").get_data(as_text=True)
    assert "石川の事例" in html and "東京の事例" not in html
    html = client.get("/postings/?category=A-2").get_data(as_text=True)
    assert "東京の事例" in html and "石川の事例" not in html
    html = client.get("/postings/?prefecture=石川県").get_data(as_text=True)
    assert "石川の事例" in html and "東京の事例" not in html
    bad = client.get("/postings/?region=火星")
    assert bad.status_code == 400 and "地域の指定" in bad.get_data(as_text=True)
    assert client.get("/postings/?page=0").status_code == 400


def test_partnership_request_status_filter(client, postings):
    postings("partnership_request", title="募集中の案件", details={"sought": "x", "request_status": "open"})
    postings("partnership_request", title="成立した案件", details={"sought": "x", "request_status": "matched"})
    html = client.get("/postings/requests/?status=matched").get_data(as_text=True)
    assert "成立した案件" in html and "募集中の案件" not in html


def test_pagination(client, postings):
    for i in range(23):
        postings(title=f"事例その{i:02d}")
    first = client.get("/postings/cases/").get_data(as_text=True)
    second = client.get("/postings/cases/?page=2").get_data(as_text=True)
    assert "1 / 2 ページ（23件）" in first
    assert second.count('class="card posting-card') == 3


def test_municipality_page_lists_postings_and_partners(client, postings):
    postings(code="131041", title="輪島市との交流", partners=["172049"])
    html = client.get("/m/172049").get_data(as_text=True)
    assert "輪島市との交流" in html and "新宿区" in html
    assert client.get("/m/999999").status_code == 404


def test_a_tag_inserted_meanwhile_by_another_process_is_reused(app):
    """Two saves with the same new tag at once: the second finds the first one's row."""
    from sqlalchemy import text

    from app.models import Tag
    from app.services.postings.editing import tags_for

    # Simulate the other process: the row appears after our lookup found nothing.
    db.session.execute(text("insert into tags (name) values ('新しいタグ')"))
    from app.services.postings import editing

    tag = editing._new_tag("新しいタグ")
    assert tag.id is not None
    assert db.session.scalar(select(Tag).where(Tag.name == "新しいタグ")).id == tag.id
    assert [t.name for t in tags_for(["新しいタグ", "防災"])] == ["新しいタグ", "防災"]


def test_kind_badges_and_theme_filter_follow_the_english_toggle(client, postings):
    postings(title="英語表示の確認")
    client.set_cookie("lang", "en")
    html = client.get("/postings/").get_data(as_text=True)
    assert '<span class="badge">Exchange stories</span>' in html
    assert "A-1 Moving to the countryside</option>" in html
    assert "英語表示の確認" in html  # postings stay in the language they were written in
