"""After a handover the old login no longer edits the old municipality's postings; an admin may
suspend it on the same page; a transferred officer's page says it is done."""

from flask import g
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import AuditLog, Posting, User


def _switch():
    """The tests share one app context (and so flask.g): drop the cached CSRF token and the
    cached signed-in user when changing browsers."""
    g.pop("csrf_token", None)
    g.pop("_login_user", None)


def _handover(client, officer, successor, **extra):
    return client.post_form(f"/contact/officers/{officer.id}/handover",
                            {"successor": successor.id, "note": "", **extra})


def test_the_old_account_keeps_its_login_but_loses_edit_rights(client, new_client, users, postings, desk):
    old = users.officer("131041", email="moving@example.jp", name="異動 一郎")
    successor = users.officer("131041", email="staying@example.jp", name="後任 二郎")
    posting = postings(code="131041", officer=old.officer, title="引き継がれる事例")
    other = postings(code="131041", title="同じ区の別の事例")
    assert permissions.can_edit_posting(old, posting)

    member = users.liaison(desk("131041"))
    client.login(member.email)
    page = client.get(f"/contact/officers/{old.officer.id}/handover").get_data(as_text=True)
    assert "異動 一郎 さんのアカウント" in page and 'value="suspend"' not in page  # desks do not suspend
    assert "アカウントの停止は管理者が行います" in page
    assert _handover(client, old.officer, successor.officer).status_code == 302

    db.session.expire_all()
    moved = db.session.get(User, old.id)
    assert moved.active  # can still sign in …
    assert not permissions.can_edit_posting(moved, db.session.get(Posting, posting.id))  # … but not edit
    assert not permissions.can_edit_posting(moved, db.session.get(Posting, other.id))
    assert not permissions.can_create_posting(moved)
    assert permissions.can_edit_posting(db.session.get(User, successor.id), db.session.get(Posting, posting.id))
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "officer.handover"))
    assert log.details["account"] == "edit_rights_removed"

    # Through the pages too: the old officer's own session is refused the edit form.
    _switch()
    mover = new_client()
    mover.login(old.email)
    for url in (f"/postings/{posting.id}/edit", "/postings/new/cases", f"/postings/{posting.id}"):
        g.pop("_login_user", None)  # each request loads the user from its own session
        response = mover.get(url)
        assert response.status_code == (200 if url.endswith(str(posting.id)) else 403), url
    assert "編集する</a>" not in response.get_data(as_text=True)
    # The desk's list says what became of the account.
    _switch()
    listing = client.get("/contact/officers").get_data(as_text=True)
    assert "あり（編集権限なし）" in listing and "異動済み（後任: 後任 二郎）" in listing


def test_an_admin_can_suspend_the_old_account_on_the_same_page(client, new_client, users, postings):
    old = users.officer("131041", email="leaving@example.jp", name="退職 三郎")
    successor = users.officer("131041", email="next@example.jp")
    postings(code="131041", officer=old.officer)
    leaving = new_client()
    leaving.login(old.email)  # signed in when the handover happens
    admin = users.admin()
    _switch()
    client.login(admin.email)
    assert 'value="suspend"' in client.get(f"/contact/officers/{old.officer.id}/handover").get_data(as_text=True)
    assert _handover(client, old.officer, successor.officer, account="suspend").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, old.id).active is False
    _switch()
    refused = leaving.get("/postings/new/cases")  # the session is no longer honoured: asked to log in
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/accounts/login")
    _switch()
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "officer.handover"))
    assert log.details["account"] == "suspended"
    assert "あり（停止中）" in client.get("/contact/officers").get_data(as_text=True)


def test_a_desk_cannot_suspend_by_posting_the_choice(client, users, desk):
    old = users.officer("131041", email="a@example.jp")
    successor = users.officer("131041", email="b@example.jp")
    client.login(users.liaison(desk("131041")).email)
    response = _handover(client, old.officer, successor.officer, account="suspend")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, old.id).active and old.officer.active  # nothing happened


def test_a_transferred_officers_page_says_so(client, users, postings):
    old = users.officer("131041", email="gone@example.jp", name="前任 四郎")
    successor = users.officer("131041", email="here@example.jp", name="後任 五郎")
    postings(code="131041", officer=old.officer)
    client.login(users.admin().email)
    _handover(client, old.officer, successor.officer)
    page = client.get(f"/contact/officers/{old.officer.id}/handover")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "この担当者は異動済みです" in html
    assert "後任 五郎" in html and "0件" not in html and "<form" not in html.split("<main", 1)[1].split("</main>")[0]
    assert f"/contact/officers/{successor.officer.id}/handover" in html  # where the next handover starts



def test_a_refused_action_speaks_english_in_english_mode(client, users, postings):
    """The service's refusal (not only the view's own messages) follows the visitor's language."""
    from app.services.contact import routing
    from tests.contact.test_routing import RESIDENT

    officer = users.officer("131041")
    thread = routing.contact_posting(postings(code="131041", officer=officer.officer), RESIDENT, "", "質問です")
    client.set_cookie("lang", "en")
    client.login(officer.email)
    refused = client.post_form(f"/contact/threads/{thread.id}/status", {"value": "bogus"},
                               token_from=f"/contact/threads/{thread.id}")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "That status is not valid." in html
    assert "状態の指定が正しくありません" not in html
