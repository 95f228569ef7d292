"""Contact routing: threads between outside senders and named officers or liaison desks.

Everything is stored before anything is sent: a thread, its first message and the outbox
rows that notify people are one transaction. Routing never drops a message: an officer who
left is replaced by their successor (Officer.current()), and a message nobody can take goes
to a liaison desk (the ward's, or the central one).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.cleantext import single_line
from app.extensions import db
from app.models import Desk, Message, Municipality, Officer, Posting, Thread, User
from app.permissions import has_account
from app.services.contact.text import MAX_SUBJECT, ContactError, check_text
from app.services.mail import notify


@dataclass
class Sender:
    name: str
    email: str
    organisation: str = ""
    user: User | None = None


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


def _route(thread: Thread, officer: Officer | None, municipality_id: int | None) -> None:
    thread.officer = reachable_officer(officer)
    # A desk sees what no logged-in officer can answer (nobody in post, or no account yet).
    if not has_account(thread.officer):
        thread.desk = desk_for(municipality_id)


def _new_thread(subject: str, sender: Sender, body: str, **where) -> Thread:
    check_text(body, subject)
    # One line each: the subject goes into mail headers (no control characters, no breaks).
    thread = Thread(
        subject=single_line(subject)[:MAX_SUBJECT], status="new",
        sender_name=single_line(sender.name)[:100], sender_email=sender.email.strip().lower(),
        sender_organisation=single_line(sender.organisation)[:120],
        sender_user_id=sender.user.id if sender.user is not None else None, **where,
    )
    thread.messages.append(Message(
        author_kind="sender", author_name=thread.sender_name, event="message", body=body,
        author_user_id=thread.sender_user_id,
    ))
    return thread


def _store_and_notify(thread: Thread, body: str, reason: str | None = None) -> Thread:
    db.session.add(thread)
    db.session.flush()
    notify.new_message(thread, body, reason=reason)
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
        raise ContactError(_("%(name)sには、架け橋で連絡を受け付けている窓口がまだありません。",
                             name=municipality.display_name))
    _route(thread, officer, municipality.id)
    return _store_and_notify(thread, body)


def contact_official(user: User, sender: Sender, subject: str, body: str, reason: str) -> Thread:
    """A message to an official named by their account (the officials' board signs entries
    with people, never addresses): their officer record when they have one, following
    handovers, else their desk (the central desk for admins). `reason` ends the mail."""
    officer = getattr(user, "officer", None)
    if officer is not None:
        thread = _new_thread(subject, sender, body, municipality_id=officer.municipality_id)
        _route(thread, officer, officer.municipality_id)
        return _store_and_notify(thread, body, reason)
    desk = user.desk or desk_for(None)
    thread = _new_thread(subject, sender, body, municipality_id=desk.municipality_id)
    thread.desk = desk
    return _store_and_notify(thread, body, reason)
