"""Who is told about a thread event, and the (plain-text, Japanese) mail they get.

Every mail says why it was sent. Officials get a link to the thread on the platform; the
outside sender gets a private link (see contact.links.issue_sender_link).
"""

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Block, Desk, Thread, User
from app.services.mail import outbox


def site() -> str:
    return current_app.config["SITE_URL"].rstrip("/")


def thread_url(thread: Thread) -> str:
    return f"{site()}/contact/threads/{thread.id}"


def blocked_by(user: User | None, sender_email: str) -> bool:
    if user is None:
        return False
    return db.session.scalar(
        select(Block.id).where(Block.user_id == user.id, Block.sender_email == sender_email.lower())
    ) is not None


def officer_recipient(thread: Thread) -> tuple[str, User | None] | None:
    """The officer's login account if usable, else the bare record's address (always mailed:
    that is how an officer without an account learns about the platform)."""
    officer = thread.officer
    if officer is None:
        return None
    user = officer.user
    if user is not None and user.is_active:
        return user.email, user
    if not officer.email:
        return None  # a named record without an address (open-data import): the desk is told
    return officer.email, None


def desk_recipients(desk: Desk | None) -> list[tuple[str, User | None]]:
    if desk is None:
        return []
    out: list[tuple[str, User | None]] = [(m.email, m) for m in desk.members if m.is_active]
    if desk.email:
        out.append((desk.email, None))
    return out


def _send(recipients, thread: Thread, template: str, subject: str, reason: str, **context) -> int:
    seen, count = set(), 0
    for addr, user in recipients:
        if addr.lower() in seen or blocked_by(user, thread.sender_email):
            continue
        seen.add(addr.lower())
        body = render_mail(f"{template}.txt", thread=thread, user=user,
                               reason=reason, url=thread_url(thread), site=site(), **context)
        if outbox.enqueue(addr, subject, body, reason=reason, user=user, thread=thread):
            count += 1
    return count


def _about(thread: Thread) -> str:
    return f"『{thread.posting.title}』" if thread.posting is not None else f"「{thread.subject}」"


def new_message(thread: Thread, body: str, follow_up: bool = False, reason: str | None = None) -> int:
    """A new thread, or the sender's follow-up on one, for whoever handles it. `reason`
    replaces the officer's why-line when the caller knows better (the board's contact)."""
    count = 0
    officer = officer_recipient(thread)
    if officer is not None:
        if follow_up:
            reason = (f"このメールは、あなたが担当しているお問い合わせ{_about(thread)}に、"
                      "送信者から追加のメッセージがあったため送信しています。")
        elif reason is None and thread.posting is not None:
            reason = (f"このメールは、あなたが担当者となっている投稿{_about(thread)}に"
                      "お問い合わせがあったため送信しています。")
        elif reason is None:
            reason = ("このメールは、あなたが担当者となっている自治体あてにお問い合わせがあったため"
                      "送信しています。")
        count += _send([officer], thread, "new_message", f"【架け橋】お問い合わせ: {thread.subject}",
                       reason, body=body, has_account=officer[1] is not None)
    if officer is None and thread.desk is not None:
        reason = (f"このメールは、あなたが{thread.desk.name}の担当で、窓口あてにお問い合わせが"
                  "あったため送信しています。")
        count += _send(desk_recipients(thread.desk), thread, "new_message",
                       f"【架け橋】窓口へのお問い合わせ: {thread.subject}", reason, body=body,
                       has_account=True)
    return count


def reply_to_sender(thread: Thread, body: str, token: str) -> None:
    """The officer's reply, mailed to the outside sender with their private link."""
    url = f"{site()}/contact/t/{token}"
    reason = (f"このメールは、あなたが架け橋から{_recipient_label(thread)}へお問い合わせをされ、"
              "返信があったため送信しています。")
    text = render_mail("reply.txt", thread=thread, body=body, url=url,
                           reason=reason, site=site())
    outbox.enqueue(thread.sender_email, f"【架け橋】返信: {thread.subject}", text,
                   reason=reason, thread=thread, secrets=[token])


def _recipient_label(thread: Thread) -> str:
    if thread.officer is not None:
        return f"{thread.officer.municipality.name}の担当者"
    if thread.desk is not None:
        return thread.desk.name
    return "自治体"


def forwarded(thread: Thread, note: str, desk_name: str) -> int:
    reason = f"このメールは、{desk_name}からあなたにお問い合わせ{_about(thread)}が転送されたため送信しています。"
    recipient = officer_recipient(thread)
    return _send([recipient] if recipient else [], thread, "forwarded",
                 f"【架け橋】転送: {thread.subject}", reason, note=note,
                 body=_first_body(thread), has_account=bool(recipient and recipient[1]))


def escalated(thread: Thread, days: int) -> int:
    who = thread.officer.public_label if thread.officer is not None else "窓口"
    reason = (f"このメールは、{who}あてのお問い合わせ{_about(thread)}に{days}営業日返信がないため、"
              f"{thread.desk.name}に回付されたことをお知らせしています。")
    return _send(desk_recipients(thread.desk), thread, "escalated",
                 f"【架け橋】未返信のお問い合わせ: {thread.subject}", reason,
                 body=_first_body(thread), days=days)


def handed_over(successor, predecessor, postings: int, threads: list[Thread]) -> None:
    """One mail to the successor summarising what they now answer for."""
    user = successor.user if successor.user is not None and successor.user.is_active else None
    addr = user.email if user is not None else successor.email
    reason = (f"このメールは、人事異動に伴い、{predecessor.name}さんの担当（投稿{postings}件、"
              f"対応中のお問い合わせ{len(threads)}件）をあなたが引き継いだため送信しています。")
    text = render_mail("handover.txt", successor=successor, predecessor=predecessor,
                           postings=postings, threads=threads, reason=reason, site=site(),
                           has_account=user is not None)
    outbox.enqueue(addr, "【架け橋】担当の引き継ぎ", text, reason=reason, user=user)


def _first_body(thread: Thread) -> str:
    for message in thread.messages:
        if message.event == "message":
            return message.body
    return ""


def render_mail(name: str, **context) -> str:
    """Render a plain-text mail template without request context processors (the CLI and
    the worker have no request); .txt templates are not HTML-escaped. A bare name is one of
    contact/mail/; other features pass their own path ("accounts/mail/verify.txt")."""
    path = name if "/" in name else f"contact/mail/{name}"
    return current_app.jinja_env.get_template(path).render(**context).strip() + "\n"
