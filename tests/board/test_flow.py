"""The board through its pages: an officer asks, others answer, the author marks, notices reach
the inbox; bad input is a clear 400 and nothing is lost."""

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import BoardAnswer, BoardNotice, BoardTopic, OutboxMail
from search_index import markdown_to_text
from tests.board.conftest import WARD


def _topic_form(**overrides):
    data = {"kind": "question", "title": "空き家の略式代執行、\nどう進めましたか",
            "body": "人口6千人の町です。**所有者不明**の空き家について、公告から除却までの進め方を教えてください。",
            "categories": ["B-11", "A-1"], "tags": "空き家、略式代執行"}
    data.update(overrides)
    return data


def test_an_officer_opens_a_topic_and_it_is_signed_without_an_address(client, people):
    client.login(people.town.email)
    response = client.post_form("/board/new", _topic_form(), token_from="/board/new")
    assert response.status_code == 302
    topic = db.session.scalar(select(BoardTopic))
    assert response.headers["Location"].endswith(f"/board/topics/{topic.id}")
    assert [c.code for c in topic.categories] == ["A-1", "B-11"]
    assert [t.name for t in topic.tags] == ["略式代執行", "空き家"]
    assert "\n" not in topic.title

    page = client.get(f"/board/topics/{topic.id}").get_data(as_text=True)
    assert "<strong>所有者不明</strong>" in page  # Markdown rendered
    assert "長野県 小海町" in page and "佐藤 花子" in page
    assert people.town.email not in page


def test_markdown_is_rendered_safely(client, people, board):
    topic = board.topic(people.town, body='<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>')
    client.login(people.ward.email)
    page = client.get(f"/board/topics/{topic.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)" in page  # shown as text
    assert "<script>alert" not in page and 'href="javascript' not in page and "<img src=x" not in page


def test_characters_in_snippets_and_prefills_are_shown_as_typed(client, people, board):
    """The plain text of a body is escaped once, where it is shown: < and & are not doubled."""
    assert markdown_to_text("費用 < 50万円 & **公告**") == "費用 < 50万円 & 公告"
    topic = board.topic(people.town, body="費用は50万円<100万円 & 公告は2週間 <b>でした</b>")
    client.login(people.town.email)
    found = client.get("/board/search?q=公告").get_data(as_text=True)
    assert "50万円&lt;100万円 &amp; " in found and "&amp;lt;" not in found and "&amp;amp;" not in found
    form = client.get(f"/postings/new/requests?from_topic={topic.id}").get_data(as_text=True)
    assert "50万円&lt;100万円 &amp; " in form and "&amp;lt;" not in form and "&amp;amp;" not in form


def test_bad_input_is_a_japanese_400_and_nothing_is_saved(client, people):
    client.login(people.town.email)
    cases = [
        (_topic_form(title=""), "タイトルを入力してください"),
        (_topic_form(categories=[]), "カテゴリを1つ以上選んでください"),
        (_topic_form(categories=["A-1", "A-2", "A-3", "A-4"]), "カテゴリは3つまで"),
        (_topic_form(title="長" * 201), "200文字以内"),
        (_topic_form(body="x" * 10001), "10000文字以内"),
        (_topic_form(categories=["Z-9"]), "選択肢にない値があります: Z-9"),
        (_topic_form(kind="poll"), "選択肢が正しくありません"),
    ]
    for data, message in cases:
        response = client.post_form("/board/new", data, token_from="/board/new")
        assert response.status_code == 400, data
        html = response.get_data(as_text=True)
        assert message in html
    assert db.session.scalar(select(BoardTopic)) is None
    # The text typed so far is still in the form.
    response = client.post_form("/board/new", _topic_form(title=""), token_from="/board/new")
    assert "公告から除却までの進め方" in response.get_data(as_text=True)


def test_csrf_is_required(client, people):
    client.login(people.town.email)
    response = client.post("/board/new", data=_topic_form())
    assert response.status_code == 400
    assert db.session.scalar(select(BoardTopic)) is None


def test_answer_links_a_case_study_and_the_author_is_told_in_the_inbox(client, people, board, postings):
    topic = board.topic(people.town)
    case = postings(code=WARD, title="新宿区の空き家対策：略式代執行までの記録")
    client.login(people.ward.email)
    form_page = client.get(f"/board/topics/{topic.id}").get_data(as_text=True)
    assert "新宿区の空き家対策" in form_page  # offered as one of the ward's own postings
    response = client.post_form(f"/board/topics/{topic.id}/answers",
                                {"body": "区では**財産管理人**制度も併用しました。", "own_postings": [str(case.id)]},
                                token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 302
    answer = db.session.scalar(select(BoardAnswer))
    assert [p.id for p in answer.postings] == [case.id]
    assert answer.author_label == "新宿区 田中 一郎"

    notice = db.session.scalar(select(BoardNotice))
    assert (notice.user_id, notice.event, notice.answer_id) == (people.town.id, "answer", answer.id)
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.to_addr == people.town.email))
    assert "回答がありました" in mail.subject and "財産管理人" in mail.body
    assert f"/board/topics/{topic.id}#answer-{answer.id}" in mail.body

    client.logout()
    client.login(people.town.email)
    inbox = client.get("/contact/inbox").get_data(as_text=True)
    assert "職員掲示板のお知らせ（未読 1件）" in inbox and "田中 一郎さんから回答がありました" in inbox
    page = client.get(f"/board/topics/{topic.id}").get_data(as_text=True)
    assert "新宿区の空き家対策：略式代執行までの記録" in page
    db.session.refresh(notice)
    assert notice.read_at is not None  # reading the topic clears its notices
    assert "職員掲示板のお知らせ" not in client.get("/contact/inbox").get_data(as_text=True)


def test_answer_links_by_url_or_number_only_postings_the_answerer_may_see(client, people, board, postings):
    topic = board.topic(people.town)
    public = postings(code="131016")
    draft = postings(code="131016", status="draft")
    client.login(people.city.email)
    url = f"/board/topics/{topic.id}/answers"
    response = client.post_form(url, {"body": "回答です", "posting_refs": f"http://x/postings/{draft.id}"},
                                token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 400 and "見つからない投稿があります" in response.get_data(as_text=True)
    response = client.post_form(url, {"body": "回答です", "posting_refs": "あれ"}, token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 400 and "投稿のURLまたは番号ではありません" in response.get_data(as_text=True)
    assert db.session.scalar(select(BoardAnswer)) is None
    response = client.post_form(url, {"body": "回答です", "posting_refs": f"/postings/{public.id}"},
                                token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 302
    assert [p.id for p in db.session.scalar(select(BoardAnswer)).postings] == [public.id]


def test_the_author_marks_answers_helpful_and_solved(client, people, board):
    topic = board.topic(people.town)
    first = board.answer(topic, people.ward)
    second = board.answer(topic, people.city, body="市では所有者調査に3か月かかりました。")
    client.login(people.town.email)
    token_page = f"/board/topics/{topic.id}"
    assert client.post_form(f"/board/answers/{first.id}/mark", {"mark": "helpful"}, token_from=token_page).status_code == 302
    assert client.post_form(f"/board/answers/{second.id}/mark", {"mark": "solution"}, token_from=token_page).status_code == 302
    db.session.refresh(topic)
    assert (first.mark, second.mark, topic.status) == ("helpful", "solution", "solved")
    page = client.get(token_page).get_data(as_text=True)
    assert "解決済み" in page
    # The answerer is told.
    assert db.session.scalar(select(BoardNotice).where(BoardNotice.user_id == people.city.id,
                                                       BoardNotice.event == "marked")) is not None
    # Taking the mark off reopens the topic; a bad value is a 400.
    assert client.post_form(f"/board/answers/{second.id}/mark", {"mark": "none"}, token_from=token_page).status_code == 302
    db.session.refresh(topic)
    assert topic.status == "open"
    assert client.post_form(f"/board/answers/{second.id}/mark", {"mark": "best"}, token_from=token_page).status_code == 400


def test_only_the_topic_author_marks(client, people, board):
    topic = board.topic(people.town)
    answer = board.answer(topic, people.ward)
    client.login(people.city.email)
    response = client.post_form(f"/board/answers/{answer.id}/mark", {"mark": "solution"}, token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 403
    db.session.refresh(answer)
    assert answer.mark is None


def test_authors_edit_their_own_within_the_window(client, app, people, board):
    topic = board.topic(people.town)
    answer = board.answer(topic, people.ward)
    client.login(people.ward.email)
    page = f"/board/answers/{answer.id}/edit"
    assert client.get(page).status_code == 200
    assert client.post_form(page, {"body": "書き直しました。"}).status_code == 302
    db.session.refresh(answer)
    assert answer.body == "書き直しました。" and answer.edited_at is not None
    assert client.get(f"/board/topics/{topic.id}/edit").status_code == 403  # not theirs

    answer.created_at -= timedelta(hours=app.config["BOARD_EDIT_WINDOW_HOURS"], minutes=1)
    db.session.commit()
    response = client.get(page)
    assert response.status_code == 403 and "24時間以内" in response.get_data(as_text=True)


def test_a_topic_edit_keeps_its_answers(client, people, board):
    topic = board.topic(people.town)
    board.answer(topic, people.ward)
    client.login(people.town.email)
    response = client.post_form(f"/board/topics/{topic.id}/edit",
                                _topic_form(title="空き家の略式代執行（公告の方法）", categories=["B-11"]))
    assert response.status_code == 302
    db.session.refresh(topic)
    assert topic.title == "空き家の略式代執行（公告の方法）" and len(topic.answers) == 1


def test_lists_category_pages_and_related_topics(client, people, board):
    asked = board.topic(people.town, categories=("B-11",), tags=("空き家",))
    related = board.topic(people.city, title="空き家バンクの登録を増やすには", categories=("A-1",), tags=("空き家",))
    other = board.topic(people.ward, title="防災協定の見直し時期", categories=("B-5",), tags=("防災",),
                        body="協定を結んで10年、見直しの時期をどう決めていますか。")
    client.login(people.ward.email)
    index = client.get("/board/").get_data(as_text=True)
    assert all(t.title in index for t in (asked, related, other))
    category = client.get("/board/c/B-11").get_data(as_text=True)
    assert asked.title in category and other.title not in category
    assert "先進事例等の情報共有" in category
    assert client.get("/board/c/Z-1").status_code == 404
    assert client.get("/board/?status=maybe").status_code == 400

    page = client.get(f"/board/topics/{asked.id}").get_data(as_text=True)
    related_part = page.split('id="related-heading"')[1]
    assert related.title in related_part and other.title not in related_part


def test_new_topic_preselects_the_category_of_the_page(client, people):
    client.login(people.town.email)
    html = client.get("/board/new?category=B-5").get_data(as_text=True)
    assert re.search(r'value="B-5"[^>]*checked|checked[^>]*value="B-5"', html)


def test_board_pages_have_an_english_mode(client, people, board):
    topic = board.topic(people.town)
    client.set_cookie("lang", "en")  # before any request: the tests share one app context
    client.login(people.ward.email)
    index = client.get("/board/").get_data(as_text=True)
    assert "Officials’ board" in index and "Browse by category" in index and "Moving to the countryside" in index
    page = client.get(f"/board/topics/{topic.id}").get_data(as_text=True)
    assert "Post the answer" in page and topic.title in page  # the writing keeps its language


def test_board_sync_repairs_the_index_like_search_sync(runner, people, board):
    from app.services.board import search as board_search

    topic = board.topic(people.town)
    board_search.get_engine().delete([topic.id])  # e.g. an old backup of the index restored
    result = runner.invoke(args=["board", "sync"])
    assert result.exit_code == 0, result.output
    assert "Board index was missing, broken or out of step: rebuilt with 1 topics." in result.output
    assert board_search.get_engine().doc_count() == 1
    again = runner.invoke(args=["board", "sync"])
    assert again.exit_code == 0 and "Board index is up to date." in again.output
