"""Board fixtures: officials of different municipalities, and a factory for topics/answers
that goes through the board services (so the index and the notices are real)."""

import pytest

from app.services.board import posts
from app.services.board.posts import TopicInput
from tests.follow.conftest import deliver, digest_hours, run_digests, smtp  # noqa: F401 (fixtures)

TOWN = "203033"     # 長野県 小海町
WARD = "131041"     # 新宿区
CITY = "072125"     # 福島県 南相馬市


@pytest.fixture(autouse=True)
def generous_limits(app):
    """Most tests write several times; the rate-limit tests set their own limit."""
    app.config["RATELIMIT_BOARD"] = "1000 per minute"
    app.config["RATELIMIT_CONTACT"] = "1000 per minute"


@pytest.fixture
def people(users, desk):
    """The cast: a town officer who asks, a ward officer and a city officer who answer, a
    ward desk and an admin who moderate."""
    class Cast:
        town = users.officer(TOWN, email="sato@koumi.example.jp", name="佐藤 花子")
        ward = users.officer(WARD, email="tanaka@shinjuku.example.jp", name="田中 一郎")
        city = users.officer(CITY, email="suzuki@minamisoma.example.jp", name="鈴木 次郎")
        liaison = users.liaison(desk(WARD), email="madoguchi@shinjuku.example.jp")
        admin = users.admin(email="admin@kakehashi.example.jp")
    return Cast


class Board:
    def topic(self, author, title="空き家の略式代執行、どう進めましたか", body="所有者不明の空き家について教えてください。",
              categories=("B-11",), tags=("空き家",), **kw):
        return posts.create_topic(
            TopicInput(title=title, body=body, categories=posts.categories_by_code(list(categories)),
                       tags=list(tags), **kw),
            author,
        )

    def answer(self, topic, author, body="私たちの区では、まず公示送達から始めました。", postings=()):
        return posts.add_answer(topic, body, author, list(postings))


@pytest.fixture
def board(app) -> Board:
    return Board()
