"""From a topic to the marketplace: a prefilled partnership request (or case study), linked both
ways; digests and the follow feature's entry point."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, PartnershipRequest
from app.models.base import utcnow
from app.services.board.digest import new_board_items_since


def _request_form(**overrides):
    data = {"title": "空き家対策で連携してくれる特別区を募集します", "summary": "略式代執行の経験を共有してください。",
            "body": "町の状況です。", "categories": ["B-11"], "fields": "空き家", "sought": "助言と職員の相互派遣",
            "partner_type": "special_ward", "request_status": "open", "officer": "0",
            "contact_name": "佐藤 花子", "contact_email": "sato@koumi.example.jp",
            "status": "published", "visibility": "public"}
    data.update(overrides)
    return data


def test_the_author_turns_a_topic_into_a_partnership_request(client, people, board):
    topic = board.topic(people.town, title="空き家の略式代執行、どう進めましたか", body="所有者不明の空き家が町内に12軒あります。")
    answer = board.answer(topic, people.ward)
    from app.services.board import posts

    posts.mark_answer(answer, "solution", people.town)
    client.login(people.town.email)
    page = client.get(f"/board/topics/{topic.id}").get_data(as_text=True)
    assert "この話題から連携の募集を作る" in page
    url = f"/postings/new/requests?from_topic={topic.id}"
    form = client.get(url).get_data(as_text=True)
    assert 'value="空き家の略式代執行、どう進めましたか"' in form  # prefilled title
    assert "所有者不明の空き家が町内に12軒あります。" in form
    assert "掲示板で回答をくださった自治体: 新宿区" in form
    response = client.post_form(url, _request_form())
    assert response.status_code == 302
    posting = db.session.scalar(select(PartnershipRequest))
    db.session.refresh(topic)
    assert topic.request_posting_id == posting.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "board.convert")).details["posting_id"] == posting.id
    # Linked both ways: the topic shows the request, the request (to officials) the topic.
    assert posting.title in client.get(f"/board/topics/{topic.id}").get_data(as_text=True)
    detail = client.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert "職員掲示板の話題から生まれた投稿です" in detail and f"/board/topics/{topic.id}" in detail
    # A second conversion leads to the one already made.
    again = client.get(url)
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/postings/{posting.id}")
    # Residents see the public request, never the board link.
    client.logout()
    public = client.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert posting.title in public and "/board/" not in public and "職員掲示板" not in public


def test_only_the_author_converts(client, people, board):
    topic = board.topic(people.town)
    client.login(people.ward.email)
    assert client.get(f"/postings/new/requests?from_topic={topic.id}").status_code == 403
    assert client.get("/postings/new/requests?from_topic=99999").status_code == 404
    assert client.get("/postings/new/requests?from_topic=abc").status_code == 404
    assert client.get(f"/postings/new/disaster?from_topic={topic.id}").status_code == 404


def test_a_case_study_draft_only_when_the_author_agreed(client, people, board):
    from app.services.board import posts

    closed_lips = board.topic(people.town)
    agreed = board.topic(people.town, title="移住相談会の集客", summary_publishable=True, categories=("A-1",))
    answer = board.answer(agreed, people.ward, body="区報とSNSで告知し、区内の大学と組みました。")
    posts.mark_answer(answer, "solution", people.town)
    client.login(people.town.email)
    refused = client.get(f"/postings/new/cases?from_topic={closed_lips.id}")
    assert refused.status_code == 403 and "公開事例にすることを選んでいません" in refused.get_data(as_text=True)
    client.set_cookie("lang", "en")  # the service's refusal follows the visitor's language
    refused = client.get(f"/postings/new/cases?from_topic={closed_lips.id}").get_data(as_text=True)
    assert "has not chosen to make it a public case study" in refused and "選んでいません" not in refused
    client.set_cookie("lang", "ja")
    assert "公開事例の下書きを作る" in client.get(f"/board/topics/{agreed.id}").get_data(as_text=True)
    form = client.get(f"/postings/new/cases?from_topic={agreed.id}").get_data(as_text=True)
    assert "新宿区の助言: 区報とSNSで告知し" in form and "回答者の了承を得てください" in form


def test_new_board_items_since_for_the_follow_digests(people, board):
    since = utcnow() - timedelta(minutes=1)
    disaster = board.topic(people.ward, title="災害協定の見直し", categories=("B-5",))
    tourism = board.topic(people.city, title="観光PRの共同出展", categories=("A-2",))
    answer = board.answer(disaster, people.city, body="年1回、担当者会議で見直しています。")
    items = new_board_items_since(people.town, since, ["B-5"])
    assert [(i.kind, i.topic.id) for i in items] == [("answer", disaster.id), ("topic", disaster.id)]
    assert items[0].path == f"/board/topics/{disaster.id}#answer-{answer.id}"
    assert "年1回" in items[0].summary and items[0].who == "福島県 南相馬市 鈴木 次郎"
    assert {i.topic.id for i in new_board_items_since(people.town, since)} == {disaster.id, tourism.id}
    assert new_board_items_since(people.town, utcnow() + timedelta(minutes=1)) == []
    assert new_board_items_since(None, since) == []  # residents: nothing
    # One's own writing is not news to oneself; hidden topics are news to nobody.
    assert all(i.topic.id != tourism.id or i.kind != "topic" for i in new_board_items_since(people.city, since))
    from app.services.board import moderation

    moderation.hide(tourism, "重複", people.admin)
    assert tourism.id not in {i.topic.id for i in new_board_items_since(people.town, since)}
