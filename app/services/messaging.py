"""Contact routing: threads between outside senders and named officers or liaison desks.

Everything is stored before anything is sent: a thread, its first message and the outbox
rows that notify people are one transaction. Routing never drops a message: an officer who
left is replaced by their successor (Officer.current()), and a message nobody can take goes
to a liaison desk (the ward's, or the central one).
"""

import hashlib
import re
import secrets
import statistics
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import Select, func, select

from app import permissions
from app.extensions import db
from app.models import AuditLog, Block, Desk, Message, Municipality, Officer, Posting, Thread, User
from app.models.base import utcnow
from app.services import notify
from app.services.workdays import working_days_between

MAX_BODY = 5000
MAX_SUBJECT = 200
OPEN_STATUSES = ("new", "read", "replied")
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>")


class ContactError(ValueError):
    """A request the rules refuse; the message is Japanese and shown to the user."""


class NotAllowed(ContactError):
    """The acting user may not do this (views answer 403)."""


@dataclass
class Sender:
    name: str
    email: str
    organisation: str = ""
    user: User | None = None


def looks_like_html(text: str) -> bool:
    return bool(_HTML_TAG.search(text or ""))


def check_text(body: str, subject: str = "") -> None:
    """Service-level guard (the forms say the same thing earlier, field by field)."""
    if not body.strip():
        raise ContactError("本文を入力してください。")
    if len(body) > MAX_BODY or len(subject) > MAX_SUBJECT:
        raise ContactError(f"本文は{MAX_BODY}文字以内、件名は{MAX_SUBJECT}文字以内にしてください。")
    if looks_like_html(body) or looks_like_html(subject):
        raise ContactError("HTMLタグは使えません。プレーンテキストで入力してください。")


# --- routing -----------------------------------------------------------------------------


def desk_for(municipality_id: int | None) -> Desk | None:
    """The ward's own desk, else the central desk for all wards."""
    desk = None
    if municipality_id is not None:
        desk = db.session.scalar(select(Desk).where(Desk.municipality_id == municipality_id))
    return desk or db.session.scalar(select(Desk).where(Desk.municipality_id.is_(None)))


def reachable_officer(officer: Officer | None) -> Officer | None:
    """The officer in post now (following handovers), or None if the chain ends nowhere."""
    if officer is None:
        return None
    current = officer.current()
    return current if current.active else None


def _has_account(officer: Officer | None) -> bool:
    return officer is not None and officer.user is not None and officer.user.active


def _route(thread: Thread, officer: Officer | None, municipality_id: int | None) -> None:
    thread.officer = reachable_officer(officer)
    # A desk sees what no logged-in officer can answer (nobody in post, or no account yet).
    if not _has_account(thread.officer):
        thread.desk = desk_for(municipality_id)


def _new_thread(subject: str, sender: Sender, body: str, **where) -> Thread:
    check_text(body, subject)
    thread = Thread(
        subject=subject.strip()[:MAX_SUBJECT], status="new",
        sender_name=sender.name.strip()[:100], sender_email=sender.email.strip().lower(),
        sender_organisation=sender.organisation.strip()[:120],
        sender_user_id=sender.user.id if sender.user is not None else None, **where,
    )
    thread.messages.append(Message(
        author_kind="sender", author_name=thread.sender_name, event="message", body=body,
        author_user_id=thread.sender_user_id,
    ))
    return thread


def _store_and_notify(thread: Thread, body: str) -> Thread:
    db.session.add(thread)
    db.session.flush()
    notify.new_message(thread, body)
    db.session.commit()
    return thread


def contact_posting(posting: Posting, sender: Sender, subject: str, body: str) -> Thread:
    """A message about one posting, for its named officer (or whoever took over)."""
    thread = _new_thread(subject or f"{posting.title}について", sender, body,
                         posting_id=posting.id, municipality_id=posting.municipality_id)
    _route(thread, posting.officer, posting.municipality_id)
    return _store_and_notify(thread, body)


def ward_route_available(municipality: Municipality) -> bool:
    return municipality.is_special_ward or latest_officer_of(municipality) is not None


def latest_officer_of(municipality: Municipality) -> Officer | None:
    posting = db.session.scalar(
        select(Posting)
        .where(Posting.municipality_id == municipality.id, Posting.status == "published")
        .order_by(Posting.published_at.desc().nulls_last(), Posting.id.desc())
        .limit(1)
    )
    return posting.officer if posting is not None else None


def contact_municipality(municipality: Municipality | None, sender: Sender, subject: str,
                         body: str) -> Thread:
    """A message "to the ward": a special ward's desk, the central desk (municipality None),
    or elsewhere the officer of the municipality's latest posting."""
    if not subject.strip():
        subject = f"{municipality.display_name if municipality else '特別区 全体窓口'}へのお問い合わせ"
    if municipality is None:
        thread = _new_thread(subject, sender, body, municipality_id=None)
        thread.desk = desk_for(None)
        return _store_and_notify(thread, body)
    thread = _new_thread(subject, sender, body, municipality_id=municipality.id)
    if municipality.is_special_ward:
        thread.desk = desk_for(municipality.id)
        return _store_and_notify(thread, body)
    officer = latest_officer_of(municipality)
    if officer is None:
        raise ContactError(f"{municipality.display_name}には、架け橋で連絡を受け付けている窓口がまだありません。")
    _route(thread, officer, municipality.id)
    return _store_and_notify(thread, body)


# --- the sender's private link -----------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_sender_link(thread: Thread) -> str:
    """A fresh private link token; only its hash is stored. A new mail carries a new link
    (the previous one stops working), because the token itself is never kept."""
    token = secrets.token_urlsafe(32)
    thread.access_token_hash = token_hash(token)
    thread.token_revoked = False
    return token


def thread_for_token(token: str) -> Thread | None:
    if not token or len(token) > 100:
        return None
    thread = db.session.scalar(select(Thread).where(Thread.access_token_hash == token_hash(token)))
    if thread is None or thread.token_revoked:
        return None
    return thread


def revoke_link(thread: Thread, actor) -> None:
    _require(permissions.can_read_thread(actor, thread))
    thread.token_revoked = True
    _audit(actor, "thread.revoke_link", thread)
    db.session.commit()


# --- actions on a thread -----------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed("この操作はできません。")


def _audit(actor, action: str, thread: Thread, **details) -> None:
    db.session.add(AuditLog(actor_user_id=getattr(actor, "id", None), action=action,
                            target_type="thread", target_id=thread.id, details=details))


def handles(user, thread: Thread) -> bool:
    """The user is who the thread is waiting for (not merely allowed to look)."""
    officer = getattr(user, "officer", None)
    if thread.officer is not None and _has_account(thread.officer):
        return officer is not None and thread.officer_id == officer.id
    return bool(getattr(user, "desk_id", None) and thread.desk_id == user.desk_id)


def mark_read(thread: Thread, user) -> None:
    if thread.status == "new" and handles(user, thread):
        thread.status = "read"
        db.session.commit()


def _author(user) -> tuple[str, str]:
    officer = getattr(user, "officer", None)
    if officer is not None:
        return "officer", f"{officer.municipality.name} {officer.public_label}"
    if getattr(user, "desk", None) is not None:
        return "desk", user.desk.name
    return "system", "架け橋 管理者"


def reply(thread: Thread, user, body: str) -> Message:
    """The official's answer: stored, then mailed to the sender with a fresh private link."""
    _require(permissions.can_read_thread(user, thread))
    check_text(body)
    kind, name = _author(user)
    message = Message(author_kind=kind, author_user_id=user.id, author_name=name,
                      event="reply", body=body)
    thread.messages.append(message)
    now = utcnow()
    thread.status = "replied"
    thread.updated_at = now
    if thread.first_reply_at is None:
        thread.first_reply_at = now
    token = issue_sender_link(thread)
    db.session.flush()
    notify.reply_to_sender(thread, body, token)
    db.session.commit()
    return message


def sender_reply(thread: Thread, body: str) -> Message:
    """A follow-up from the sender through their private link."""
    if thread.status == "closed":
        raise ContactError("このお問い合わせは完了しています。新しいお問い合わせとして送信してください。")
    check_text(body)
    message = Message(author_kind="sender", author_name=thread.sender_name, event="message", body=body)
    thread.messages.append(message)
    thread.status = "new"
    thread.updated_at = utcnow()
    db.session.flush()
    notify.new_message(thread, body, follow_up=True)
    db.session.commit()
    return message


def add_note(thread: Thread, user, body: str) -> Message:
    """An internal note: visible to officials on the thread, never to the sender."""
    _require(permissions.can_read_thread(user, thread))
    check_text(body)
    kind, name = _author(user)
    message = Message(author_kind=kind, author_user_id=user.id, author_name=name, event="note", body=body)
    thread.messages.append(message)
    db.session.commit()
    return message


def set_status(thread: Thread, user, status: str) -> None:
    _require(permissions.can_read_thread(user, thread))
    if status not in ("closed", "read"):
        raise ContactError("状態の指定が正しくありません。")
    thread.status = status
    thread.updated_at = utcnow()
    db.session.commit()


def forward(thread: Thread, user, officer: Officer, note: str) -> Thread:
    """A desk hands a thread to a named officer with a note; the history stays in the thread."""
    _require(permissions.can_forward_thread(user, thread))
    target = reachable_officer(officer)
    if target is None:
        raise ContactError("転送先の担当者は異動済みで、後任が登録されていません。")
    if note and looks_like_html(note):
        raise ContactError("HTMLタグは使えません。プレーンテキストで入力してください。")
    kind, name = _author(user)
    previous = thread.officer.public_label if thread.officer is not None else (
        thread.desk.name if thread.desk is not None else "")
    text = f"{previous} から {target.municipality.name} {target.public_label} へ転送しました。"
    if note.strip():
        text += f"\n\n{note.strip()}"
    thread.messages.append(Message(author_kind=kind, author_user_id=user.id, author_name=name,
                                   event="forward", body=text))
    thread.officer = target
    if thread.desk is None or not _has_account(target):
        # The forwarding desk (or the target's) keeps sight of it.
        thread.desk = thread.desk or desk_for(target.municipality_id)
    thread.status = "new"
    thread.updated_at = utcnow()
    _audit(user, "thread.forward", thread, officer_id=target.id)
    db.session.flush()
    notify.forwarded(thread, note.strip(), name)
    db.session.commit()
    return thread


# --- blocks ------------------------------------------------------------------------------


def is_blocked(user, sender_email: str) -> bool:
    return notify.blocked_by(user, sender_email)


def set_block(user, thread: Thread, blocked: bool) -> None:
    """Blocked senders' messages are still stored (nothing is lost, an unblock shows them
    again) but never notified, hidden from the blocker's inbox and not escalated."""
    _require(permissions.can_read_thread(user, thread))
    email = thread.sender_email.lower()
    existing = db.session.scalar(select(Block).where(Block.user_id == user.id, Block.sender_email == email))
    if blocked and existing is None:
        db.session.add(Block(user_id=user.id, sender_email=email))
    elif not blocked and existing is not None:
        db.session.delete(existing)
    _audit(user, "sender.block" if blocked else "sender.unblock", thread, sender_email=email)
    db.session.commit()


# --- inboxes -----------------------------------------------------------------------------


def inbox_query(user, status: str | None = None, show_blocked: bool = False) -> Select:
    """The threads waiting for the user: their own (officer), their desk's, or all (admin)."""
    stmt = select(Thread)
    if permissions.is_admin(user):
        pass
    elif getattr(user, "officer", None) is not None:
        stmt = stmt.where(Thread.officer_id == user.officer.id)
    elif user.role == "liaison" and user.desk_id is not None:
        stmt = stmt.where(Thread.desk_id == user.desk_id)
    else:
        stmt = stmt.where(Thread.id.is_(None))
    blocked = select(Block.sender_email).where(Block.user_id == user.id)
    if show_blocked:
        stmt = stmt.where(Thread.sender_email.in_(blocked))
    else:
        stmt = stmt.where(Thread.sender_email.not_in(blocked))
    if status in ("new", "read", "replied", "closed"):
        stmt = stmt.where(Thread.status == status)
    elif status == "open":
        stmt = stmt.where(Thread.status.in_(OPEN_STATUSES))
    return stmt.order_by(Thread.updated_at.desc(), Thread.id.desc())


def unread_count(user) -> int:
    if not permissions.is_official(user):
        return 0
    stmt = inbox_query(user, "new").with_only_columns(func.count(Thread.id)).order_by(None)
    if user.role == "liaison":
        # A desk's unread ones are those it must answer itself, not those waiting for an officer.
        with_account = select(Officer.id).join(User, Officer.user_id == User.id).where(User.active.is_(True))
        stmt = stmt.where(Thread.officer_id.is_(None) | Thread.officer_id.not_in(with_account))
    return db.session.scalar(stmt) or 0


# --- escalation --------------------------------------------------------------------------


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
        if is_blocked(officer_user, thread.sender_email):
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


# --- statistics --------------------------------------------------------------------------


def reply_stats(municipality_id: int | None = None) -> dict:
    """Threads answered and the median time to the first reply (hours), for statistics."""
    stmt = select(Thread.created_at, Thread.first_reply_at).where(Thread.first_reply_at.is_not(None))
    if municipality_id is not None:
        stmt = stmt.where(Thread.municipality_id == municipality_id)
    hours = [(replied - created).total_seconds() / 3600 for created, replied in db.session.execute(stmt)]
    return {
        "answered": len(hours),
        "median_first_reply_hours": round(statistics.median(hours), 1) if hours else None,
    }
