"""Who may read and act on a thread: every contact route × every role, written out in full."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Thread
from app.services.contact import actions, links, routing
from app.services.contact.routing import Sender

ROLES = ["anonymous", "officer_own", "officer_other", "liaison_own", "liaison_other",
         "liaison_central", "admin"]
LOGIN = 302  # anonymous users are sent to the login page
OK_POST = 302  # successful form posts redirect back to the thread
HIDDEN = 404  # someone else's thread answers like a missing one (ids cannot be enumerated)

MATRIX = {  # in request order: the link routes first, as a reply issues a new link
    "sender_link":    [200, 200, 200, 200, 200, 200, 200],
    "bad_link":       [404, 404, 404, 404, 404, 404, 404],
    "thread":         [LOGIN, 200, HIDDEN, 200, HIDDEN, 200, 200],
    "reply":          [LOGIN, OK_POST, HIDDEN, OK_POST, HIDDEN, OK_POST, OK_POST],
    "note":           [LOGIN, OK_POST, HIDDEN, OK_POST, HIDDEN, OK_POST, OK_POST],
    "close":          [LOGIN, OK_POST, HIDDEN, OK_POST, HIDDEN, OK_POST, OK_POST],
    "block":          [LOGIN, OK_POST, HIDDEN, OK_POST, HIDDEN, OK_POST, OK_POST],
    "revoke":         [LOGIN, OK_POST, HIDDEN, OK_POST, HIDDEN, OK_POST, OK_POST],
    "forward":        [LOGIN, 403, HIDDEN, OK_POST, HIDDEN, OK_POST, OK_POST],
    "inbox":          [LOGIN, 200, 200, 200, 200, 200, 200],
    "settings":       [LOGIN, 200, 200, 200, 200, 200, 200],
    "officers":       [LOGIN, 403, 403, 200, 200, 200, 200],
    "handover":       [LOGIN, 403, 403, 200, 403, 200, 200],
    "dev_mailbox":    [404, 404, 404, 404, 404, 404, 404],  # development only
}


@pytest.fixture
def world(users, postings, desk):
    own, other = "131041", "131016"  # 新宿区, 千代田区
    accounts = {
        "officer_own": users.officer(own),
        "officer_other": users.officer(own),
        "liaison_own": users.liaison(desk(own)),
        "liaison_other": users.liaison(desk(other)),
        "liaison_central": users.liaison(desk(None)),
        "admin": users.admin(),
    }
    posting = postings(code=own, officer=accounts["officer_own"].officer)
    thread = routing.contact_posting(posting, Sender("住民", "resident@example.com"), "", "質問です")
    token = links.issue_sender_link(thread)
    db.session.commit()
    return accounts, thread, token


def _request(client, route, thread, token, accounts):
    base = f"/contact/threads/{thread.id}"
    page = base  # CSRF token source; WebClient falls back to the login/password form
    if route == "thread":
        return client.get(base)
    if route == "reply":
        return client.post_form(f"{base}/reply", {"body": "返信です"}, token_from=page)
    if route == "note":
        return client.post_form(f"{base}/note", {"body": "メモです"}, token_from=page)
    if route == "close":
        return client.post_form(f"{base}/status", {"value": "closed"}, token_from=page)
    if route == "block":
        return client.post_form(f"{base}/block", {"value": "1"}, token_from=page)
    if route == "revoke":
        return client.post_form(f"{base}/revoke", {}, token_from=page)
    if route == "forward":
        target = accounts["officer_other"].officer.id
        return client.post_form(f"{base}/forward", {"officer": target, "note": "お願いします"}, token_from=page)
    if route == "inbox":
        return client.get("/contact/inbox")
    if route == "settings":
        return client.get("/contact/settings")
    if route == "officers":
        return client.get("/contact/officers")
    if route == "handover":
        return client.get(f"/contact/officers/{thread.officer_id}/handover")
    if route == "sender_link":
        return client.get(f"/contact/t/{token}")
    if route == "bad_link":
        return client.get(f"/contact/t/{token[:-2]}xx")
    if route == "dev_mailbox":
        return client.get("/contact/dev/mailbox")
    raise AssertionError(route)


@pytest.mark.parametrize("role", ROLES)
def test_contact_route_matrix(client, world, role):
    accounts, thread, token = world
    if role != "anonymous":
        client.login(accounts[role].email)
    got = {}
    for route in MATRIX:
        if route == "revoke":
            got[route] = _request(client, route, thread, token, accounts).status_code
            # put the link back for the routes that follow
            db.session.refresh(thread)
            thread.token_revoked = False
            db.session.commit()
            continue
        got[route] = _request(client, route, thread, token, accounts).status_code
    want = {route: codes[ROLES.index(role)] for route, codes in MATRIX.items()}
    assert got == want


def test_private_link_shows_only_its_thread(client, world, postings):
    accounts, thread, token = world
    posting = postings(code="131041", officer=accounts["officer_own"].officer)
    other = routing.contact_posting(posting, Sender("別人", "other@example.com"), "", "別の秘密の質問")
    actions.add_note(thread, accounts["officer_own"], "内部メモ: 送信者には見せない")
    page = client.get(f"/contact/t/{token}").get_data(as_text=True)
    assert "質問です" in page
    assert "別の秘密の質問" not in page and "別人" not in page
    assert "内部メモ" not in page  # internal notes never reach the sender
    assert client.get(f"/contact/threads/{other.id}").status_code == 302  # the link is no login


def test_revoked_link_is_dead(client, world):
    accounts, thread, token = world
    links.revoke_link(thread, accounts["officer_own"])
    assert client.get(f"/contact/t/{token}").status_code == 404
    assert db.session.scalar(select(Thread.token_revoked))


def test_forward_target_must_be_offered(client, world, users):
    accounts, thread, _ = world
    stranger = users.officer("131016")  # another ward: not offered to 新宿区's desk
    client.login(accounts["liaison_own"].email)
    response = client.post_form(f"/contact/threads/{thread.id}/forward",
                                {"officer": stranger.officer.id, "note": ""})
    assert response.status_code == 400
    db.session.refresh(thread)
    assert thread.officer_id == accounts["officer_own"].officer.id


def test_the_forward_service_refuses_an_officer_outside_the_desks_targets(world, users):
    """The rule holds without the form too (the CLI, a future API): rules.can_forward_to."""
    from app import permissions

    accounts, thread, _ = world
    stranger = users.officer("131016")
    with pytest.raises(permissions.Forbidden):
        actions.forward(thread, accounts["liaison_own"], stranger.officer, "")
    db.session.rollback()
    db.session.refresh(thread)
    assert thread.officer_id == accounts["officer_own"].officer.id
