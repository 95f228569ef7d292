"""A mail that cannot be built or is refused for good never blocks the outbox: it is isolated
as failed with its reason, shown to admins (page and CLI), who resend or drop it."""

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, OutboxMail
from app.services.contact import routing
from app.services.contact.routing import Sender
from app.services.mail import failures, outbox
from app.timestamps import utcnow
from tests.contact.conftest import pending


def _queue(n=1, to="someone@example.com"):
    rows = [outbox.enqueue(to, f"件名 {i}", f"本文 {i}", reason="test") for i in range(n)]
    db.session.commit()
    return rows


def _poisoned():
    """A row as the old code stored it: a subject that cannot be a mail header."""
    (row,) = _queue()
    row.subject = "件名\x0bX: 1\r\nBcc: a@example.com"
    db.session.commit()
    return row


def test_a_poisoned_row_is_isolated_and_the_others_are_delivered(runner, smtp):
    _queue()
    bad = _poisoned()
    _queue(to="other@example.com")
    result = runner.invoke(args=["mail", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "2 sent, 1 failed, 0 pending." in result.output and "1 given up" in result.output
    assert len(smtp.messages) == 2
    db.session.refresh(bad)
    assert bad.failed_at is not None and bad.sent_at is None
    assert "メールを組み立てられません" in bad.last_error and "ValueError" in bad.last_error
    status = runner.invoke(args=["mail", "status"])
    assert "0 pending, 0 retrying, 1 failed." in status.output
    assert f"FAILED   #{bad.id}" in status.output and "組み立てられません" in status.output
    # Not retried by later runs: it waits for an admin.
    assert outbox.deliver_due(now=utcnow() + timedelta(days=1)).failed == 0


def test_the_issue_reproduction_through_the_contact_form(client, users, postings, runner, smtp):
    officer = users.officer("131041")
    posting = postings(officer=officer.officer)
    data = {"name": "住民", "email": "r@example.com", "organisation": "", "website": "",
            "subject": "件名\x0b改行", "body": "本文"}
    assert client.post_form(f"/contact/postings/{posting.id}", data).status_code == 302
    result = runner.invoke(args=["mail", "deliver", "--once"])
    assert result.exit_code == 0 and "1 sent, 0 failed, 0 pending." in result.output
    assert str(smtp.messages[0]["Subject"]) == "【架け橋】お問い合わせ: 件名 改行"


def test_attempts_are_bounded_then_failed_with_the_reason(app, smtp, deliver):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    (row,) = _queue()
    smtp.mailbox.mode = "451 4.3.0 Try again later"
    now = utcnow()
    for step in range(5):
        deliver(now=now + timedelta(hours=step * 3))
    db.session.refresh(row)
    assert row.attempts == 3 and row.failed_at is not None and "451" in row.last_error
    smtp.mailbox.mode = "accept"
    assert deliver(now=now + timedelta(days=2)).sent == 0  # failed rows wait for an admin
    assert pending(db) == [row] and outbox.pending_count() == 0 and failures.failed_count() == 1


def test_a_permanent_refusal_fails_at_once_and_later_mail_still_goes(smtp, deliver):
    (bad,) = _queue()
    smtp.mailbox.mode = "550 5.1.1 No such user"
    report = deliver()
    assert (report.sent, report.failed, report.gave_up) == (0, 1, 1)
    db.session.refresh(bad)
    assert bad.attempts == 1 and bad.failed_at is not None and "550" in bad.last_error
    smtp.mailbox.mode = "accept"
    _queue(2, to="later@example.com")
    assert deliver().sent == 2 and len(smtp.messages) == 2


def test_admin_lists_resends_and_drops_failed_mail(client, users, smtp, deliver, new_client):
    bad = _poisoned()
    (other,) = _queue(to="x@example.com")
    other.failed_at, other.last_error = utcnow(), "SMTPDataError: (550, b'No such user')"
    db.session.commit()
    deliver()
    admin = users.admin()
    client.login(admin.email)
    assert "送信できなかったメール（2件）" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert f"/admin/mail/{bad.id}/resend" in page and "組み立てられません" in page and "No such user" in page

    assert client.post_form(f"/admin/mail/{bad.id}/resend", {}, token_from="/admin/mail").status_code == 302
    db.session.refresh(bad)
    assert bad.failed_at is None and bad.attempts == 0 and bad.subject == "件名 X: 1 Bcc: a@example.com"
    assert deliver().sent == 1  # cleaned on resend: it goes out now
    assert client.post_form(f"/admin/mail/{other.id}/drop", {}, token_from="/admin/mail").status_code == 302
    assert db.session.get(OutboxMail, other.id) is None
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.target_type == "outbox")).all()
    assert sorted(actions) == ["mail.drop", "mail.resend"]

    officer = users.officer()
    stranger = new_client()
    stranger.login(officer.email)
    assert stranger.get("/admin/mail").status_code == 403
    assert stranger.post_form(f"/admin/mail/{bad.id}/drop", {}, token_from="/accounts/password").status_code == 403
    assert client.post(f"/admin/mail/{bad.id}/drop").status_code == 400  # no CSRF token


def test_thread_messages_survive_a_failed_mail(users, postings, smtp, deliver):
    officer = users.officer("131041")
    thread = routing.contact_posting(postings(officer=officer.officer), Sender("住民", "r@example.com"), "", "質問")
    smtp.mailbox.mode = "550 5.1.1 No such user"
    deliver()
    assert db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.failed_at.is_not(None))) == 1
    assert thread.messages[0].body == "質問"  # the message itself is in the inbox regardless
