"""The inbox notice to a request's officer when a new posting fits: once per request per day."""

import json
from datetime import date, timedelta  # noqa: F401

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notice, OutboxMail
from app.services.matching import notices
from tests.matching.test_suggestions import FAIR


@pytest.fixture
def app(world):
    """Every test here runs on a copy of the demo data (see conftest.world)."""
    return world


def _request_with_account(postings, users):
    request = postings("partnership_request", "053619", contact_email="fair@gojome.example.jp", **FAIR)
    user = users.officer("053619", email="fair@gojome.example.jp")
    db.session.refresh(request.officer)
    assert request.officer.user_id == user.id
    return request, user


def _fitting_case(postings, code="131075", title="墨田区の移住フェア（移住相談会）に地方の町が出展"):
    return postings("case_study", code, title=title,
                    summary="区民向けの移住フェア（移住相談会）を区内で開き、子育て世帯の移住を支援しました。",
                    categories=["A-1"], fields=["移住", "子育て"])


def _notices(request) -> list[Notice]:
    return db.session.scalars(select(Notice).where(Notice.posting_id == request.id).order_by(Notice.id)).all()


def _mails(to: str) -> list[OutboxMail]:
    return db.session.scalars(select(OutboxMail).where(OutboxMail.to_addr == to)).all()


def test_a_fitting_new_posting_is_noticed_once_per_request_per_day(app, postings, users, monkeypatch):
    request, user = _request_with_account(postings, users)
    first = _fitting_case(postings)
    [notice] = _notices(request)
    assert notice.officer_id == request.officer_id
    assert [i["posting_id"] for i in notice.items] == [first.id]
    assert "特別区の取組" in notice.items[0]["reasons"]
    assert len(_mails(user.email)) == 1
    mail = _mails(user.email)[0]
    assert first.title in mail.body and "特別区の取組" in mail.body and "1日1通まで" in mail.body

    # A second fit the same day joins the same notice and sends no second mail.
    second = _fitting_case(postings, "131083", "江東区の移住フェア（移住相談会）の報告")
    assert len(_notices(request)) == 1
    db.session.refresh(notice)
    assert [i["posting_id"] for i in notice.items] == [first.id, second.id]
    assert len(_mails(user.email)) == 1
    # Publishing the same posting again adds nothing.
    assert notices.notify_fits([second.id]) == 0

    # The next day starts a new notice.
    tomorrow = notices.today_jst() + timedelta(days=1)
    monkeypatch.setattr(notices, "today_jst", lambda: tomorrow)
    _fitting_case(postings, "131091", "品川区の移住フェア（移住相談会）")
    assert len(_notices(request)) == 2
    assert len(_mails(user.email)) == 2
    # A posting already told is never told again, whatever the day.
    assert notices.notify_fits([first.id]) == 0
    assert [len(n.items) for n in _notices(request)] == [2, 1]


def test_an_officer_gets_one_notice_mail_a_day_however_many_requests_fit(app, postings, users):
    request, user = _request_with_account(postings, users)
    second = postings("partnership_request", "053619", officer=request.officer,
                      **{**FAIR, "title": "区民向けの移住相談会を共催してくださる特別区を募集します"})
    case = _fitting_case(postings)
    told = {n.posting_id for n in db.session.scalars(select(Notice).where(Notice.officer_id == request.officer_id))}
    assert told == {request.id, second.id}  # both requests are told in the inbox …
    [mail] = _mails(user.email)  # … and one mail went
    assert case.title in mail.body and "受信箱" in mail.body


def test_a_notice_lists_at_most_max_items_postings(app, postings, users, monkeypatch):
    monkeypatch.setattr(notices, "MAX_NOTICE_ITEMS", 2)
    request, user = _request_with_account(postings, users)
    for code, ward in [("131075", "墨田区"), ("131083", "江東区"), ("131091", "品川区")]:
        _fitting_case(postings, code, f"{ward}の移住フェア（移住相談会）に地方の町が出展")
    [notice] = _notices(request)
    assert len(notice.items) == 2 and len(_mails(user.email)) == 1


def test_postings_that_do_not_fit_or_are_not_new_tell_nobody(app, postings, users, runner, tmp_path):
    request, user = _request_with_account(postings, users)
    postings("case_study", "131075", title="下町の銭湯めぐりスタンプラリー", summary="銭湯の魅力を発信しました。",
             categories=["A-2"], fields=["観光"])
    _fitting_case(postings, "053619", "五城目町の移住フェア")  # its own municipality
    draft = postings("case_study", "131083", title="江東区の移住フェア（移住相談会）", status="draft",
                     summary="移住フェア", categories=["A-1"], fields=["移住", "子育て"])
    assert _notices(request) == []
    # Old case studies arriving by import are not news.
    line = {"external_id": "old-1", "kind": "case_study", "title": "台東区の移住フェア（移住相談会）",
            "summary": "区民向けの移住フェア（移住相談会）で子育て世帯の移住を支援しました。",
            "municipality": "131067", "categories": ["A-1"], "fields": ["移住", "子育て"],
            "contact": {"name": "台東 一郎", "email": "ichiro@taito.example.jp"},
            "published_at": "2020-04-01"}
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    assert runner.invoke(args=["postings", "import", str(path)]).exit_code == 0
    assert _notices(request) == []
    # A recent one is.
    line.update(external_id="new-1", published_at=date.today().isoformat())
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    assert runner.invoke(args=["postings", "import", str(path)]).exit_code == 0
    [notice] = _notices(request)
    assert [i["title"] for i in notice.items] == [line["title"]] and draft.id



def test_the_notice_waits_in_the_officers_inbox_until_read(client, postings, users):
    request, user = _request_with_account(postings, users)
    case = _fitting_case(postings)
    other = users.officer("131041")
    client.login(user.email)
    page = client.get("/contact/inbox").get_data(as_text=True)
    assert "あなたの募集に合いそうな新しい投稿" in page and case.title in page and "特別区の取組" in page
    assert "（未読1件）" in page  # the header's inbox link says it to screen readers
    [notice] = _notices(request)
    client.logout()
    client.login(other.email)
    assert case.title not in client.get("/contact/inbox").get_data(as_text=True)
    assert client.post_form(f"/notices/{notice.id}/read", token_from="/contact/inbox").status_code == 404
    client.logout()
    client.login(user.email)
    response = client.post_form(f"/notices/{notice.id}/read", token_from="/contact/inbox")
    assert response.status_code == 302
    db.session.refresh(notice)
    assert notice.read_at is not None
    assert 'aria-label="未読' not in client.get("/contact/inbox").get_data(as_text=True)
