"""Every account route × every role, written out in full (the friend of tests/test_authorization.py
for sign-up, approval, account managers and official domains)."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import MunicipalityDomain, User
from app.models.base import utcnow
from app.services.accounts import domains
from app.services.accounts import users as user_service
from tests.helpers import PASSWORD

ROLES = ["anonymous", "officer_own", "officer_other", "manager_own", "manager_other",
         "liaison_own", "liaison_central", "admin", "pending"]
LOGIN = 302  # anonymous users are sent to the login page
OK = 302  # successful form posts redirect
HOME = 302  # logged-in users are sent away from the sign-up form

MATRIX = {
    "signup":          [200, HOME, HOME, HOME, HOME, HOME, HOME, HOME, 200],
    "reset":           [200, 200, 200, 200, 200, 200, 200, 200, 200],
    "email":           [LOGIN, 200, 200, 200, 200, 200, 200, 200, LOGIN],
    "transfer":        [LOGIN, 200, 200, 200, 200, 403, 403, 403, LOGIN],
    "staff":           [LOGIN, 403, 403, 200, 200, 403, 200, 200, LOGIN],
    "domains_own":     [LOGIN, 403, 403, 200, 200, 403, 403, 200, LOGIN],  # managers see their own
    "refuse_own":      [LOGIN, 403, 403, OK, 404, 403, 404, OK, LOGIN],
    "approve_own":     [LOGIN, 403, 403, OK, 404, 403, 404, OK, LOGIN],
    "suspend_own":     [LOGIN, 403, 403, OK, 404, 403, 404, OK, LOGIN],
    "delete_domain":   [LOGIN, 403, 403, OK, 404, 403, 404, OK, LOGIN],
    "admin_domains":   [LOGIN, 403, 403, 403, 403, 403, 403, 200, LOGIN],
    "grant_manager":   [LOGIN, 403, 403, 403, 403, 403, 403, OK, LOGIN],
}
# Whether the pending sign-up of the own municipality is listed on /staff/ for the role.
SEES_PENDING = {"manager_own": True, "manager_other": False, "liaison_central": False, "admin": True}


def _pending(code: str, email: str, name: str) -> User:
    from app.models import Municipality

    user = User(email=email, name=name, role="officer", approval="pending", email_verified_at=utcnow(),
                municipality=db.session.scalar(select(Municipality).where(Municipality.code == code)))
    user_service.set_password(user, PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def world(users, desk, muni):
    own, other = "131041", "131016"  # 新宿区, 千代田区
    domains.add_domain(muni(own), "city.shinjuku.example.lg.jp", actor=None)
    domains.add_domain(muni(other), "city.chiyoda.example.lg.jp", actor=None)
    accounts = {
        "officer_own": users.officer(own),
        "officer_other": users.officer(other),
        "manager_own": users.officer(own, name="新宿 人事"),
        "manager_other": users.officer(other, name="千代田 人事"),
        "liaison_own": users.liaison(desk(own)),
        "liaison_central": users.liaison(desk(None)),
        "admin": users.admin(),
        "pending": _pending(own, "waiting@city.shinjuku.example.lg.jp", "待機 中"),
    }
    for role in ("manager_own", "manager_other"):
        user_service.set_manager(accounts[role], True, actor=None)
    objects = {
        "to_approve": _pending(own, "approve.me@city.shinjuku.example.lg.jp", "承認 候補"),
        "to_refuse": _pending(own, "refuse.me@city.shinjuku.example.lg.jp", "不承認 候補"),
        "domain": db.session.scalar(select(MunicipalityDomain).where(
            MunicipalityDomain.domain == "city.shinjuku.example.lg.jp")),
    }
    return accounts, objects


def _request(client, route, accounts, objects):
    if route == "signup":
        return client.get("/accounts/signup")
    if route == "reset":
        return client.get("/accounts/reset")
    if route == "email":
        return client.get("/accounts/email")
    if route == "transfer":
        return client.get("/accounts/transfer")
    if route == "staff":
        return client.get("/staff/")
    if route == "domains_own":
        return client.get("/staff/domains?code=131041")
    if route == "approve_own":
        return client.post_form(f"/staff/signups/{objects['to_approve'].id}/approve", token_from="/")
    if route == "refuse_own":
        return client.post_form(f"/staff/signups/{objects['to_refuse'].id}/refuse",
                                {"reason": "該当者がいません"}, token_from="/")
    if route == "suspend_own":
        return client.post_form(f"/staff/accounts/{accounts['officer_own'].id}/status", {"active": "0"},
                                token_from="/")
    if route == "delete_domain":
        return client.post_form(f"/staff/domains/{objects['domain'].id}/delete", token_from="/")
    if route == "admin_domains":
        return client.get("/admin/domains")
    if route == "grant_manager":
        return client.post_form(f"/admin/users/{accounts['officer_own'].id}/manager", {"manages": "1"},
                                token_from="/")
    raise AssertionError(route)


@pytest.mark.parametrize("role", ROLES)
def test_account_route_matrix(client, world, role):
    accounts, objects = world
    if role == "pending":
        refused = client.post_form("/accounts/login", {"email": accounts[role].email, "password": PASSWORD})
        assert refused.status_code == 400  # a sign-up waiting for approval cannot log in
    elif role != "anonymous":
        client.login(accounts[role].email)
    if role in SEES_PENDING:
        listed = "承認 候補" in client.get("/staff/").get_data(as_text=True)
        assert listed is SEES_PENDING[role]
    got = {route: _request(client, route, accounts, objects).status_code for route in MATRIX}
    want = {route: codes[ROLES.index(role)] for route, codes in MATRIX.items()}
    assert got == want


def test_central_desk_manages_where_no_manager_exists(client, world, users, desk, muni):
    accounts, _objects = world
    domains.add_domain(muni("046060"), "town.minamisanriku.example.lg.jp", actor=None)
    waiting = _pending("046060", "new@town.minamisanriku.example.lg.jp", "南三陸 新人")
    client.login(accounts["liaison_central"].email)
    assert "南三陸 新人" in client.get("/staff/").get_data(as_text=True)
    assert client.post_form(f"/staff/signups/{waiting.id}/approve", token_from="/").status_code == 302
    # …but not their domains: those are for admins and the municipality's own managers.
    assert client.get("/staff/domains?code=046060").status_code == 403
