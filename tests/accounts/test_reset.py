"""Password reset by e-mail, and sessions that end when the password changes."""

import time

from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, OutboxMail
from tests.accounts.conftest import link
from tests.helpers import PASSWORD

NEW = "a brand new secret"


def _sent_page(client, email: str):
    response = client.post_form("/accounts/reset", {"email": email, "website": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/reset/sent"
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_reset_end_to_end(client, new_client, smtp, deliver, users):
    user = users.officer(email="hanako@city.shinjuku.example.lg.jp")
    elsewhere = new_client()  # logged in on another computer
    elsewhere.login(user.email)
    assert elsewhere.get("/contact/inbox").status_code == 200

    assert "/accounts/reset" in client.get("/accounts/login").get_data(as_text=True)
    _sent_page(client, "Hanako@City.Shinjuku.Example.lg.jp")
    assert deliver().sent == 1
    path = link(smtp, user.email, "/accounts/reset/")
    assert "有効期限は60分" in smtp.mailbox.body(smtp.mailbox.to(user.email)[0])
    form = client.get(path)
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "no-referrer"
    short = client.post_form(path, {"new": "short", "confirm": "short"})
    assert short.status_code == 400 and "10文字以上" in short.get_data(as_text=True)
    mismatch = client.post_form(path, {"new": NEW, "confirm": NEW + "!"})
    assert mismatch.status_code == 400 and "一致しません" in mismatch.get_data(as_text=True)
    done = client.post_form(path, {"new": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/accounts/login"

    # Single use: the link is dead; the old password too; the other computer is logged out.
    used = client.get(path)
    assert used.status_code == 400 and "既に使われたか" in used.get_data(as_text=True)
    assert client.post_form("/accounts/login", {"email": user.email, "password": PASSWORD}).status_code == 400
    assert elsewhere.get("/contact/inbox").status_code == 302  # back to the login page
    client.login(user.email, NEW)
    deliver()
    assert "パスワードが変更されました" in str(smtp.mailbox.to(user.email)[-1]["Subject"])
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "user.password_reset"))
    token = path.rsplit("/", 1)[1]
    assert all(token not in body for body in db.session.scalars(select(OutboxMail.body)))


def test_reset_does_not_reveal_whether_an_address_exists(client, smtp, deliver, users):
    users.officer(email="known@city.shinjuku.example.lg.jp")
    suspended = users.officer(email="gone@city.shinjuku.example.lg.jp")
    suspended.active = False
    db.session.commit()
    known = _sent_page(client, "known@city.shinjuku.example.lg.jp")
    unknown = _sent_page(client, "nobody@city.shinjuku.example.lg.jp")
    stopped = _sent_page(client, "gone@city.shinjuku.example.lg.jp")
    assert known == unknown == stopped
    deliver()
    assert [str(m["To"]) for m in smtp.messages] == ["known@city.shinjuku.example.lg.jp"]
    bad = client.post_form("/accounts/reset", {"email": "not an address", "website": ""})
    assert bad.status_code == 400 and "形式が正しくありません" in bad.get_data(as_text=True)
    trap = client.post_form("/accounts/reset", {"email": "known@city.shinjuku.example.lg.jp",
                                                "website": "x"})
    assert trap.status_code == 400


def test_expired_reset_link_is_refused(client, smtp, deliver, users, monkeypatch):
    user = users.officer(email="late@city.shinjuku.example.lg.jp")
    issued = time.time() - 61 * 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(issued))
    _sent_page(client, user.email)
    monkeypatch.undo()
    deliver()
    path = link(smtp, user.email, "/accounts/reset/")
    page = client.get(path)
    assert page.status_code == 400 and "有効期限が切れています" in page.get_data(as_text=True)
    assert client.post_form(path, {"new": NEW, "confirm": NEW}, token_from="/accounts/reset").status_code == 400
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_a_link_for_one_purpose_does_not_work_for_another(client, smtp, deliver, users):
    from app.services.accounts import tokens

    user = users.officer(email="mixed@city.shinjuku.example.lg.jp")
    verify_token = tokens.issue("verify", user)
    assert client.get(f"/accounts/reset/{verify_token}").status_code == 400


def test_reset_is_rate_limited_per_address(app, client, users):
    app.config["RATELIMIT_ACCOUNT_MAIL_ADDRESS"] = "2 per hour"
    codes = [client.post_form("/accounts/reset", {"email": "any@example.jp", "website": ""}).status_code
             for _ in range(3)]
    assert codes == [302, 302, 429]
    # Unknown and known addresses are limited alike (the limit reveals nothing either).
    assert client.post_form("/accounts/reset", {"email": "other@example.jp", "website": ""}).status_code == 302


def test_password_change_ends_other_sessions_but_not_this_one(client, new_client, smtp, deliver, users):
    user = users.officer(email="change@city.shinjuku.example.lg.jp")
    other = new_client()
    other.login(user.email)
    client.login(user.email)
    response = client.post_form("/accounts/password", {"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get("/contact/inbox").status_code == 200
    assert other.get("/contact/inbox").status_code == 302
    deliver()
    assert "パスワードが変更されました" in str(smtp.mailbox.to(user.email)[-1]["Subject"])


def test_suspension_ends_the_session_at_once(client, new_client, users):
    admin, officer = users.admin(), users.officer(email="suspended@city.shinjuku.example.lg.jp")
    client.login(officer.email)
    assert client.get("/contact/inbox").status_code == 200
    boss = new_client()
    boss.login(admin.email)
    boss.post_form(f"/admin/users/{officer.id}/status", {"active": "0"}, token_from="/admin/users")
    assert client.get("/contact/inbox").status_code == 302
    # Reactivated, the old session stays ended (its session version is gone).
    boss.post_form(f"/admin/users/{officer.id}/status", {"active": "1"}, token_from="/admin/users")
    assert client.get("/contact/inbox").status_code == 302


def test_a_session_id_without_version_loads_nobody(app, users):
    from app.services.accounts.users import user_for_session

    user = users.officer()
    assert user_for_session(f"{user.id}:0") is not None
    assert user_for_session(str(user.id)) is None
    assert user_for_session(f"{user.id}:1") is None
    assert user_for_session("x:y") is None
