"""What officials and senders do on a thread: read, reply, note, close, forward, block."""

from flask_babel import gettext as _
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import Block, Message, Officer, Thread
from app.models.base import utcnow
from app.permissions import has_account
from app.services.contact.audit import audit
from app.services.contact.links import issue_sender_link
from app.services.contact.routing import desk_for, reachable_officer
from app.services.contact.text import ContactError, check_text, looks_like_html
from app.services.mail import notify


def _require(allowed: bool) -> None:
    permissions.require(allowed, _("この操作はできません。"))


def mark_read(thread: Thread, user) -> None:
    if thread.status == "new" and permissions.handles_thread(user, thread):
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
        raise ContactError(_("このお問い合わせは完了しています。新しいお問い合わせとして送信してください。"))
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
        raise ContactError(_("状態の指定が正しくありません。"))
    thread.status = status
    thread.updated_at = utcnow()
    db.session.commit()


def forward(thread: Thread, user, officer: Officer, note: str) -> Thread:
    """A desk hands a thread to a named officer with a note; the history stays in the thread."""
    _require(permissions.can_forward_to(user, thread, officer))
    target = reachable_officer(officer)
    if target is None:
        raise ContactError(_("転送先の担当者は異動済みで、後任が登録されていません。"))
    if note and looks_like_html(note):
        raise ContactError(_("HTMLタグは使えません。プレーンテキストで入力してください。"))
    kind, name = _author(user)
    previous = thread.officer.public_label if thread.officer is not None else (
        thread.desk.name if thread.desk is not None else "")
    text = f"{previous} から {target.municipality.name} {target.public_label} へ転送しました。"
    if note.strip():
        text += f"\n\n{note.strip()}"
    thread.messages.append(Message(author_kind=kind, author_user_id=user.id, author_name=name,
                                   event="forward", body=text))
    thread.officer = target
    if thread.desk is None or not has_account(target):
        # The forwarding desk (or the target's) keeps sight of it.
        thread.desk = thread.desk or desk_for(target.municipality_id)
    thread.status = "new"
    thread.updated_at = utcnow()
    audit(user, "thread.forward", thread, officer_id=target.id)
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
    audit(user, "sender.block" if blocked else "sender.unblock", thread, sender_email=email)
    db.session.commit()
