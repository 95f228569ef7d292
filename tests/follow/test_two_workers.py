"""Two real worker processes on one database: every person gets each period's digest once."""

import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.models import Digest, DigestItem, OutboxMail
from app.models.base import utcnow
from app.services.follow import follows

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 20


def _start(app, smtp, *args):
    env = {
        **os.environ,
        "KAKEHASHI_ENV": "testing", "FLASK_APP": "wsgi.py",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "SEARCH_BACKEND": app.config["SEARCH_BACKEND"],
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port),
        "SITE_URL": "http://kakehashi.test", "DIGEST_HOUR_JST": "0",
    }
    return subprocess.Popen([sys.executable, "-m", "flask", "mail", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _write_lock(url: str):
    """Hold every table write-locked (reads go on), as SQLite's BEGIN IMMEDIATE does;
    returns the function that lets go."""
    if url.startswith("sqlite"):
        lock = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        return lambda: (lock.execute("COMMIT"), lock.close())
    engine = create_engine(url)
    conn = engine.connect()
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    conn.execute(text(f"lock table {tables} in exclusive mode"))
    return lambda: (conn.commit(), conn.close(), engine.dispose())


def _both(app, smtp, *args) -> list[str]:
    """Run two workers at once. The database is write-locked while they start, so that both
    are past their start-up and waiting when it opens: they then really race."""
    release = _write_lock(app.config["SQLALCHEMY_DATABASE_URI"])
    workers = [_start(app, smtp, *args) for _ in range(2)]
    time.sleep(2.5)
    release()
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        outputs.append(out)
    return outputs


def test_two_worker_processes_send_each_digest_once(app, users, postings, smtp):
    people = [users.officer(email=f"person{i}@example.jp") for i in range(PEOPLE)]
    for person in people:
        follows.save_search(person, "防災", {})
        follows.follow_value(person, "category", "A-1")
    for i in range(3):
        postings(title=f"防災の取組 {i}", categories=["B-5"])
        postings(title=f"移住の取組 {i}", categories=["A-1"])
    emails = sorted(p.email for p in people)
    db.session.commit()
    db.session.remove()  # the workers get the database to themselves
    now = (utcnow() + timedelta(seconds=1)).isoformat()

    outputs = _both(app, smtp, "follow-digests", "--now", now)
    made = [int(line.split(":")[1].split()[0]) for out in outputs for line in out.splitlines()
            if line.startswith("daily:")]
    assert sum(made) == PEOPLE  # between them, not each
    assert db.session.scalar(select(func.count(Digest.id))) == PEOPLE
    assert db.session.scalar(select(func.count(DigestItem.id))) == PEOPLE * 6
    assert db.session.scalar(select(func.count(OutboxMail.id))) == PEOPLE

    _both(app, smtp, "deliver", "--once")
    assert sorted(str(m["To"]) for m in smtp.messages) == emails
    assert all("（6件）" in str(m["Subject"]) for m in smtp.messages)

    _both(app, smtp, "follow-digests", "--now", now)  # the same period again: nothing
    _both(app, smtp, "deliver", "--once")
    assert len(smtp.messages) == PEOPLE
