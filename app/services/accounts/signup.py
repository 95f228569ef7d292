"""Self sign-up: an official address in the municipality's domain, verified by a signed link,
then approved by the municipality's account manager (or the central desk where it has none).

Until approved the account can do nothing: no login, no officials-only content, no inbox.
The domain proves an address at the municipality, not who uses it (a shared mailbox, a
contractor, someone about to leave); officials-only postings and the contact-officer record's
threads (residents' messages) are opened only once a person of that municipality said yes.

Nothing here ever tells the person at the form whether an address already has an account:
the answer is always "we sent you a mail", and the mail says what applies.
"""

from dataclasses import dataclass

from flask_babel import gettext as _

from app import permissions
from app.extensions import db
from app.models import Municipality, User
from app.models.base import utcnow
from app.services.accounts import domains, tokens
from app.services.accounts.users import (
    AccountError,
    audit,
    check_password_strength,
    find_by_email,
    link_officer_record,
    normalise_email,
    set_password,
)
from app.services.mail import accounts as account_mail

MAX_REASON = 1000


@dataclass
class SignupInput:
    name: str
    department: str
    title: str
    municipality: Municipality | None
    email: str
    password: str


def _restartable(user: User) -> bool:
    """An address whose earlier sign-up never got anywhere (not verified, or refused) may
    start again; the new details replace the old, and old links stop working."""
    return user.approval == "refused" or (user.approval == "pending" and user.email_verified_at is None)


def sign_up(data: SignupInput) -> None:
    """Store a pending account and mail a verification link (or, for an address that already
    has an account, tell its owner). Raises AccountError for input the form must correct."""
    email = normalise_email(data.email)
    domains.check_address(email, data.municipality)
    check_password_strength(data.password)
    existing = find_by_email(email)
    if existing is not None and not _restartable(existing):
        account_mail.already_registered(existing)
        db.session.commit()
        return
    user = existing or User(email=email, role="officer")
    user.name = data.name.strip()
    user.department = data.department.strip()
    user.title = (data.title or "").strip()
    user.municipality = data.municipality
    user.approval = "pending"
    user.email_verified_at = None
    user.active = True
    set_password(user, data.password)
    db.session.add(user)
    db.session.flush()
    audit(None, "user.signup", user, municipality=data.municipality.code)
    account_mail.verify_signup(user, tokens.issue("verify", user))
    db.session.commit()


def pending_for_token(token: str) -> User:
    """The unverified sign-up a verification link is for; TokenError if expired or used."""
    user, _claims = tokens.read("verify", token)
    if user.approval != "pending" or user.email_verified_at is not None:
        raise tokens.TokenError()
    return user


def verify(token: str, password: str) -> User:
    """Confirm the address. The password chosen at sign-up is asked again, so a link opened by
    someone who did not sign up (or a mail scanner) verifies nothing."""
    user = pending_for_token(token)
    if not user.check_password(password):
        raise AccountError(_("パスワードが正しくありません。登録のときに決めたパスワードを入力してください。"))
    user.email_verified_at = utcnow()
    audit(user, "user.verify", user)
    account_mail.signup_waiting(user)
    db.session.commit()
    return user


def _pending(user: User, actor) -> None:
    permissions.require(permissions.can_manage_account(actor, user),
                        _("この登録を承認する権限がありません。"), hide=True)
    if user.approval != "pending" or user.email_verified_at is None:
        raise AccountError(_("この登録は承認待ちではありません（既に処理されたか、メールアドレスの確認前です）。"))


def approve(user: User, actor) -> None:
    """Open the account and link it to the contact-officer record with its address, so the
    threads of postings that already named the officer are in the inbox at once."""
    _pending(user, actor)
    user.approval = "approved"
    officer = link_officer_record(user)
    db.session.flush()
    audit(actor, "user.approve", user, municipality=user.municipality.code,
          officer_id=officer.id if officer is not None else None)
    account_mail.approved(user)
    db.session.commit()


def refuse(user: User, actor, why: str) -> None:
    """Turn a sign-up down; the reason is mailed to the applicant and kept in the audit log."""
    why = (why or "").strip()
    if not why:
        raise AccountError(_("承認しない理由を入力してください（申請者にメールで伝わります）。"))
    if len(why) > MAX_REASON:
        raise AccountError(_("理由は%(max)d文字以内で入力してください。", max=MAX_REASON))
    _pending(user, actor)
    user.approval = "refused"
    audit(actor, "user.refuse", user, municipality=user.municipality.code, reason=why)
    account_mail.refused(user, why)
    db.session.commit()
