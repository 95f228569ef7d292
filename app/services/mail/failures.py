"""Mail the outbox gave up on: listed for admins, who resend it (e.g. after fixing an address
or when the server is back) or drop it. Both are audited."""

from sqlalchemy import func, select

from app import permissions
from app.cleantext import single_line
from app.extensions import db
from app.models import AuditLog, OutboxMail
from app.timestamps import utcnow


def failed_query():
    return select(OutboxMail).where(OutboxMail.failed_at.is_not(None), OutboxMail.sent_at.is_(None))


def failed_count() -> int:
    return db.session.scalar(failed_query().with_only_columns(func.count(OutboxMail.id))) or 0


def retrying_query():
    """Pending rows whose last attempt failed (they are retried on their own)."""
    return select(OutboxMail).where(OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None),
                                    OutboxMail.last_error != "")


def _audit(actor, action: str, mail: OutboxMail) -> None:
    db.session.add(AuditLog(actor_user_id=getattr(actor, "id", None), action=action,
                            target_type="outbox", target_id=mail.id,
                            details={"to": mail.to_addr, "subject": mail.subject,
                                     "attempts": mail.attempts, "error": mail.last_error[:500]}))


def resend(mail: OutboxMail, actor) -> None:
    """Back to pending with a fresh set of attempts; headers cleaned again (rows written
    before subjects were made one line could not be built)."""
    permissions.require(permissions.can_manage_mail(actor))
    if mail.failed_at is None or mail.sent_at is not None:
        return
    _audit(actor, "mail.resend", mail)
    mail.subject = single_line(mail.subject)[:200]
    mail.to_addr = single_line(mail.to_addr)
    mail.reason = single_line(mail.reason)[:200]
    mail.failed_at = None
    mail.attempts = 0
    mail.last_error = ""
    mail.next_attempt_at = utcnow()
    db.session.commit()


def drop(mail: OutboxMail, actor) -> None:
    """Delete a failed mail for good (the platform inbox still has the message itself)."""
    permissions.require(permissions.can_manage_mail(actor))
    if mail.failed_at is None or mail.sent_at is not None:
        return
    _audit(actor, "mail.drop", mail)
    db.session.delete(mail)
    db.session.commit()
