"""Sign-up scopes, domain import and signed links on PostgreSQL (migrated with Alembic)."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import Desk, Municipality, User
from app.models.base import utcnow
from app.services.accounts import domains, tokens
from app.services.accounts import users as user_service
from app.services.data import demo
from app.services.data.reference import load_reference_data

pytestmark = pytest.mark.postgres


def _muni(code: str) -> Municipality:
    return db.session.scalar(select(Municipality).where(Municipality.code == code))


def _pending(code: str, email: str) -> User:
    user = User(email=email, name=email, role="officer", approval="pending",
                email_verified_at=utcnow(), municipality=_muni(code))
    user_service.set_password(user, "a long enough secret")
    db.session.add(user)
    db.session.commit()
    return user


def test_scopes_domains_and_links(pg_app):
    upgrade()
    load_reference_data()
    report = domains.import_csv((demo.DEMO_DIR / "domains.csv").read_text(encoding="utf-8"))
    assert report.errors == [] and report.created == 135
    assert domains.import_csv((demo.DEMO_DIR / "domains.csv").read_text(encoding="utf-8")).created == 0

    manager = user_service.create_user("jinji@minamisanriku.example.jp", "人事", "a long enough secret",
                                       "officer", _muni("046060"))
    user_service.set_manager(manager, True, actor=None)
    central = user_service.create_user("central@kakehashi.example.jp", "窓口", "a long enough secret",
                                       "liaison", desk=db.session.scalar(select(Desk).where(Desk.municipality_id.is_(None))))
    town = _pending("046060", "new@minamisanriku.example.jp")
    ward = _pending("131041", "new@shinjuku.example.jp")

    assert db.session.scalars(permissions.pending_signups(manager)).all() == [town]
    # The central desk decides only where no manager exists (NOT IN a UNION on PostgreSQL).
    assert db.session.scalars(permissions.pending_signups(central)).all() == [ward]
    assert permissions.can_manage_account(central, ward) and not permissions.can_manage_account(central, town)

    token = tokens.issue("verify", ward)
    db.session.expire_all()  # the fingerprint must survive the round trip through timestamps
    user, _claims = tokens.read("verify", token)
    assert user.id == ward.id
