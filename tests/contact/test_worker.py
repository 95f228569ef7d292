"""`flask worker`: one pass delivers queued mail, applies queued index changes, runs the
digests and escalation, and records every job's run; a job leased by another worker is left
to it; SIGTERM ends the loop cleanly."""

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models import IndexQueue, JobRun, Thread
from app.models.base import utcnow
from app.services.contact import routing
from app.services.contact.routing import Sender
from app.services.mail import outbox
from app.services.search import indexing
from search_index import SearchQuery

ROOT = Path(__file__).resolve().parents[2]
JOBS = {"mail_delivery", "follow_digests", "escalation", "notice_digest", "search_sync", "board_sync",
        "index_check"}


def _found(title_word: str) -> list[int]:
    return [hit.id for hit in indexing.get_engine().search(SearchQuery(q=title_word)).hits]


def _old_thread(users, postings) -> Thread:
    officer = users.officer("131041")
    posting = postings(code="131041", officer=officer.officer)
    thread = routing.contact_posting(posting, Sender("住民 花子", "hanako@example.com"), "", "返事がない")
    thread.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    return thread


@pytest.mark.search_backend("whoosh")  # the worker process is configured by the environment's default
def test_one_pass_delivers_indexes_and_records(app, runner, smtp, postings):
    app.config["DIGEST_HOUR_JST"] = 0
    posting_id = postings(title="防災の取組").id
    outbox.enqueue("someone@city.example.jp", "件名", "本文です。")
    # A change the web process committed but did not get to write to the index (it died).
    db.session.execute(text("UPDATE postings SET title = '鍾乳洞の観光連携' WHERE id = :id"), {"id": posting_id})
    indexing.queue(posting_id)
    db.session.commit()
    assert _found("鍾乳洞") == [] and indexing.pending_count() == 1

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output

    assert [str(m["To"]) for m in smtp.messages] == ["someone@city.example.jp"]
    assert _found("鍾乳洞") == [posting_id]
    assert db.session.scalar(select(IndexQueue.posting_id)) is None
    runs = {row.name: row for row in db.session.scalars(select(JobRun))}
    assert set(runs) == JOBS
    assert all(row.finished_at is not None and row.ok for row in runs.values()), runs
    assert runs["mail_delivery"].sent == 1
    assert all(row.lease_until is None for row in runs.values())  # leases given back
    assert app.test_client().get("/readyz").get_json()["checks"]["digest_job"]["ok"] is True


def test_a_job_leased_by_another_worker_is_left_to_it(app, runner, smtp, users, postings):
    thread_id = _old_thread(users, postings).id
    db.session.add(JobRun(name="escalation", lease_until=utcnow() + timedelta(minutes=5),
                          lease_owner="other-host:1234"))
    db.session.commit()
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Thread, thread_id).escalated_at is None
    assert db.session.get(JobRun, "escalation").finished_at is None  # not run here

    db.session.get(JobRun, "escalation").lease_until = utcnow() - timedelta(seconds=1)  # it died
    db.session.commit()
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Thread, thread_id).escalated_at is not None
    assert db.session.get(JobRun, "escalation").lease_until is None


def test_failing_job_is_recorded_and_the_others_still_run(app, runner, smtp):
    smtp.stop()  # the SMTP server is down: delivery fails, the rest goes on
    outbox.enqueue("someone@city.example.jp", "件名", "本文です。")
    db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    runs = {row.name: row for row in db.session.scalars(select(JobRun))}
    assert runs["mail_delivery"].ok is False and runs["mail_delivery"].error == "1 not sent"
    assert runs["search_sync"].ok and runs["index_check"].ok


def test_mail_deliver_loop_is_the_workers_mail_jobs(app, runner):
    help_text = runner.invoke(args=["mail", "deliver", "--help"]).output
    assert "flask worker" in help_text


def test_sigterm_stops_the_loop_after_the_current_job(app, smtp):
    db.session.remove()
    env = {**os.environ, "KAKEHASHI_ENV": "testing", "FLASK_APP": "wsgi.py",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "worker", "--interval", "0.5"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().startswith("Worker: mail_delivery")
        # Wait until a first pass has recorded itself, then ask it to stop.
        deadline = datetime.now(UTC) + timedelta(seconds=60)
        while db.session.get(JobRun, "board_sync") is None and datetime.now(UTC) < deadline:
            db.session.remove()
            proc.poll()
            assert proc.returncode is None, proc.stderr.read()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out.strip().endswith("Worker stopped.")
