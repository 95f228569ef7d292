"""Accounts: created by admins (page or CLI), never by self-registration."""

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, Desk, Municipality, Officer, User
from app.models.accounts import ROLES
from app.models.base import utcnow

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """Invalid account data; the message is shown to the admin."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError(f"メールアドレス {email!r} が正しくありません") from None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください")


def create_user(
    email: str,
    name: str,
    password: str,
    role: str = "officer",
    municipality: Municipality | None = None,
    desk: Desk | None = None,
) -> User:
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"役割は {', '.join(ROLES)} のいずれかです")
    if role == "officer" and municipality is None:
        raise AccountError("自治体職員のアカウントには所属自治体が必要です")
    if role == "liaison" and desk is None:
        raise AccountError("窓口担当のアカウントには所属窓口が必要です")
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise AccountError(f"{email} は既に登録されています")
    check_password_strength(password)
    user = User(email=email, name=name.strip(), role=role, municipality=municipality, desk=desk)
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    link_officer_record(user)
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    user.set_password(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def link_officer_record(user: User) -> None:
    """An officer named on postings before having an account gets linked to it by e-mail."""
    if user.role != "officer" or user.municipality_id is None:
        return
    officer = db.session.scalar(
        select(Officer).where(
            Officer.municipality_id == user.municipality_id,
            func.lower(Officer.email) == user.email,
            Officer.user_id.is_(None),
        )
    )
    if officer is None:
        officer = Officer(municipality_id=user.municipality_id, email=user.email, name=user.name)
        db.session.add(officer)
    officer.user = user


def authenticate(email: str, password: str) -> User | None:
    try:
        email = normalise_email(email)
    except AccountError:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError("現在のパスワードが正しくありません")
    check_password_strength(new)
    set_password(user, new)
    db.session.commit()


def set_active(user: User, active: bool, actor) -> None:
    """Suspend or reactivate a login (e.g. after a transfer); recorded in the audit log.

    Suspending never moves postings or threads: that is the handover's job.
    """
    if actor is not None and actor.id == user.id and not active:
        raise AccountError("自分のアカウントは停止できません")
    user.active = active
    db.session.add(AuditLog(
        actor_user_id=getattr(actor, "id", None),
        action="user.reactivate" if active else "user.suspend",
        target_type="user", target_id=user.id, details={"email": user.email},
    ))
    db.session.commit()
