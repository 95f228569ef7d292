"""A new address, verified before it counts: a change of e-mail address, and a transfer
(人事異動) to another municipality, which needs an address in the new municipality's official
domain and the new municipality's approval before the account can be used again."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import Municipality, Officer, User
from app.models.base import utcnow
from app.services.accounts import domains, tokens
from app.services.accounts.users import (
    AccountError,
    audit,
    end_sessions,
    find_by_email,
    normalise_email,
)
from app.services.mail import accounts as account_mail


def _check_password(user: User, password: str) -> None:
    if not user.check_password(password or ""):
        raise AccountError(_("現在のパスワードが正しくありません。"))


def _free(email: str, user: User) -> None:
    other = find_by_email(email)
    if other is not None and other.id != user.id:
        raise AccountError(_("このメールアドレスは別のアカウントで使われています。"))


# --- change of address -------------------------------------------------------------------


def request_email_change(user: User, password: str, new_email: str) -> str:
    """Mail a confirmation link to the new address (and a notice to the current one). An
    officer whose municipality has official domains must stay within them."""
    _check_password(user, password)
    new = normalise_email(new_email)
    if new == user.email.lower():
        raise AccountError(_("今のメールアドレスと同じです。"))
    if user.role == "officer" and domains.domains_of(user.municipality):
        domains.check_address(new, user.municipality)
    _free(new, user)
    account_mail.email_change_link(user, new, tokens.issue("email", user, e=new))
    db.session.commit()
    return new


def confirm_email_change(token: str) -> User:
    user, claims = tokens.read("email", token)
    new = claims.get("e")
    if not isinstance(new, str) or not user.active:
        raise tokens.TokenError()
    _free(new, user)
    old = user.email
    user.email = new
    user.email_verified_at = utcnow()
    officer = user.officer
    if officer is not None and officer.email.lower() == old.lower():
        officer.email = new  # postings naming this address keep finding the officer
    audit(user, "user.email_change", user, old=old)
    db.session.commit()
    return user


# --- transfer to another municipality ----------------------------------------------------


def request_transfer(user: User, password: str, municipality: Municipality | None,
                     new_email: str) -> str:
    """Mail a confirmation link to the officer's address at the new municipality."""
    if not permissions.can_transfer(user):
        raise AccountError(_("異動の手続きは自治体職員のアカウントだけが行えます。"))
    _check_password(user, password)
    if municipality is None:
        raise AccountError(_("異動先の自治体を選んでください。"))
    if municipality.id == user.municipality_id:
        raise AccountError(_("異動先が今の所属と同じです。"))
    new = normalise_email(new_email)
    domains.check_address(new, municipality)
    _free(new, user)
    account_mail.transfer_link(user, municipality, new,
                               tokens.issue("transfer", user, m=municipality.id, e=new))
    db.session.commit()
    return new


def transfer_for_token(token: str) -> tuple[User, Municipality, str]:
    user, claims = tokens.read("transfer", token)
    municipality_id, new = claims.get("m"), claims.get("e")
    municipality = db.session.get(Municipality, municipality_id) if isinstance(municipality_id, int) else None
    if municipality is None or not isinstance(new, str) or not user.active:
        raise tokens.TokenError()
    return user, municipality, new


def confirm_transfer(token: str) -> User:
    """Move the account: new municipality and address, no longer linked to the old
    municipality's contact-officer record, waiting for the new municipality's approval (all
    sessions end). The old municipality's managers see who left (`departures`)."""
    user, municipality, new = transfer_for_token(token)
    domains.check_address(new, municipality)  # the domain may have been removed since
    _free(new, user)
    old_officer, old_email, old_municipality = user.officer, user.email, user.municipality
    if old_officer is not None:
        old_officer.user = None  # the record stays with its postings (and its handover)
    user.previous_municipality = old_municipality
    user.moved_at = utcnow()
    user.municipality = municipality
    user.email = new
    user.email_verified_at = utcnow()
    user.approval = "pending"
    user.manages_accounts = False  # a manager at the old municipality is not one at the new
    end_sessions(user)
    db.session.flush()
    audit(user, "user.transfer", user, old=old_email,
          from_code=old_municipality.code if old_municipality else None, to_code=municipality.code,
          officer_id=old_officer.id if old_officer is not None else None)
    account_mail.signup_waiting(user)
    db.session.commit()
    return user


@dataclass
class Departures:
    handed_over: list[Officer]  # contact officers whose work was handed over (人事異動)
    moved: list[User]  # accounts that moved to another municipality


def departures(municipality_id: int, limit: int = 50) -> Departures:
    """Who left a municipality, newest first (the caller checks who may see it)."""
    handed = db.session.scalars(
        select(Officer).where(Officer.municipality_id == municipality_id,
                              Officer.transferred_at.is_not(None))
        .order_by(Officer.transferred_at.desc()).limit(limit))
    moved = db.session.scalars(
        select(User).where(User.previous_municipality_id == municipality_id)
        .order_by(User.moved_at.desc()).limit(limit))
    return Departures(list(handed), list(moved))
