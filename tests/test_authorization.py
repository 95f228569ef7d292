"""Every posting and board route × every role. Expected status codes are written out in full.

On the officials' board residents (anonymous) get 404 everywhere, also where a posting page
would send them to the login page: for them the board does not exist."""

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
    "admin_domains":    [LOGIN, 403, 403, 403, 403, 403, 200],
    "staff_accounts":   [LOGIN, 403, 403, 403, 403, 200, 200],  # + account managers: tests/accounts
    "signup":           [200, 302, 302, 302, 302, 302, 302],
    "account_transfer": [LOGIN, 200, 200, 403, 403, 403, 403],
    "contact_officers": [LOGIN, 403, 403, 200, 200, 200, 200],
    # The board: the topic is officer_own's, the answer officer_other's.
    "board_index":        [404, 200, 200, 200, 200, 200, 200],
    "board_category":     [404, 200, 200, 200, 200, 200, 200],
    "board_search":       [404, 200, 200, 200, 200, 200, 200],
    "board_notices":      [404, 200, 200, 200, 200, 200, 200],
    "board_topic":        [404, 200, 200, 200, 200, 200, 200],
    "board_new":          [404, 200, 200, 200, 200, 200, 200],
    "board_edit_topic":   [404, 200, 403, 403, 403, 403, 403],
    "board_edit_answer":  [404, 403, 200, 403, 403, 403, 403],
    "board_report_answer": [404, 200, 403, 200, 200, 200, 200],
    "board_contact_topic": [404, 403, 200, 200, 200, 200, 200],
    "board_moderation":   [404, 403, 403, 200, 200, 200, 200],
    "board_mark_answer":  [404, 302, 403, 403, 403, 403, 403],
    # Last: these change what the rows above would see.
    "board_hide_answer":  [404, 403, 403, 302, 302, 302, 302],
    "board_close_topic":  [404, 403, 403, 302, 302, 302, 302],
}


@pytest.fixture
def world(users, postings, desk):
    from app.services.board import posts
    from app.services.board.posts import TopicInput

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
    topic = posts.create_topic(TopicInput("空き家の略式代執行", "進め方を教えてください。",
                                          posts.categories_by_code(["B-11"])), accounts["officer_own"])
    objects["topic"] = topic
    objects["answer"] = posts.add_answer(topic, "区ではこうしました。", accounts["officer_other"])
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
    if route == "admin_domains":
        return client.get("/admin/domains")
    if route == "staff_accounts":
        return client.get("/staff/")
    if route == "signup":
        return client.get("/accounts/signup")
    if route == "account_transfer":
        return client.get("/accounts/transfer")
    if route == "contact_officers":
        return client.get("/contact/officers")
    topic, answer = p["topic"].id, p["answer"].id
    gets = {
        "board_index": "/board/", "board_category": "/board/c/B-11", "board_search": "/board/search?q=空き家",
        "board_notices": "/board/notices", "board_topic": f"/board/topics/{topic}", "board_new": "/board/new",
        "board_edit_topic": f"/board/topics/{topic}/edit", "board_edit_answer": f"/board/answers/{answer}/edit",
        "board_report_answer": f"/board/answers/{answer}/report",
        "board_contact_topic": f"/board/topics/{topic}/contact", "board_moderation": "/board/moderation",
    }
    if route in gets:
        return client.get(gets[route])
    if route == "board_mark_answer":
        return client.post_form(f"/board/answers/{answer}/mark", {"mark": "helpful"}, token_from="/")
    if route == "board_hide_answer":
        return client.post_form(f"/board/answers/{answer}/moderate", {"action": "hide", "reason": "確認のため"},
                                token_from="/")
    if route == "board_close_topic":
        return client.post_form(f"/board/topics/{topic}/moderate", {"action": "close", "reason": "解決済みのため"},
                                token_from="/")
    raise AssertionError(route)


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(client, world, role):
    accounts, objects = world
    if role != "anonymous":
        client.login(accounts[role].email)
    got = {route: _request(client, route, objects).status_code for route in MATRIX}
    want = {route: codes[ROLES.index(role)] for route, codes in MATRIX.items()}
    assert got == want


@pytest.mark.parametrize("role", ["anonymous", *ROLES[1:]])
def test_the_officers_list_is_whom_the_user_may_hand_over(world, role):
    """scopes.officers_for_handover lists exactly the officers rules.can_hand_over allows."""
    from sqlalchemy import select

    from app import permissions
    from app.extensions import db
    from app.models import Officer

    accounts, _ = world
    user = accounts.get(role)
    listed = set(db.session.scalars(permissions.officers_for_handover(user).with_only_columns(Officer.id)))
    allowed = {o.id for o in db.session.scalars(select(Officer)) if permissions.can_hand_over(user, o)}
    assert listed == allowed
