"""The mail outbox: notifications are rows written in the same transaction as their cause,
sent later by `flask mail deliver`.

Delivery guarantees:
- nothing is lost: a row stays pending until an SMTP server accepted it;
- exactly once in practice: a worker claims a row with a conditional UPDATE (a lease on
  `next_attempt_at`), so two workers never send the same row; the row is marked sent right
  after the server accepted it; the Message-ID is fixed when the row is written, so in the
  one unavoidable window (crash between "accepted" and "marked sent") the duplicate carries
  the same Message-ID and mail clients fold it;
- failures back off exponentially (MAIL_RETRY_BASE seconds, doubled per attempt, capped at
  MAIL_RETRY_MAX); after MAIL_MAX_ATTEMPTS, or at once for a permanent refusal (5xx for the
  recipient or the message) or a row that cannot be built into a message, the row is *failed*
  (`failed_at`, reason in `last_error`) and waits for an admin (services/mail/failures.py);
- no row ever stops the others: every error is caught, recorded and counted per row.
"""

import logging
import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, parseaddr

from flask import current_app
from sqlalchemy import select, update

from app.cleantext import single_line
from app.extensions import db
from app.models import OutboxMail, User
from app.models.base import utcnow

log = logging.getLogger(__name__)

REDACTED = "（送信済みのため省略）"

# RFC 2369 headers: a list of <URL>s. Python's folding turns a URL longer than a line into
# RFC 2047 encoded words, which mail clients do not read as a link (so one-click unsubscribe
# would never be offered); these are folded between the URLs instead, never encoded.
URL_LIST_HEADERS = {"list-unsubscribe", "list-help", "list-subscribe", "list-post", "list-owner",
                    "list-archive"}


class _MailPolicy(EmailPolicy):
    def _fold_url_list(self, name: str, value) -> str:
        urls = re.split(r"(?<=>)\s*,\s*", " ".join(str(value).split()))
        return f"{name}: " + ("," + self.linesep + " ").join(urls) + self.linesep

    def fold(self, name, value):
        if name.lower() in URL_LIST_HEADERS:
            return self._fold_url_list(name, value)
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in URL_LIST_HEADERS:
            return self._fold_url_list(name, value).encode("ascii")
        return super().fold_binary(name, value)


MAIL_POLICY = _MailPolicy()  # otherwise email.policy.default


def _domain() -> str:
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2] or "kakehashi.invalid"


def enqueue(to_addr: str, subject: str, body: str, *, reason: str = "", user: User | None = None,
            thread=None, secrets: list[str] | None = None, force_immediate: bool = False,
            headers: dict[str, str] | None = None) -> OutboxMail | None:
    """Add a mail to the session (the caller commits it with whatever caused it).

    A user's notify_mode decides: immediate, bundled into the daily digest, or not mailed
    (the platform inbox still has everything). `secrets` (private link tokens) are removed
    from the stored body once the mail has been sent. `headers` are added to the message as
    they are (e.g. List-Unsubscribe).
    """
    mode = user.notify_mode if user is not None else "immediate"
    if (mode == "none" and not force_immediate) or not to_addr.strip():
        return None  # (an officer record without an address: their desk is told instead)
    mail = OutboxMail(
        message_id=f"<{uuid.uuid4().hex}@{_domain()}>",
        # Headers are one line: whatever reaches here, the row can always be built and sent.
        to_addr=single_line(to_addr), subject=single_line(subject)[:200], body=body,
        reason=single_line(reason)[:200],
        user_id=user.id if user is not None else None,
        digest=(mode == "digest" and not force_immediate),
        extra={**({"secrets": secrets} if secrets else {}), **({"headers": headers} if headers else {})},
        attempts=0, next_attempt_at=utcnow(), last_error="",
    )
    if thread is not None:
        mail.thread_id = thread.id
    db.session.add(mail)
    return mail


# --- sending -----------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # attempts that did not succeed (retried later, or given up)
    gave_up: int = 0  # of those, rows now failed for good
    errors: list[str] = field(default_factory=list)


def _lease_seconds() -> int:
    return int(current_app.config.get("MAIL_TIMEOUT", 10)) * 3 + 60


def backoff(attempts: int) -> timedelta:
    base = float(current_app.config.get("MAIL_RETRY_BASE", 30))
    cap = float(current_app.config.get("MAIL_RETRY_MAX", 3600))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _due_ids(now: datetime, limit: int) -> list[int]:
    return list(db.session.scalars(
        select(OutboxMail.id)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None),
               OutboxMail.digest.is_(False), OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
    ))


def _claim(mail_id: int, now: datetime) -> bool:
    """Take a lease on one row; False if another worker has it or it was sent meanwhile."""
    result = db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.sent_at.is_(None),
               OutboxMail.failed_at.is_(None), OutboxMail.next_attempt_at <= now)
        .values(next_attempt_at=now + timedelta(seconds=_lease_seconds()),
                attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def build_message(mail: OutboxMail) -> EmailMessage:
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Message-ID"] = mail.message_id
    msg["Date"] = format_datetime(mail.created_at)
    msg["Auto-Submitted"] = "auto-generated"
    if mail.reason:
        msg["X-Kakehashi-Reason"] = mail.reason
    for name, value in ((mail.extra or {}).get("headers") or {}).items():
        msg[name] = value
    msg.set_content(mail.body, charset="utf-8")
    return msg


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    timeout = cfg.get("MAIL_TIMEOUT", 10)
    if cfg.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
    if cfg.get("MAIL_USERNAME"):
        smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
    return smtp


def _mark_sent(mail_id: int) -> None:
    mail = db.session.get(OutboxMail, mail_id)
    mail.sent_at = utcnow()
    mail.last_error = ""
    secrets = (mail.extra or {}).get("secrets") or []
    for secret in secrets:
        mail.body = mail.body.replace(secret, REDACTED)
    if secrets:
        mail.extra = {k: v for k, v in mail.extra.items() if k != "secrets"}
    db.session.commit()


def _mark_failed(mail_id: int, error: str, now: datetime, *, permanent: bool) -> bool:
    """Record a failed attempt; True when the row is now failed for good."""
    mail = db.session.get(OutboxMail, mail_id)
    mail.last_error = error[:2000]
    give_up = permanent or mail.attempts >= int(current_app.config.get("MAIL_MAX_ATTEMPTS", 12))
    if give_up:
        mail.failed_at = now
        log.error("mail %s to %s failed for good after %s attempt(s): %s",
                  mail.message_id, mail.to_addr, mail.attempts, error)
    else:
        mail.next_attempt_at = now + backoff(mail.attempts)
    db.session.commit()
    return give_up


def _refused_for_good(exc: Exception) -> bool:
    """A 5xx for the recipient(s) or the message itself: sending it again cannot help.
    (A refused sender or login is the server's configuration: every row would fail, so those
    are retried like an outage.)"""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return isinstance(exc, UnicodeError | ValueError)  # the message cannot be encoded


def deliver_due(limit: int = 100, now: datetime | None = None) -> DeliveryReport:
    """Send every due immediate mail once (one SMTP connection per batch)."""
    now = now or utcnow()
    report = DeliveryReport()
    smtp = None
    try:
        for mail_id in _due_ids(now, limit):
            if not _claim(mail_id, now):
                continue
            mail = db.session.get(OutboxMail, mail_id)
            db.session.refresh(mail)
            try:
                message = build_message(mail)
            except Exception as exc:  # noqa: BLE001 - a row that cannot be built is failed, never blocking
                error = f"メールを組み立てられません（{type(exc).__name__}: {exc}）"
                report.failed += 1
                report.gave_up += _mark_failed(mail_id, error, now, permanent=True)
                report.errors.append(error)
                continue
            try:
                if smtp is None:
                    smtp = _connect()
                smtp.send_message(message)
            except Exception as exc:  # noqa: BLE001 - recorded on the row; the others go on
                error = f"{type(exc).__name__}: {exc}"
                log.warning("mail %s to %s not sent: %s", mail.message_id, mail.to_addr, error)
                report.failed += 1
                report.gave_up += _mark_failed(mail_id, error, now, permanent=_refused_for_good(exc))
                report.errors.append(error)
                if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                    _close(smtp)
                    smtp = None  # connection-level trouble: a fresh connection next time
                continue
            _mark_sent(mail_id)
            report.sent += 1
    finally:
        _close(smtp)
    return report


def _close(smtp) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def pending_count() -> int:
    """Rows still to be sent (failed ones are counted by failures.failed_count)."""
    from sqlalchemy import func

    return db.session.scalar(
        select(func.count(OutboxMail.id)).where(OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None))
    ) or 0
