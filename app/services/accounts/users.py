"""Accounts: created by admins (page or CLI) or by a verified, approved sign-up (signup.py);
passwords, sessions, suspension and the link to the contact-officer record."""

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import permissions
from app.extensions import db
from app.models import AuditLog, Desk, Municipality, Officer, User
from app.models.accounts import ROLES
from app.models.base import utcnow

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """Invalid account data; the message is shown to the admin, under `field` when it names one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError(_("メールアドレス %(email)r が正しくありません", email=email), field="email") from None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("パスワードは%(min)d文字以上にしてください", min=MIN_PASSWORD_LENGTH),
                           field="password")


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


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
        raise AccountError(_("役割は %(roles)s のいずれかです", roles=", ".join(ROLES)), field="role")
    if role == "officer" and municipality is None:
        raise AccountError(_("自治体職員のアカウントには所属自治体が必要です"), field="municipality")
    if role == "liaison" and desk is None:
        raise AccountError(_("窓口担当のアカウントには所属窓口が必要です"), field="desk")
    if find_by_email(email):
        raise AccountError(_("%(email)s は既に登録されています", email=email), field="email")
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


def link_officer_record(user: User) -> Officer | None:
    """An officer named on postings before having an account gets linked to it by e-mail, so
    the threads of those postings are in their inbox at once; else a new record is made."""
    if user.role != "officer" or user.municipality_id is None:
        return None
    officer = db.session.scalar(
        select(Officer).where(
            Officer.municipality_id == user.municipality_id,
            func.lower(Officer.email) == user.email,
            Officer.user_id.is_(None),
        ).order_by(Officer.active.desc(), Officer.id)  # the one still in post first
    )
    if officer is None:
        officer = Officer(municipality_id=user.municipality_id, email=user.email, name=user.name,
                          department=user.department or "", title=user.title or "")
        db.session.add(officer)
    else:
        # Fill gaps only: what postings already show is not rewritten by a sign-up.
        officer.department = officer.department or user.department or ""
        officer.title = officer.title or user.title or ""
    officer.user = user
    return officer


def audit(actor, action: str, user: User, **details) -> None:
    db.session.add(AuditLog(actor_user_id=getattr(actor, "id", None), action=action,
                            target_type="user", target_id=user.id,
                            details={"email": user.email, **details}))


# --- logging in and sessions -------------------------------------------------------------


def login_check(email: str, password: str) -> tuple[User | None, str | None]:
    """(user, None) when the login may go ahead; (None, why) otherwise. The reason is specific
    only once the password was right; otherwise it never says whether the address exists."""
    wrong = _("メールアドレスかパスワードが正しくありません。")
    try:
        email = normalise_email(email)
    except AccountError:
        return None, wrong
    user = find_by_email(email)
    if user is None or not user.check_password(password):
        return None, wrong
    if user.approval == "pending" and user.email_verified_at is None:
        return None, _("メールアドレスの確認がまだです。届いたメールのリンクを開いてください。")
    if user.approval == "pending":
        return None, _("所属自治体の承認待ちです。承認されるとメールでお知らせします。")
    if user.approval == "refused":
        return None, _("この登録は承認されませんでした。詳しくはお知らせのメールをご覧ください。")
    if not user.active:
        return None, _("このアカウントは停止されています。所属自治体のアカウント管理者にお問い合わせください。")
    user.last_login_at = utcnow()
    db.session.commit()
    return user, None


def authenticate(email: str, password: str) -> User | None:
    return login_check(email, password)[0]


def user_for_session(session_id: str) -> User | None:
    """Flask-Login's loader: the session id is "<user id>:<session version>"; a session
    started before the last password change or suspension no longer loads a user."""
    user_id, _sep, version = (session_id or "").partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or (user.session_version or 0) != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """Log the account out everywhere (its session id changes; the caller commits)."""
    user.session_version = (user.session_version or 0) + 1


def change_password(user: User, current: str, new: str) -> None:
    """Change a password; every session of the account ends (the view logs this one in again)."""
    if not user.check_password(current):
        raise AccountError(_("現在のパスワードが正しくありません"))
    check_password_strength(new)
    set_password(user, new)
    end_sessions(user)
    audit(user, "user.password_change", user)
    from app.services.mail import accounts as account_mail

    account_mail.password_changed(user)
    db.session.commit()


def set_active(user: User, active: bool, actor) -> None:
    """Suspend or reactivate a login (e.g. after a transfer); recorded in the audit log.

    Suspending never moves postings or threads: that is the handover's job.
    """
    if actor is not None:
        permissions.require(permissions.can_manage_account(actor, user),
                            _("このアカウントを変更する権限がありません。"))
    if actor is not None and actor.id == user.id and not active:
        raise AccountError(_("自分のアカウントは停止できません"))
    user.active = active
    if not active:
        end_sessions(user)
    audit(actor, "user.reactivate" if active else "user.suspend", user)
    db.session.commit()


def set_manager(user: User, manages: bool, actor) -> None:
    """Grant or take back the account-manager role (admins, or the CLI: actor None), audited."""
    if actor is not None:
        permissions.require(permissions.can_grant_manager(actor, user),
                            _("アカウント管理者を指定する権限がありません。"))
    if manages and not permissions.can_be_account_manager(user):
        raise AccountError(_("アカウント管理者にできるのは、自治体職員か区の窓口担当のアカウントです。"))
    user.manages_accounts = manages
    audit(actor, "user.grant_manager" if manages else "user.revoke_manager", user,
          municipality_id=permissions.account_municipality_id(user))
    db.session.commit()
