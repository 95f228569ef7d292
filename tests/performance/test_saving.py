"""A save answers before the index is written: the index queue is applied after the response,
the saver's next search still finds the change, and a process that dies in between loses
nothing (the queue is replayed)."""

import pytest
from sqlalchemy import func, select

import app.after_response as after_response_module
from app.extensions import db
from app.models import IndexQueue
from tests.test_postings import _form

# Whoosh is written after the commit; SEARCH_BACKEND=postgres writes the index in the save's own
# transaction (nothing to wait for or lose: tests/postgres/test_search_backend.py).
pytestmark = pytest.mark.search_backend("whoosh")


def _titles(client, q: str) -> list[str]:
    return [r["title"] for r in client.get(f"/api/v1/search?q={q}").get_json()["results"]]


def _queued() -> int:
    db.session.rollback()  # read what other sessions committed
    return db.session.scalar(select(func.count()).select_from(IndexQueue))


def test_the_index_is_written_after_the_response(client, users, postings, monkeypatch):
    posting = postings(code="131041", title="元の題名の交流")
    client.login(users.officer("131041").email)
    ran = []
    real_run = after_response_module._run
    monkeypatch.setattr(after_response_module, "_run", lambda app, pending: ran.append(_queued())
                        or real_run(app, pending))
    response = client.post_form(f"/postings/{posting.id}/edit",
                                _form(title="棚田で結ぶ新しい交流", officer=str(posting.officer_id)))
    assert response.status_code == 302
    assert ran == [1]  # after the response: the change was committed and still queued
    assert _queued() == 0
    assert "棚田で結ぶ新しい交流" in _titles(client.application.test_client(), "棚田")


def test_the_saver_finds_their_change_even_if_the_index_write_has_not_run(client, users, postings,
                                                                          monkeypatch):
    posting = postings(code="131041", title="元の題名の交流")
    client.login(users.officer("131041").email)
    monkeypatch.setattr(after_response_module, "_run", lambda app, pending: None)  # still writing
    client.post_form(f"/postings/{posting.id}/edit",
                     _form(title="棚田で結ぶ新しい交流", officer=str(posting.officer_id)))
    assert _queued() == 1
    assert "棚田で結ぶ新しい交流" in _titles(client, "棚田")  # their own search catches up first
    assert _queued() == 0


def test_nothing_is_lost_when_the_process_dies_before_the_index_write(client, users, postings,
                                                                      runner, monkeypatch):
    posting = postings(code="131041", title="元の題名の交流")
    client.login(users.officer("131041").email)
    monkeypatch.setattr(after_response_module, "_run", lambda app, pending: None)  # died
    client.post_form(f"/postings/{posting.id}/edit",
                     _form(title="棚田で結ぶ新しい交流", officer=str(posting.officer_id)))
    assert _queued() == 1
    reader = client.application.test_client()
    assert "棚田で結ぶ新しい交流" not in _titles(reader, "棚田")
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "棚田で結ぶ新しい交流" in _titles(reader, "棚田")
