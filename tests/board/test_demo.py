"""The demo board that `make run` shows: enough topics across the survey's categories, written
and answered by officials of many municipalities, findable, with solved and open ones."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import BoardAnswer, BoardTopic, Category, OutboxMail, User
from app.services.board import search as board_search
from app.services.data.demo_board import TOWN_OFFICER
from tests.helpers import running_on_copy


@pytest.fixture
def demo(demo_site, tmp_path):
    """What loading the demo returned, in an app on a copy of the session's demo site."""
    template, result = demo_site
    with running_on_copy(template, tmp_path):
        yield result


def test_at_least_twenty_topics_with_answers_across_all_categories(demo):
    topics = db.session.scalars(select(BoardTopic)).all()
    assert demo["board"] == len(topics) >= 20
    answered = [t for t in topics if t.answers]
    assert len(answered) >= 20
    covered = {c.code for t in topics for c in t.categories}
    assert covered == set(db.session.scalars(select(Category.code)))  # all 21 survey categories
    assert {t.status for t in topics} == {"open", "solved"}
    assert any(t.is_closed for t in topics)  # one closed by a desk, as moderation looks


def test_written_by_officials_of_many_municipalities_and_linking_postings(demo):
    authors = db.session.scalars(select(BoardTopic.municipality_id)).all()
    answerers = db.session.scalars(select(BoardAnswer.municipality_id)).all()
    assert len(set(authors) | set(answerers)) >= 30
    kinds = {m.kind for t in db.session.scalars(select(BoardTopic)) for m in [t.municipality] if m}
    assert {"special_ward", "city", "town", "village"} <= kinds
    linked = [p for a in db.session.scalars(select(BoardAnswer)) for p in a.postings]
    assert len(linked) >= 20 and all(p.is_public for p in linked)
    assert all(a.created_at > a.topic.created_at for a in db.session.scalars(select(BoardAnswer)))


def test_loading_sends_no_mail_and_the_accounts_are_printed(demo):
    assert db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.user_id.in_(
        select(User.id).where(User.notify_mode == "none")))) == 0
    emails = [a["email"] for a in demo["accounts"]]
    assert TOWN_OFFICER in emails
    town = db.session.scalar(select(User).where(User.email == TOWN_OFFICER))
    assert town.municipality.kind == "town" and town.notify_mode == "immediate"
    ward = next(a for a in demo["accounts"] if a["role"] == "officer")
    ward_user = db.session.scalar(select(User).where(User.email == ward["email"]))
    assert ward_user.municipality.is_special_ward


def test_the_demo_board_is_indexed_and_findable(demo):
    town = db.session.scalar(select(User).where(User.email == TOWN_OFFICER))
    assert board_search.get_engine().doc_count() == db.session.scalar(select(func.count(BoardTopic.id)))
    found = board_search.search(town, board_search.BoardSearchParams(q="空き家"))
    assert found.total >= 1 and "空き家バンク" in found.hits[0].topic.title
    solved = board_search.search(town, board_search.BoardSearchParams(status="solved", per_page=100))
    assert solved.total == db.session.scalar(select(func.count(BoardTopic.id)).where(BoardTopic.status == "solved"))
