"""Board items reach the follow digests (issue 13): new topics and answers in followed
categories, once each, titled and linked without their text; nothing for other categories,
hidden topics or one's own writing."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import DigestItem
from app.models.base import utcnow
from app.services.follow import follows


def test_followed_categories_bring_new_board_topics_and_answers(people, board, run_digests, deliver, smtp):
    follows.follow_value(people.town, "category", "B-11")
    asked = board.topic(people.ward, title="先進事例の共有会の開き方", categories=("B-11",), tags=("勉強会",),
                        body="区では年1回の共有会を検討しています。")
    answer = board.answer(asked, people.city, body="市では秘密の段取りメモを回しています。")
    board.topic(people.city, title="観光PRの共同出展", categories=("A-2",))  # not followed
    board.topic(people.town, title="自分の質問", categories=("B-11",))  # one's own: not news
    hidden = board.topic(people.city, title="非表示になる話題", categories=("B-11",))
    from app.services.board import moderation

    moderation.hide(hidden, "重複", people.admin)

    reports = run_digests()
    assert reports["daily"].digests == 1 and reports["daily"].items == 2
    deliver()
    mail = smtp.mailbox.to(people.town.email)[-1]
    body = smtp.mailbox.body(mail)
    assert "［職員掲示板の話題］先進事例の共有会の開き方" in body
    assert "［職員掲示板の回答］先進事例の共有会の開き方" in body
    assert f"http://kakehashi.test/board/topics/{asked.id}\n" in body
    assert f"http://kakehashi.test/board/topics/{asked.id}#answer-{answer.id}" in body
    assert "職員掲示板に新しい回答がありました（内容は架け橋にログインして読めます）" in body
    # Titles and links only: the text stays behind the login.
    assert "秘密の段取りメモ" not in body and "区では年1回" not in body
    for absent in ("観光PRの共同出展", "自分の質問", "非表示になる話題"):
        assert absent not in body
    sources = set(db.session.scalars(select(DigestItem.source).where(DigestItem.user_id == people.town.id)))
    assert sources == {"board_topic", "board_answer"}
    # Sent once: the next day brings nothing more until something new is written.
    assert run_digests(utcnow() + timedelta(days=1))["daily"].digests == 0


def test_no_board_items_in_an_immediate_pass(people, board):
    from app.services.board.digest import board_entries

    follow = follows.follow_value(people.town, "category", "B-11")
    board.topic(people.ward, categories=("B-11",))
    now = utcnow() + timedelta(seconds=1)
    assert board_entries(people.town, [follow], now, urgent_only=True) == []
    assert len(board_entries(people.town, [follow], now, urgent_only=False)) == 1


def test_a_category_page_of_the_board_can_be_followed(client, people):
    from app.models import Follow

    client.login(people.town.email)
    response = client.post_form("/follows/follow", {"target": "category", "value": "B-5", "next": "/board/c/B-5"},
                                token_from="/board/c/B-5")
    assert response.status_code == 303 and response.headers["Location"].endswith("/board/c/B-5")
    follow = db.session.scalar(select(Follow).where(Follow.user_id == people.town.id))
    assert follow.target == "category" and follow.filters == {"category": "B-5"}
    assert "このカテゴリをフォロー" in client.get("/board/c/B-5").get_data(as_text=True)
