"""Password reset by e-mail: a signed, expiring, single-use link. Asking for one always gets
the same answer, whether or not the address has an account."""

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.services.accounts import tokens
from app.services.accounts.users import (
    AccountError,
    audit,
    check_password_strength,
    end_sessions,
    find_by_email,
    normalise_email,
    set_password,
)
from app.services.mail import accounts as account_mail


def _may_reset(user: User | None) -> bool:
    """Suspended accounts, refused sign-ups and unverified ones (they sign up again) get no link."""
    if user is None or not user.active or user.approval == "refused":
        return False
    return not (user.approval == "pending" and user.email_verified_at is None)


def request_reset(email: str) -> None:
    """Mail a reset link if the address has an account that may have one; else do nothing.
    The caller answers the same in both cases."""
    try:
        email = normalise_email(email)
    except AccountError:
        return
    user = find_by_email(email)
    if not _may_reset(user):
        return
    account_mail.reset_link(user, tokens.issue("reset", user))
    db.session.commit()


def user_for_token(token: str) -> User:
    user, _claims = tokens.read("reset", token)
    if not _may_reset(user):
        raise tokens.TokenError()
    return user


def reset_password(token: str, new: str) -> User:
    """Set the new password; the link, other reset links and every session stop working."""
    user = user_for_token(token)
    check_password_strength(new)
    set_password(user, new)
    end_sessions(user)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link reached the address
    audit(user, "user.password_reset", user)
    account_mail.password_changed(user)
    db.session.commit()
    return user
