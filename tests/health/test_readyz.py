"""/readyz: 200 when this process may take traffic, 503 naming the failing check otherwise."""

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.models import IndexQueue, JobRun, OutboxMail
from app.models.base import utcnow
from app.services.health import readiness
from app.services.search import indexing
from app.sqlcount import counting_statements
from config import TestingConfig


@pytest.fixture
def ready_app(app, postings):
    postings(title="防災訓練の相互応援")
    indexing.ensure_index()
    db.session.commit()
    return app


def readyz(client):
    response = client.get("/readyz")
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def test_ready_app_answers_200_with_every_check_ok(ready_app, client):
    status, body = readyz(client)
    assert status == 200, body
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "migrations", "index_queue", "mail", "digest_job",
                                   "search_index"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_is_one_statement_and_never_cached(ready_app, client):
    client.get("/readyz")  # the head revision is read from the scripts once per process
    with counting_statements(db.engine) as statements:
        client.get("/readyz")
    assert len(statements) == 1, statements
    db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    db.session.commit()
    assert client.get("/readyz").status_code == 503  # not a cached 200


def test_stale_index_queue_fails_index_queue(ready_app, client):
    db.session.add(IndexQueue(posting_id=999_999, queued_at=utcnow() - timedelta(minutes=11)))
    db.session.commit()
    status, body = readyz(client)
    assert status == 503
    assert body["failing"] == ["index_queue"]
    assert body["checks"]["index_queue"]["oldest_age_s"] >= 660


def test_scope_web_fails_only_on_what_a_web_host_needs(ready_app, client):
    """A late worker (mail overdue) is shared by every host: a load balancer asking
    scope=web keeps the hosts; the plain check still fails for monitoring."""
    _mail(utcnow() - timedelta(minutes=16))
    response = client.get("/readyz?scope=web")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["failing"] == [] and body["checks"]["mail"]["ok"] is False
    assert client.get("/readyz").status_code == 503
    db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    db.session.commit()
    response = client.get("/readyz?scope=web")
    assert response.status_code == 503 and response.get_json()["failing"] == ["migrations"]
    assert client.get("/readyz?scope=everything").status_code == 400


def test_fresh_queue_entry_is_fine(ready_app, client):
    db.session.add(IndexQueue(posting_id=999_999, queued_at=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    assert readyz(client)[0] == 200


def _mail(due_at, **values):
    mail = OutboxMail(message_id=f"<{due_at.timestamp()}@test>", to_addr="someone@city.example.jp",
                      subject="件名", body="本文", next_attempt_at=due_at, **values)
    db.session.add(mail)
    db.session.commit()


def test_overdue_mail_fails_mail_without_naming_anyone(ready_app, client):
    _mail(utcnow() - timedelta(minutes=16))
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["mail"]
    assert "someone" not in client.get("/readyz").get_data(as_text=True)


def test_mail_waiting_for_a_retry_or_given_up_is_not_overdue(ready_app, client):
    _mail(utcnow() + timedelta(minutes=30), attempts=3)  # backing off: not due
    _mail(utcnow() - timedelta(hours=5), failed_at=utcnow())  # failed: admins' list, not the worker's
    _mail(utcnow() - timedelta(hours=5), digest=True)  # waits for the daily digest
    assert readyz(client)[0] == 200


def test_migrations_behind_fail_migrations(ready_app, client):
    heads = readiness.migration_heads()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0010_partnerships'"))
    db.session.commit()
    assert "0010_partnerships" not in heads
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["migrations"]


def test_a_schema_far_behind_fails_migrations_not_database(ready_app, client):
    db.session.execute(text("DROP TABLE board_index_queue"))  # as before migration 0004
    db.session.execute(text("UPDATE alembic_version SET version_num = '0003_event_times_utc'"))
    db.session.commit()
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["migrations"]
    assert body["checks"]["database"] == {"ok": True}


def test_digest_job_late_only_after_its_period(ready_app, client):
    # A fresh install: no record yet, and the process started just now.
    digest_job = readyz(client)[1]["checks"]["digest_job"]
    assert digest_job["ok"] is True and digest_job["never_ran"] is True
    ready_app.extensions[readiness.STARTED_KEY] = utcnow() - timedelta(minutes=31)
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["digest_job"]
    db.session.add(JobRun(name="follow_digests", finished_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    assert readyz(client)[0] == 200
    db.session.execute(text("UPDATE job_runs SET finished_at = :t"), {"t": utcnow() - timedelta(minutes=40)})
    db.session.commit()
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["digest_job"]


@pytest.mark.search_backend("whoosh")  # Whoosh's files removed
def test_removed_search_index_fails_search_index(ready_app, client, monkeypatch):
    assert readyz(client)[0] == 200
    monkeypatch.setattr(readiness, "SEARCH_CHECK_EVERY", 0)  # not this process's last answer
    shutil.rmtree(ready_app.config["SEARCH_INDEX_DIR"])
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["search_index"]


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-dir/kakehashi.sqlite3",  # the file cannot be opened
    "postgresql+psycopg://kakehashi:secret-password@127.0.0.1:9/kakehashi",  # nothing listens
])
def test_unreachable_database_fails_database_and_says_nothing_more(tmp_path, url):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=str(tmp_path / "idx"))
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["failing"][0] == "database"
    assert body["checks"]["migrations"] == {"ok": None, "skipped": True}
    text_ = response.get_data(as_text=True)
    assert "secret-password" not in text_ and "nonexistent" not in text_ and "9/" not in text_
