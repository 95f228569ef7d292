"""Every posting route × every role. Expected status codes are written out in full."""

import pytest

ROLES = ["anonymous", "officer_own", "officer_other", "liaison_own", "liaison_other", "liaison_central", "admin"]
LOGIN = 302  # anonymous users are sent to the login page

# route name -> expected status per role (same order as ROLES)
MATRIX = {
    "view_public":      [200, 200, 200, 200, 200, 200, 200],
    "view_officials":   [404, 200, 200, 200, 200, 200, 200],
    "view_draft":       [404, 200, 404, 200, 404, 404, 200],
    "edit_public":      [LOGIN, 200, 403, 200, 403, 403, 200],
    "edit_draft":       [LOGIN, 200, 404, 200, 404, 404, 200],
    "archive_public":   [LOGIN, 302, 403, 302, 403, 403, 302],
    "new_case":         [LOGIN, 200, 200, 200, 200, 403, 200],
    "admin_dashboard":  [LOGIN, 403, 403, 403, 403, 403, 200],
    "admin_users":      [LOGIN, 403, 403, 403, 403, 403, 200],
    "admin_new_user":   [LOGIN, 403, 403, 403, 403, 403, 200],
}


@pytest.fixture
def world(users, postings, desk):
    own, other = "131041", "131016"  # 新宿区, 千代田区
    accounts = {
        "officer_own": users.officer(own),
        "officer_other": users.officer(other),
        "liaison_own": users.liaison(desk(own)),
        "liaison_other": users.liaison(desk(other)),
        "liaison_central": users.liaison(desk(None)),
        "admin": users.admin(),
    }
    objects = {
        "public": postings(code=own),
        "officials": postings(code=own, visibility="officials"),
        "draft": postings(code=own, status="draft"),
    }
    return accounts, objects


def _request(client, route, objects):
    p = objects
    if route == "view_public":
        return client.get(f"/postings/{p['public'].id}")
    if route == "view_officials":
        return client.get(f"/postings/{p['officials'].id}")
    if route == "view_draft":
        return client.get(f"/postings/{p['draft'].id}")
    if route == "edit_public":
        return client.get(f"/postings/{p['public'].id}/edit")
    if route == "edit_draft":
        return client.get(f"/postings/{p['draft'].id}/edit")
    if route == "archive_public":
        return client.post_form(f"/postings/{p['public'].id}/archive", token_from="/")
    if route == "new_case":
        return client.get("/postings/new/cases")
    if route == "admin_dashboard":
        return client.get("/admin/")
    if route == "admin_users":
        return client.get("/admin/users")
    if route == "admin_new_user":
        return client.get("/admin/users/new")
    raise AssertionError(route)


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(client, world, role):
    accounts, objects = world
    if role != "anonymous":
        client.login(accounts[role].email)
    got = {route: _request(client, route, objects).status_code for route in MATRIX}
    want = {route: codes[ROLES.index(role)] for route, codes in MATRIX.items()}
    assert got == want
