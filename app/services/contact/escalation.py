"""Escalation: threads unanswered for N working days go up to a liaison desk."""

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Message, Thread
from app.models.base import utcnow
from app.services.contact.routing import desk_for
from app.services.contact.workdays import working_days_between
from app.services.mail import notify


def escalate(now: datetime | None = None, days: int | None = None) -> list[Thread]:
    """Threads unanswered for N working days go to the desk of the officer's ward (else the
    central desk); a ward desk's own unanswered threads go to the central desk."""
    now = now or utcnow()
    days = days if days is not None else int(current_app.config["ESCALATION_WORKING_DAYS"])
    candidates = db.session.scalars(
        select(Thread).where(Thread.status.in_(("new", "read")), Thread.first_reply_at.is_(None),
                             Thread.escalated_at.is_(None))
    ).all()
    done = []
    for thread in candidates:
        if working_days_between(thread.created_at, now) < days:
            continue
        officer_user = thread.officer.user if thread.officer is not None else None
        if notify.blocked_by(officer_user, thread.sender_email):
            continue
        if thread.officer is not None:
            target = desk_for(thread.officer.municipality_id)
        elif thread.desk is not None and not thread.desk.is_central:
            target = desk_for(None)
        else:
            continue  # already at the central desk: nowhere higher to go
        thread.desk = target
        thread.escalated_at = now
        thread.messages.append(Message(
            author_kind="system", author_name="架け橋", event="escalation",
            body=f"{days}営業日返信がないため、{target.name}に回付しました。",
        ))
        db.session.flush()
        notify.escalated(thread, days)
        done.append(thread)
    db.session.commit()
    return done
