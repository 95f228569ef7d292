import pytest

from app.extensions import db
from app.models import Officer
from app.services.accounts import users
from tests.helpers import PASSWORD


def test_passwords_are_hashed_and_checked(users):
    user = users.officer()
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD) and not user.check_password("wrong password!")


def test_login_logout_and_wrong_password(client, users):
    user = users.officer(email="taro@example.jp")
    bad = client.post_form("/accounts/login", {"email": "taro@example.jp", "password": "nope-nope-nope"})
    assert bad.status_code == 400
    assert "メールアドレスかパスワードが正しくありません" in bad.get_data(as_text=True)
    client.login(user.email)
    assert user.name in client.get("/").get_data(as_text=True)
    client.logout()
    assert "職員ログイン" in client.get("/").get_data(as_text=True)


def test_login_refuses_missing_csrf_token(client, users):
    users.officer(email="taro@example.jp")
    response = client.post("/accounts/login", data={"email": "taro@example.jp", "password": PASSWORD})
    assert response.status_code == 400
    assert "ページを読み込み直して" in response.get_data(as_text=True)


def test_login_does_not_redirect_off_site(client, users):
    users.officer(email="taro@example.jp")
    token = client.csrf_token()
    response = client.post("/accounts/login?next=//evil.example.com/x",
                           data={"email": "taro@example.jp", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/contact/inbox"


def test_login_lands_on_the_inbox_or_where_next_says(client, users, postings):
    """An officer comes to act: the inbox, with the unread count in sight; or the page they
    were sent to the login from. Never off the site, never a broken header."""
    from app.services.contact import routing

    officer = users.officer(email="landing@example.jp")
    posting = postings(officer=officer.officer)
    routing.contact_posting(posting, routing.Sender("住民 花子", "hanako@example.com"), "", "質問です")
    token = client.csrf_token()
    form = {"email": "landing@example.jp", "password": PASSWORD, "csrf_token": token}
    landed = client.post("/accounts/login", data=form, follow_redirects=True)
    assert landed.request.path == "/contact/inbox"
    html = landed.get_data(as_text=True)
    assert "未読 1件" in html and "（未読1件）" in html  # on the page and by the header's inbox link
    client.logout()
    for target, expected in [(f"/postings/{posting.id}/edit", f"/postings/{posting.id}/edit"),
                             ("/\\evil.example.com", "/contact/inbox"), ("/%0d%0aX:1", "/contact/inbox"),
                             ("https://evil.example.com/", "/contact/inbox")]:
        response = client.post(f"/accounts/login?next={target}", data={**form, "csrf_token": client.csrf_token()})
        assert response.status_code == 302 and response.headers["Location"] == expected, target
        client.logout()


def test_change_password(client, users):
    user = users.officer()
    client.login(user.email)
    page = "/accounts/password"
    wrong = client.post_form(page, {"current": "not it at all", "new": "another long secret", "confirm": "another long secret"})
    assert wrong.status_code == 400
    short = client.post_form(page, {"current": PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 400 and "10文字以上" in short.get_data(as_text=True)
    ok = client.post_form(page, {"current": PASSWORD, "new": "another long secret", "confirm": "another long secret"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.check_password("another long secret")


def test_login_is_rate_limited(client, users):
    users.officer(email="taro@example.jp")
    token = client.csrf_token()
    codes = [
        client.post("/accounts/login", data={"email": "taro@example.jp", "password": "wrong-wrong-wrong", "csrf_token": token}).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [400] * 10
    assert codes[-1] == 429


def test_account_creation_rules(app, muni):
    with pytest.raises(users.AccountError):
        users.create_user("x@example.jp", "X", PASSWORD, "officer")  # no municipality
    with pytest.raises(users.AccountError):
        users.create_user("x@example.jp", "X", "short", "officer", municipality=muni("131041"))
    users.create_user("x@example.jp", "X", PASSWORD, "officer", municipality=muni("131041"))
    with pytest.raises(users.AccountError):
        users.create_user("X@Example.jp", "X", PASSWORD, "officer", municipality=muni("131041"))


def test_new_account_links_existing_officer_record(app, postings, muni):
    posting = postings(contact_email="hanako@shinjuku.example.jp")
    officer = posting.officer
    assert officer.user_id is None
    user = users.create_user("hanako@shinjuku.example.jp", "花子", PASSWORD, "officer", municipality=muni("131041"))
    assert db.session.get(Officer, officer.id).user_id == user.id


def test_admin_creates_accounts_from_the_page_and_cli(client, users, runner, app):
    admin = users.admin()
    client.login(admin.email)
    response = client.post_form("/admin/users/new", {
        "email": "new.officer@example.jp", "name": "新任 職員", "role": "officer",
        "municipality": "172049", "desk": "0", "password": "a-long-password",
    })
    assert response.status_code == 302
    bad = client.post_form("/admin/users/new", {
        "email": "x@example.jp", "name": "X", "role": "officer", "municipality": "999999",
        "desk": "0", "password": "a-long-password",
    })
    assert bad.status_code == 400 and "「999999」に当てはまる自治体が見つかりません" in bad.get_data(as_text=True)
    result = runner.invoke(args=["users", "create", "cli@example.jp", "--name", "CLI", "--role", "liaison",
                                 "--desk", "central", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    assert "Created liaison cli@example.jp" in result.output


def test_admin_dashboard_shows_matches_and_reply_figures(client, users, postings):
    postings("partnership_request", details={"sought": "x", "request_status": "matched"})
    client.login(users.admin().email)
    html = client.get("/admin/").get_data(as_text=True)
    assert "成立した連携（合計）</th><td>1件" in html  # matched without a record (app/services/matching/outcomes)
    assert "うち募集状況だけが「成立」（記録なし）</th><td>1件" in html
    assert "初回返信までの時間（中央値）" in html


def test_admin_suspends_and_reactivates_an_account(client, users):
    from app.models import AuditLog

    admin, officer = users.admin(), users.officer(email="moved@example.jp")
    client.login(admin.email)
    response = client.post_form(f"/admin/users/{officer.id}/status", {"active": "0"}, token_from="/admin/users")
    assert response.status_code == 302
    db.session.refresh(officer)
    assert officer.active is False
    assert db.session.query(AuditLog).filter_by(action="user.suspend", target_id=officer.id).count() == 1
    bad = client.post_form(f"/admin/users/{officer.id}/status", {"active": "maybe"}, token_from="/admin/users")
    assert bad.status_code == 400
    client.logout()
    refused = client.post_form("/accounts/login", {"email": "moved@example.jp", "password": PASSWORD})
    assert refused.status_code == 400  # a suspended account cannot log in
    client.login(admin.email)
    client.post_form(f"/admin/users/{officer.id}/status", {"active": "1"}, token_from="/admin/users")
    db.session.refresh(officer)
    assert officer.active is True


def test_admin_cannot_suspend_themselves(client, users):
    admin = users.admin()
    client.login(admin.email)
    client.post_form(f"/admin/users/{admin.id}/status", {"active": "0"}, token_from="/admin/users")
    db.session.refresh(admin)
    assert admin.active is True
