"""Login accounts: officers, liaison-desk members and admins. Residents have no account.

An account is usable (can log in) when it is not suspended (`active`) and approved. Admins
create approved accounts; a self sign-up starts `pending` and becomes usable once its address
is verified and the municipality's account manager (or the central desk) approves it.
"""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.i18n import N_
from app.models.base import utcnow

ROLES = ("officer", "liaison", "admin")
ROLE_LABELS = {"officer": N_("自治体職員"), "liaison": N_("窓口担当"), "admin": N_("管理者")}
NOTIFY_MODES = ("immediate", "digest", "none")
APPROVALS = ("pending", "approved", "refused")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="officer")
    # Officers belong to one municipality; liaisons to one desk (a ward's, or the central one).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desks.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_mode: Mapped[str] = mapped_column(String(20), default="immediate")
    # What a self sign-up tells about the person; copied to their contact-officer record.
    department: Mapped[str] = mapped_column(String(120), default="", server_default="")
    title: Mapped[str] = mapped_column(String(60), default="", server_default="")
    approval: Mapped[str] = mapped_column(String(20), default="approved", server_default="approved",
                                          index=True)
    email_verified_at: Mapped[datetime | None]
    # An account manager approves sign-ups and suspends accounts of their own municipality.
    manages_accounts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Part of the session id: raising it ends every session (password change, suspension).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set when the account moved to another municipality (transfer): who left, from where.
    previous_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"),
                                                                 index=True)
    moved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    last_digest_at: Mapped[datetime | None]

    municipality = relationship("Municipality", foreign_keys=[municipality_id])
    previous_municipality = relationship("Municipality", foreign_keys=[previous_municipality_id])
    # Read on every page an official sees (header, permissions): loaded with the user.
    desk = relationship("Desk", back_populates="members", lazy="joined")
    officer = relationship("Officer", back_populates="user", uselist=False, lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active and self.approval == "approved"

    def get_id(self) -> str:
        """Flask-Login's session (and remember-cookie) id: changes when session_version does."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_pending(self) -> bool:
        return self.approval == "pending"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
