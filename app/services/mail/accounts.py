"""Account mails (plain-text, Japanese), written to the outbox with whatever caused them.

Mails that carry a link (verification, reset, new address) go out whatever the person's
notification setting, and the link is removed from the stored copy once sent.
"""

from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import Desk, Municipality, Officer, Thread, User
from app.models.messaging import OPEN_STATUSES
from app.services.accounts import tokens
from app.services.mail import outbox
from app.services.mail.notify import desk_recipients, render_mail, site


def _hours(purpose: str) -> int:
    return max(1, tokens.max_age(purpose) // 3600)


def _minutes(purpose: str) -> int:
    return max(1, tokens.max_age(purpose) // 60)


def _send(to_addr: str, template: str, subject: str, reason: str, *, user: User | None = None,
          secrets: list[str] | None = None, personal: bool = True, **context) -> None:
    body = render_mail(f"accounts/mail/{template}.txt", reason=reason, site=site(), user=user,
                       **context)
    # Personal account mails ignore notify_mode: they are not notifications about threads.
    outbox.enqueue(to_addr, subject, body, reason=reason, user=None if personal else user,
                   secrets=secrets, force_immediate=personal)


def verify_signup(user: User, token: str) -> None:
    url = f"{site()}/accounts/verify/{token}"
    _send(user.email, "verify", "【架け橋】メールアドレスの確認（職員登録）",
          "このメールは、架け橋の職員登録フォームにこのメールアドレスが入力されたため送信しています。",
          secrets=[token], user=user, url=url, hours=_hours("verify"))


def already_registered(user: User) -> None:
    """Someone (maybe the owner) tried to sign up with an address that has an account: the
    owner is told, the person at the form is not (it would reveal the address exists)."""
    _send(user.email, "already_registered", "【架け橋】職員登録の申請について",
          "このメールは、架け橋の職員登録フォームにこのメールアドレスが入力されたため送信しています。",
          user=user)


def signup_recipients(municipality_id: int) -> tuple[list[tuple[str, User | None]], bool]:
    """Who decides on a sign-up: the municipality's account managers; where it has none yet,
    the central desk (its members and mailbox), or failing that the admins. Second value:
    True when these are the municipality's own managers."""
    managers = db.session.scalars(permissions.account_managers(municipality_id)).all()
    if managers:
        return [(m.email, m) for m in managers], True
    central = db.session.scalar(select(Desk).where(Desk.municipality_id.is_(None)))
    recipients = desk_recipients(central)
    if not recipients:
        admins = db.session.scalars(
            select(User).where(User.role == "admin", User.active.is_(True))).all()
        recipients = [(a.email, a) for a in admins]
    return recipients, False


def signup_waiting(user: User) -> int:
    """A verified sign-up (or a transfer) waits for a decision: tell whoever decides."""
    recipients, own = signup_recipients(user.municipality_id)
    muni = user.municipality
    if own:
        reason = f"このメールは、あなたが{muni.name}のアカウント管理者であるため送信しています。"
    else:
        reason = (f"このメールは、{muni.name}にアカウント管理者がまだいないため、"
                  "特別区全体窓口・管理者のあなたにお送りしています。")
    url = f"{site()}/staff/?code={muni.code}"
    seen = set()
    for addr, recipient in recipients:
        if addr.lower() in seen:
            continue
        seen.add(addr.lower())
        _send(addr, "signup_waiting", f"【架け橋】職員登録の承認依頼: {muni.name} {user.name}",
              reason, user=recipient, personal=False, applicant=user, recipient=recipient,
              municipality=muni, url=url, moved=user.previous_municipality is not None)
    return len(seen)


def _open_threads(officer: Officer | None) -> int:
    if officer is None:
        return 0
    from sqlalchemy import func

    return db.session.scalar(select(func.count(Thread.id)).where(
        Thread.officer_id == officer.id, Thread.status.in_(OPEN_STATUSES))) or 0


def approved(user: User) -> None:
    _send(user.email, "approved", "【架け橋】職員登録が承認されました",
          f"このメールは、{user.municipality.name}があなたの職員登録を承認したため送信しています。",
          user=user, threads=_open_threads(user.officer), url=f"{site()}/accounts/login")


def refused(user: User, why: str) -> None:
    _send(user.email, "refused", "【架け橋】職員登録について",
          f"このメールは、{user.municipality.name}があなたの職員登録を承認しなかったため送信しています。",
          user=user, why=why)


def reset_link(user: User, token: str) -> None:
    url = f"{site()}/accounts/reset/{token}"
    _send(user.email, "reset", "【架け橋】パスワードの再設定",
          "このメールは、架け橋のパスワード再設定のページにこのメールアドレスが入力されたため送信しています。",
          secrets=[token], user=user, url=url, minutes=_minutes("reset"))


def password_changed(user: User) -> None:
    _send(user.email, "password_changed", "【架け橋】パスワードが変更されました",
          "このメールは、あなたの架け橋アカウントのパスワードが変更されたため送信しています。",
          user=user)


def email_change_link(user: User, new_email: str, token: str) -> None:
    url = f"{site()}/accounts/email/confirm/{token}"
    _send(new_email, "email_change", "【架け橋】新しいメールアドレスの確認",
          "このメールは、架け橋のアカウントのメールアドレスをこのアドレスに変更する申請があったため送信しています。",
          secrets=[token], user=user, url=url, hours=_hours("email"), new_email=new_email)
    _send(user.email, "email_change_notice", "【架け橋】メールアドレス変更の申請がありました",
          "このメールは、あなたの架け橋アカウントのメールアドレスを変更する申請があったため送信しています。",
          user=user, new_email=new_email)


def transfer_link(user: User, municipality: Municipality, new_email: str, token: str) -> None:
    url = f"{site()}/accounts/transfer/confirm/{token}"
    _send(new_email, "transfer", f"【架け橋】異動先（{municipality.name}）のメールアドレスの確認",
          f"このメールは、架け橋のアカウントを{municipality.name}に移す申請があったため送信しています。",
          secrets=[token], user=user, url=url, hours=_hours("transfer"), municipality=municipality,
          new_email=new_email)


def handed_over(predecessor: Officer, successor: Officer) -> None:
    """The officer whose work was handed over (with an account) learns how to take the
    account to their new municipality."""
    user = predecessor.user
    if user is None or not user.is_active:
        return
    _send(user.email, "handed_over", "【架け橋】担当の引き継ぎとアカウントの異動手続き",
          f"このメールは、人事異動に伴い、あなたの担当が{successor.name}さんに引き継がれたため送信しています。",
          user=user, predecessor=predecessor, successor=successor,
          url=f"{site()}/accounts/transfer")
