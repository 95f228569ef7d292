"""The officials' board on PostgreSQL: writes, marks, the grouped counts and related-topic
queries, the digest entry point and moderation."""

from datetime import timedelta

import pytest
from flask_migrate import upgrade

from app.extensions import db
from app.services.board import listing, moderation, posts
from app.services.board.digest import new_board_items_since
from app.services.board.posts import TopicInput
from app.services.data.reference import load_reference_data
from app.timestamps import utcnow
from tests.helpers import UserFactory

pytestmark = pytest.mark.postgres


def test_board_works_on_postgresql(pg_app):
    upgrade()
    load_reference_data()
    people = UserFactory()
    town, ward, city = people.officer("203033"), people.officer("131041"), people.officer("072125")
    admin = people.admin()
    since = utcnow() - timedelta(minutes=1)

    def topic(author, title, codes, tags):
        return posts.create_topic(TopicInput(title, "本文です。", posts.categories_by_code(codes), tags), author)

    asked = topic(town, "空き家の略式代執行", ["B-11", "A-1"], ["空き家"])
    other = topic(city, "空き家バンクの登録", ["A-1"], ["空き家"])
    topic(ward, "防災協定", ["B-5"], ["防災"])
    answer = posts.add_answer(asked, "区ではこうしました。", ward)
    posts.mark_answer(answer, "solution", town)
    assert asked.status == "solved"

    counts = {c.category.code: (c.topics, c.open) for c in listing.category_counts(city)}
    assert counts["A-1"] == (2, 1) and counts["B-5"] == (1, 1) and counts["A-2"] == (0, 0)
    assert listing.sharing_labels(city, asked)[0].id == other.id
    assert [t.title for t in db.session.scalars(listing.topics(city, listing.TopicFilters(tag="防災")))] == ["防災協定"]
    assert listing.answer_counts([asked.id, other.id]) == {asked.id: 1}
    assert {i.kind for i in new_board_items_since(city, since, ["B-11"])} == {"topic", "answer"}

    moderation.hide(other, "重複", admin)
    counts = {c.category.code: c.topics for c in listing.category_counts(city)}
    assert counts["A-1"] == 1


def test_board_search_on_the_postgres_backend(pg_app, tmp_path):
    """SEARCH_BACKEND=postgres: the board's index is tables of its own in the database,
    found by another host at once; its public audience still finds nothing."""
    from app import create_app
    from app.services.board import search as board_search
    from config import TestingConfig
    from search_index import SearchQuery

    pg_app.config["SEARCH_BACKEND"] = "postgres"
    upgrade()
    load_reference_data()
    people = UserFactory()
    town, ward = people.officer("203033"), people.officer("131041")
    topic = posts.create_topic(TopicInput("ゼクスペリオン川の略式代執行", "本文です。",
                                          posts.categories_by_code(["B-11"]), ["空き家"]), town)
    posts.add_answer(topic, "区ではこうしました。", ward)
    assert board_search.get_engine().transactional and board_search.pending_count() == 0
    params = board_search.BoardSearchParams(q="ゼクスペリオン")
    assert [h.topic.id for h in board_search.search(ward, params).hits] == [topic.id]
    assert board_search.get_engine().search(SearchQuery(q="ゼクスペリオン", audience="public")).total == 0
    other = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=pg_app.config["SQLALCHEMY_DATABASE_URI"],
                       SEARCH_INDEX_DIR=str(tmp_path / "other-host"), SEARCH_BACKEND="postgres")
    with other.app_context():
        assert board_search.search(db.session.get(type(ward), ward.id), params).total == 1
        db.session.remove()
        db.engine.dispose()
    moderation.hide(topic, "確認", people.admin())
    assert board_search.search(ward, params).total == 0
    assert board_search.rebuild() == 0
