"""Officials only: residents get a 404 on every board page, and no board text reaches the public
through the main search, its facets, the API, the feeds, the sitemap or any count. Hidden
topics and answers stay out of what other officials see."""

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import BoardTopic
from app.opendata.views import CSV_NAME, JSONL_NAME
from app.services.board import search as board_search
from app.services.search import indexing

SECRET = "秘密語ムササビ"  # a word that appears only in board text
OPEN_DATA_FILES = (f"/opendata/{CSV_NAME}", f"/opendata/{JSONL_NAME}")


@pytest.fixture
def secret_topic(people, board):
    topic = board.topic(people.town, title=f"{SECRET}の略式代執行", body=f"本文にも{SECRET}があります。",
                        categories=("A-2",), tags=(SECRET,))
    board.answer(topic, people.ward, body=f"回答にも{SECRET}と書きます。")
    return topic


def _board_urls(topic) -> list[str]:
    answer = topic.answers[0].id
    return [
        "/board/", "/board/c/A-2", f"/board/search?q={SECRET}", "/board/new", "/board/notices",
        "/board/moderation", f"/board/topics/{topic.id}", f"/board/topics/{topic.id}/edit",
        f"/board/topics/{topic.id}/report", f"/board/topics/{topic.id}/contact",
        f"/board/answers/{answer}/edit", f"/board/answers/{answer}/report", f"/board/answers/{answer}/contact",
        "/board/topics/999999", "/board/c/Z-9", "/board/no-such-page",
    ]


def test_residents_get_404_on_every_board_page(client, secret_topic):
    for url in _board_urls(secret_topic):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.get_data(as_text=True), url


def test_residents_get_404_on_every_board_form_even_with_a_valid_token(client, secret_topic):
    answer = secret_topic.answers[0].id
    posts = [
        ("/board/new", {"title": "x", "body": "y", "categories": ["A-1"], "kind": "question"}),
        (f"/board/topics/{secret_topic.id}/answers", {"body": "y"}),
        (f"/board/answers/{answer}/mark", {"mark": "solution"}),
        (f"/board/topics/{secret_topic.id}/moderate", {"action": "hide", "reason": "r"}),
        (f"/board/answers/{answer}/report", {"reason": "other"}),
        (f"/board/topics/{secret_topic.id}/contact", {"name": "n", "email": "a@example.jp", "body": "b"}),
    ]
    for url, data in posts:
        assert client.post_form(url, data, token_from="/").status_code == 404, url
    assert db.session.scalar(select(BoardTopic).where(BoardTopic.title == "x")) is None


def test_nothing_of_the_board_reaches_public_search_api_feeds_or_sitemap(client, people, secret_topic):
    public = [
        f"/search/?q={SECRET}", f"/search/?q={SECRET}&status=archived", "/search/?q=略式代執行",
        f"/api/v1/search?q={SECRET}", "/api/v1/search?q=略式代執行", "/api/v1/search?category=A-2",
        "/feeds/postings.atom", "/sitemap.xml", "/", "/postings/", "/municipalities", "/m/203033",
        "/search/?category=A-2", "/api/v1/postings", "/opendata/", *OPEN_DATA_FILES,
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        # Search pages echo the query itself; no title, no text, no link, no pointer may show.
        for leak in (secret_topic.title, "本文にも", "回答にも", "職員掲示板にも", "/board/"):
            assert leak not in body, (url, leak)
    found = json.loads(client.get(f"/api/v1/search?q={SECRET}").get_data(as_text=True))
    assert found["total"] == 0
    # Officials do not get board topics mixed into the postings search or the API either:
    # the main index never holds them (they get a pointer to the board search instead).
    client.login(people.ward.email)
    assert json.loads(client.get(f"/api/v1/search?q={SECRET}").get_data(as_text=True))["total"] == 0
    html = client.get(f"/search/?q={SECRET}").get_data(as_text=True)
    assert "職員掲示板にも「秘密語ムササビ」の話題が1件あります" in html
    assert secret_topic.title not in html  # a pointer, not the topics themselves
    assert SECRET not in client.get("/feeds/postings.atom").get_data(as_text=True)


def test_the_board_has_its_own_index_and_the_main_one_holds_no_topic(app, secret_topic):
    assert app.config["BOARD_INDEX_DIR"] != app.config["SEARCH_INDEX_DIR"]
    assert board_search.get_engine().doc_count() == 1
    assert indexing.get_engine().doc_count() == 0
    from search_index import SearchQuery

    for audience in ("public", "official"):
        result = indexing.get_engine().search(SearchQuery(q=SECRET, audience=audience))
        assert result.total == 0
    # Even asked for the public, the board index has nothing to give; nor do suggestions.
    assert board_search.get_engine().search(SearchQuery(q=SECRET, audience="public")).total == 0
    assert board_search.get_engine().suggest(SECRET[:3], audience="official") == [secret_topic.title]
    assert board_search.get_engine().suggest(SECRET[:3], audience="public") == []
    assert indexing.get_engine().suggest(SECRET[:3], audience="public") == []
    assert indexing.get_engine().suggest(SECRET[:3], audience="official") == []


def test_board_search_is_for_officials_and_finds_answers_too(client, people, board, secret_topic):
    assert board_search.search(None, board_search.BoardSearchParams(q=SECRET)).total == 0
    client.login(people.city.email)
    html = client.get("/board/search?q=回答にも").get_data(as_text=True)
    assert secret_topic.title in html and "<mark>" in html


def test_hidden_topics_and_answers_leave_other_officials_lists_search_and_counts(client, people, board, secret_topic):
    from app.services.board import moderation

    def category_box():
        html = client.get("/board/").get_data(as_text=True)
        return html.split('href="/board/c/A-2"')[1].split("</li>")[0]

    client.login(people.city.email)
    assert "話題 1件" in category_box()
    moderation.hide(secret_topic, "個人情報が含まれていたため", people.liaison)
    for url in ("/board/", "/board/c/A-2", f"/board/search?q={SECRET}", f"/search/?q={SECRET}"):
        html = client.get(url).get_data(as_text=True)
        assert secret_topic.title not in html and "職員掲示板にも" not in html, url
    assert client.get(f"/board/topics/{secret_topic.id}").status_code == 404
    assert "話題 0件" in category_box()
    client.logout()
    # The author and the moderators still see it, with the reason.
    for who in (people.town, people.liaison):
        client.login(who.email)
        page = client.get(f"/board/topics/{secret_topic.id}").get_data(as_text=True)
        assert "個人情報が含まれていたため" in page
        client.logout()


def test_a_hidden_answer_is_a_placeholder_for_others(client, people, board):
    from app.services.board import moderation

    topic = board.topic(people.town)
    answer = board.answer(topic, people.ward, body=f"{SECRET}の電話番号は…")
    moderation.hide(answer, "個人情報のため", people.admin)
    client.login(people.city.email)
    page = client.get(f"/board/topics/{topic.id}").get_data(as_text=True)
    assert SECRET not in page and "この回答は管理担当により非表示になりました" in page
    assert topic.title not in client.get(f"/board/search?q={SECRET}").get_data(as_text=True)


def test_people_are_named_never_by_address(client, people, board):
    topic = board.topic(people.town)
    board.answer(topic, people.ward)
    client.login(people.city.email)
    for url in ("/board/", f"/board/topics/{topic.id}", "/board/search?q=空き家",
                f"/board/topics/{topic.id}/contact"):
        html = client.get(url).get_data(as_text=True)
        for address in (people.town.email, people.ward.email):
            assert address not in html, url
