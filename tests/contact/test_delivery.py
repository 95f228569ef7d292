"""The outbox worker against a real SMTP server: refusals, outages, concurrency, CLI."""

import threading
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMail
from app.models.base import utcnow
from app.services.mail import outbox
from tests.contact.conftest import pending


def _queue(n=1, to="someone@example.com"):
    rows = [outbox.enqueue(to, f"件名 {i}", f"本文 {i}", reason="test") for i in range(n)]
    db.session.commit()
    return rows


def test_refused_then_accepted_is_delivered_exactly_once(smtp, deliver):
    (row,) = _queue()
    smtp.mailbox.mode = "451 4.3.0 Try again later"
    report = deliver()
    assert (report.sent, report.failed) == (0, 1)
    db.session.refresh(row)
    assert row.sent_at is None and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=20)  # backed off
    assert deliver().sent == 0  # not due yet: no hammering the server

    smtp.mailbox.mode = "accept"
    later = utcnow() + timedelta(minutes=5)
    assert deliver(now=later).sent == 1
    assert deliver(now=later + timedelta(hours=2)).sent == 0
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["Message-ID"] == row.message_id
    db.session.refresh(row)
    assert row.sent_at is not None and row.attempts == 2


def test_server_down_for_a_while_then_everything_once(smtp, deliver):
    rows = _queue(3)
    smtp.stop()
    now = utcnow()
    for step in range(3):  # three failed rounds, growing back-off
        deliver(now=now + timedelta(hours=step * 2))
    attempts = [db.session.get(OutboxMail, r.id).attempts for r in rows]
    assert attempts == [3, 3, 3]
    first = db.session.get(OutboxMail, rows[0].id)
    assert outbox.backoff(3) == timedelta(seconds=120)
    assert "Connection refused" in first.last_error

    smtp.start()
    assert deliver(now=now + timedelta(days=1)).sent == 3
    assert deliver(now=now + timedelta(days=2)).sent == 0
    assert sorted(str(m["Subject"]) for m in smtp.messages) == ["件名 0", "件名 1", "件名 2"]
    assert len({m["Message-ID"] for m in smtp.messages}) == 3
    assert pending(db) == []


def test_two_workers_never_send_the_same_row(app, smtp):
    _queue(12)
    errors = []

    def worker():
        try:
            with app.app_context():
                outbox.deliver_due()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(smtp.messages) == 12
    assert len({m["Message-ID"] for m in smtp.messages}) == 12


def test_a_leased_row_is_not_taken_by_another_worker(smtp, deliver):
    (row,) = _queue()
    now = utcnow()
    assert outbox._claim(row.id, now)  # worker A holds the lease (e.g. mid-send)
    assert deliver(now=now).sent == 0  # worker B skips it
    assert deliver(now=now + timedelta(minutes=5)).sent == 1  # lease expired: A died


def test_mail_headers_and_plain_text(smtp, deliver):
    _queue(to="a@example.com")
    deliver()
    (mail,) = smtp.messages
    assert mail.get_content_type() == "text/plain"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert "no-reply@kakehashi.example.jp" in str(mail["From"])


def test_cli_deliver_once(runner, smtp):
    _queue(2)
    result = runner.invoke(args=["mail", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "2 sent, 0 failed, 0 pending." in result.output
    assert len(smtp.messages) == 2
    status = runner.invoke(args=["mail", "status"])
    assert "0 pending, 0 retrying, 0 failed." in status.output


def test_sent_rows_stay_sent(smtp, deliver):
    _queue()
    deliver()
    assert db.session.scalar(select(OutboxMail.sent_at)) is not None
