"""The daily digest: a user who chose it gets their pending notices bundled into one mail."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMail, User
from app.models.base import utcnow
from app.services.mail.notify import render_mail
from app.services.mail.outbox import enqueue


def send_digests(now: datetime | None = None, min_interval_hours: float = 0) -> int:
    """Bundle each user's pending digest mails into one immediate mail; return how many.

    The bundle and the "sent" marks on its parts are one transaction, so a crash never
    loses parts nor mails them twice. `min_interval_hours` lets the worker loop call this
    often while each user still gets at most one digest a day.
    """
    now = now or utcnow()
    parts = db.session.scalars(
        select(OutboxMail)
        .where(OutboxMail.digest.is_(True), OutboxMail.sent_at.is_(None))
        .order_by(OutboxMail.user_id, OutboxMail.id)
    ).all()
    by_user: dict[int, list[OutboxMail]] = {}
    for part in parts:
        by_user.setdefault(part.user_id, []).append(part)
    sent = 0
    for user_id, items in by_user.items():
        user = db.session.get(User, user_id) if user_id is not None else None
        if user is None:
            continue
        if (min_interval_hours and user.last_digest_at is not None
                and now - user.last_digest_at < timedelta(hours=min_interval_hours)):
            continue
        body = render_mail("digest.txt", user=user, items=items,
                               site=current_app.config["SITE_URL"].rstrip("/"))
        secrets = [s for item in items for s in (item.extra or {}).get("secrets", [])]
        enqueue(user.email, f"【架け橋】お知らせのまとめ（{len(items)}件）", body,
                reason="digest", user=user, secrets=secrets, force_immediate=True)
        for item in items:
            item.sent_at = now  # delivered as part of the bundle
            item.extra = {**(item.extra or {}), "in_digest": True}
        user.last_digest_at = now
        sent += 1
    db.session.commit()
    return sent
