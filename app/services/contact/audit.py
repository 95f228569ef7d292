"""Audit-log rows for actions on threads."""

from app.extensions import db
from app.models import AuditLog, Thread


def audit(actor, action: str, thread: Thread, **details) -> None:
    db.session.add(AuditLog(actor_user_id=getattr(actor, "id", None), action=action,
                            target_type="thread", target_id=thread.id, details=details))
