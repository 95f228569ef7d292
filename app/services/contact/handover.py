"""Handover on transfer (人事異動): an officer's postings and open threads move to a successor
in one transaction, recorded in the audit log, and the successor is told by mail.

The old officer's login (if any) loses its edit rights at once: an account acts for its
municipality only while its officer record is in post (app/permissions/rules.py). The person
handing over may also suspend the login (no sign-in at all), where they may suspend accounts.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import AuditLog, Message, Officer, Posting, Thread
from app.models.base import utcnow
from app.models.messaging import OPEN_STATUSES
from app.services.contact.routing import desk_for
from app.services.contact.text import ContactError
from app.services.mail import accounts as account_mail
from app.services.mail import notify
from app.services.postings.editing import ContactInput, find_or_create_officer


def successor_candidates(officer: Officer) -> list[Officer]:
    return list(db.session.scalars(
        select(Officer).where(Officer.municipality_id == officer.municipality_id,
                              Officer.active.is_(True), Officer.id != officer.id)
        .order_by(Officer.name)
    ))


ACCOUNT_ACTIONS = ("keep", "suspend")  # what happens to the old login besides losing edit rights


def hand_over(officer: Officer, actor, successor: Officer | None = None,
              new: ContactInput | None = None, note: str = "", account: str = "keep") -> Officer:
    """Mark `officer` transferred and move their work to `successor` (or a new officer).

    `account="suspend"` also suspends the old officer's login (admins only)."""
    if actor is not None and not permissions.can_hand_over(actor, officer):
        raise permissions.Forbidden(_("この担当者の引き継ぎを行う権限がありません。"))
    if not officer.active:
        raise ContactError(_("この担当者は既に異動済みです。"))
    if account not in ACCOUNT_ACTIONS:
        raise ContactError(_("元のアカウントの扱いを選んでください。"))
    login = officer.user
    suspend = account == "suspend" and login is not None and login.active
    if suspend and actor is not None and not permissions.can_suspend_account(actor, login):
        raise permissions.Forbidden(_("アカウントの停止は管理者が行います。"))
    if (successor is None) == (new is None):
        raise ContactError(_("後任を一覧から選ぶか、新しい担当者の氏名とメールアドレスを入力してください。"))
    with db.session.no_autoflush:
        if new is not None:
            successor = find_or_create_officer(officer.municipality, new)
            successor.active = True
            db.session.add(successor)
            db.session.flush()
    if successor.id == officer.id or successor is officer:
        raise ContactError(_("後任に本人は指定できません。"))
    if successor.municipality_id != officer.municipality_id or not successor.active:
        raise ContactError(_("後任は同じ自治体の在職中の担当者から選んでください。"))

    now = utcnow()
    if suspend:
        login.active = False
    officer.active = False
    officer.transferred_at = now
    officer.successor = successor
    postings = list(db.session.scalars(select(Posting).where(Posting.officer_id == officer.id)))
    for posting in postings:
        posting.officer = successor  # not re-indexed: the index holds no officer (document_for)
    threads = list(db.session.scalars(
        select(Thread).where(Thread.officer_id == officer.id, Thread.status.in_(OPEN_STATUSES))
    ))
    text = f"人事異動により、担当が {officer.public_label} から {successor.public_label} に引き継がれました。"
    if note.strip():
        text += f"\n\n{note.strip()}"
    for thread in threads:
        thread.officer = successor
        if successor.user is None or not successor.user.active:
            thread.desk = thread.desk or desk_for(officer.municipality_id)
        thread.messages.append(Message(author_kind="system", author_user_id=getattr(actor, "id", None),
                                       author_name="架け橋", event="handover", body=text))
    db.session.add(AuditLog(
        actor_user_id=getattr(actor, "id", None), action="officer.handover", target_type="officer",
        target_id=officer.id,
        details={"successor_id": successor.id, "postings": [p.id for p in postings],
                 "threads": [t.id for t in threads], "note": note.strip(),
                 "account": None if login is None else ("suspended" if suspend else "edit_rights_removed")},
    ))
    db.session.flush()
    notify.handed_over(successor, officer, len(postings), threads)
    # The predecessor's account moves only through a new verification at the new municipality.
    account_mail.handed_over(officer, successor)
    db.session.commit()
    return successor
