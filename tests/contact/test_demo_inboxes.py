"""What a new user meets after `make run`: the demo ward officer and the ward's liaison desk
each find messages waiting in their inbox (to read, reply to, triage and forward), with the
unread count shown, and loading the demo twice adds none."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Thread
from app.services.data.demo import DEMO_DIR, DEMO_LIAISON, DEMO_PASSWORD, load_threads
from tests.databases import drop_copy
from tests.helpers import WebClient, app_on_template_copy


@pytest.fixture
def demo_app(demo_site, tmp_path):
    """An app on a copy of the session's demo site, and what loading the demo returned."""
    template, result = demo_site
    app = app_on_template_copy(template, tmp_path)
    yield app, result
    with app.app_context():
        db.engine.dispose()
    drop_copy(app.config["SQLALCHEMY_DATABASE_URI"])


def _inbox(app, email: str) -> str:
    with app.app_context():
        client = WebClient(app.test_client())
        client.login(email, DEMO_PASSWORD)
        response = client.get("/contact/inbox")
        assert response.status_code == 200
        return response.get_data(as_text=True)


def test_the_demo_officer_and_the_desk_have_messages_waiting(demo_app):
    app, result = demo_app
    officer = next(a for a in result["accounts"] if a["role"] == "officer")  # printed first by make run
    officer_inbox = _inbox(app, officer["email"])
    assert "脱炭素の包括連携協定について" in officer_inbox and "産地訪問に区民も参加できますか" in officer_inbox
    assert 'unread-count" aria-hidden="true">2<' in officer_inbox  # both unread, counted in the header
    desk_inbox = _inbox(app, DEMO_LIAISON)
    assert "交流のある町の物産展について" in desk_inbox  # sent to the ward, for the desk to forward


def test_loading_the_demo_threads_again_adds_none(demo_app):
    app, _ = demo_app
    with app.app_context():
        before = db.session.scalar(select(func.count(Thread.id)))
        assert load_threads(DEMO_DIR / "threads.jsonl") == 0
        assert db.session.scalar(select(func.count(Thread.id))) == before
        db.session.remove()
