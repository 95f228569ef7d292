"""Telling an officer that a new posting fits their open request.

After a posting is published (form, importer), the open requests it could answer are looked up
with the same rating as the suggestions (suggestions.rate); each request whose rating passes
NOTICE_MIN_SCORE gets a notice in its officer's inbox, with the reasons. Nothing floods:
- a posting is told to a request once, ever (publishing it again, on any day, adds nothing);
- at most one notice per request per day: later fits that day join its items, up to
  MAX_NOTICE_ITEMS (the rest are on the request's suggestions page);
- at most one mail per officer per day: an officer with several open requests finds the other
  notices of the day in the inbox.
The mail (through the outbox, same transaction) follows the officer's notification setting.
"""

import logging
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Notice, PartnershipRequest, Posting
from app.services.mail import outbox
from app.services.matching.suggestions import rate
from app.services.matching.text import TextQuery, posting_text, self_similarity, similar
from app.timestamps import now_jst, utcnow

log = logging.getLogger(__name__)

# A fit worth interrupting an officer for: on the judged set (bench/matching), three in four
# suggestions scoring this much were graded a fit.
NOTICE_MIN_SCORE = 0.7
# Only postings published this recently are "new" (an import of old case studies tells nobody).
NEW_FOR_DAYS = 7
CANDIDATE_REQUESTS = 100  # the engine's page limit: requests rated in full
# Postings listed on one notice; a bulk import of many fitting postings stops here.
MAX_NOTICE_ITEMS = 10


def today_jst():
    return now_jst().date()


def is_new(posting: Posting) -> bool:
    """Published within the last NEW_FOR_DAYS days: news for the officers of open requests."""
    return posting.published_at is not None and posting.published_at >= utcnow() - timedelta(days=NEW_FOR_DAYS)


def notify_fits(posting_ids) -> int:
    """Notices for the open requests that these just-published postings fit; returns how many
    notices were created or extended. Never raises: the postings are already saved."""
    count = 0
    for posting_id in dict.fromkeys(posting_ids):
        try:
            # Stored and mailed: the reasons in the site's language, not the publisher's.
            with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
                count += _notify(posting_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.warning("match notices for posting %s failed", posting_id, exc_info=True)
    return count


def _notify(posting_id: int) -> int:
    posting = db.session.get(Posting, posting_id)
    if posting is None or posting.status != "published" or not is_new(posting):
        return 0
    text = posting_text(posting)
    found = similar(text, TextQuery(kind="partnership_request", audience="official",
                                    request_status="open", per_page=CANDIDATE_REQUESTS))
    found.pop(posting.id, None)
    if not found:
        return 0
    norm = self_similarity(posting, text, "official") or max(found.values())
    requests = db.session.scalars(
        select(PartnershipRequest)
        .where(PartnershipRequest.id.in_(list(found)), PartnershipRequest.status == "published",
               PartnershipRequest.request_status == "open")
        .options(selectinload(Posting.municipality), selectinload(Posting.categories),
                 selectinload(Posting.tags), selectinload(Posting.officer))
    ).all()
    count = 0
    for request in requests:
        fit = rate(request, posting, min(1.0, found[request.id] / norm))
        if fit is not None and fit.score >= NOTICE_MIN_SCORE and _add(request, posting, fit.reasons):
            count += 1
    return count


def _add(request: PartnershipRequest, posting: Posting, reasons: list[str]) -> bool:
    """Put the posting on today's notice for the request (creating it, and mailing the officer
    if nothing else did today). False when there is nothing new to tell."""
    if _told_before(request, posting):
        return False
    item = {"posting_id": posting.id, "title": posting.title,
            "municipality": posting.municipality.name, "reasons": reasons}
    officer = request.officer.current()
    day = today_jst()
    notice = _todays(request, day)
    if notice is None:
        try:
            with db.session.begin_nested():
                notice = Notice(kind="match", officer=officer, posting=request, day=day, items=[item])
                db.session.add(notice)
        except IntegrityError:  # another worker created today's notice meanwhile
            notice = _todays(request, day)
        else:
            if not _mailed_today(officer, day, notice):
                _mail(notice, request, officer)
            return True
    if len(notice.items) >= MAX_NOTICE_ITEMS:
        return False
    notice.items = [*notice.items, item]
    notice.read_at = None
    return True


def _told_before(request: PartnershipRequest, posting: Posting) -> bool:
    """Whether any notice about this request (any day) already named the posting."""
    earlier = db.session.scalars(
        select(Notice.items).where(Notice.kind == "match", Notice.posting_id == request.id))
    return any(item["posting_id"] == posting.id for items in earlier for item in items)


def _mailed_today(officer, day, notice: Notice) -> bool:
    """Another match notice for this officer today: its mail already went, this one waits in the inbox."""
    return db.session.scalar(
        select(Notice.id).where(Notice.kind == "match", Notice.officer_id == officer.id, Notice.day == day,
                                Notice.id != notice.id).limit(1)
    ) is not None


def _todays(request, day) -> Notice | None:
    return db.session.scalar(
        select(Notice).where(Notice.kind == "match", Notice.posting_id == request.id, Notice.day == day)
    )


def _mail(notice: Notice, request: PartnershipRequest, officer) -> None:
    user = officer.user if officer.user is not None and officer.user.active else None
    site = current_app.config["SITE_URL"].rstrip("/")
    reason = (f"このメールは、あなたが担当者となっている連携の募集『{request.title}』に合いそうな"
              "新しい投稿が公開されたため送信しています（お知らせのメールは1日1通まで。"
              "同じ日のほかのお知らせは受信箱に届きます）。")
    body = current_app.jinja_env.get_template("matching/mail/match_notice.txt").render(
        notice=notice, request=request, officer=officer, has_account=user is not None,
        site=site, reason=reason,
    ).strip() + "\n"
    outbox.enqueue(user.email if user else officer.email,
                   f"【架け橋】募集に合いそうな投稿: {request.title}", body, reason=reason, user=user)


# --- the inbox -----------------------------------------------------------------------------


def for_user(user, unread_only: bool = False, limit: int = 20) -> list[Notice]:
    """Notices in the user's inbox, newest first (officers only: notices name an officer)."""
    from app.permissions import inbox_notices

    stmt = select(Notice).where(inbox_notices(user))
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    return db.session.scalars(stmt.order_by(Notice.updated_at.desc(), Notice.id.desc()).limit(limit)).all()


def mark_read(notice: Notice) -> None:
    notice.read_at = notice.read_at or utcnow()
    db.session.commit()
