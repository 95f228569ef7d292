"""Sign-up → verification → approval → first login, through the real SMTP server."""

import time

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, Officer, OutboxMail, User
from app.services.accounts import users as user_service
from app.services.contact import routing
from tests.accounts.conftest import OTHER_DOMAIN, TOWN, TOWN_DOMAIN, link, signup_data
from tests.helpers import PASSWORD

TANAKA = f"tatsuya.tanaka@{TOWN_DOMAIN}"
SECRET = "a long enough secret"


def _user(email: str = TANAKA) -> User | None:
    db.session.expire_all()
    return user_service.find_by_email(email)


def _manager(users, code: str = TOWN, domain: str = TOWN_DOMAIN, name: str = "永井 恵"):
    manager = users.officer(code, email=f"jinji@{domain}", name=name)
    user_service.set_manager(manager, True, actor=None)
    return manager


def _verified_signup(client, smtp, deliver, **overrides) -> User:
    assert client.post_form("/accounts/signup", signup_data(**overrides)).status_code == 302
    deliver()
    email = overrides.get("email", TANAKA)
    path = link(smtp, email, "/accounts/verify/")
    assert client.post_form(path, {"password": SECRET}).status_code == 302
    deliver()
    return _user(email)


def test_signup_verify_approve_first_login(client, new_client, smtp, deliver, town, users, postings):
    manager = _manager(users)
    # A posting already names the officer, and a message waits for them.
    posting = postings(code=TOWN, contact_email=TANAKA)
    routing.contact_posting(posting, routing.Sender("森 陽子", "yoko.mori@koto.example.jp"),
                            "研修講師の日程について", "11月の日程を教えてください。")
    deliver()

    page = client.get("/accounts/signup").get_data(as_text=True)
    assert "職員登録" in page and "南三陸町（宮城県・046060）" in page  # offered in the datalist
    response = client.post_form("/accounts/signup", signup_data())
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/signup/sent"
    pending = _user()
    assert pending.approval == "pending" and pending.email_verified_at is None
    assert pending.officer is None  # nothing linked before approval

    assert deliver().sent == 1
    assert "メールアドレスの確認" in str(smtp.mailbox.to(TANAKA)[-1]["Subject"])
    path = link(smtp, TANAKA, "/accounts/verify/")
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalar(select(OutboxMail.body).where(OutboxMail.to_addr == TANAKA))
    assert token not in stored  # the link is removed from the stored copy once sent

    refused = client.post_form("/accounts/login", {"email": TANAKA, "password": SECRET})
    assert refused.status_code == 400 and "メールアドレスの確認がまだです" in refused.get_data(as_text=True)

    verify_page = client.get(path)
    assert verify_page.status_code == 200 and verify_page.headers["Cache-Control"] == "no-store"
    assert "田中 達也" in verify_page.get_data(as_text=True)
    wrong = client.post_form(path, {"password": "not the password at all"})
    assert wrong.status_code == 400 and "パスワードが正しくありません" in wrong.get_data(as_text=True)
    assert client.post_form(path, {"password": SECRET}).status_code == 302
    assert _user().email_verified_at is not None

    assert deliver().sent == 1
    (request_mail,) = smtp.mailbox.to(manager.email)
    assert "承認依頼" in str(request_mail["Subject"])
    assert "/staff/?code=046060" in smtp.mailbox.body(request_mail)
    waiting = client.post_form("/accounts/login", {"email": TANAKA, "password": SECRET})
    assert waiting.status_code == 400 and "承認待ち" in waiting.get_data(as_text=True)

    boss = new_client()
    boss.login(manager.email)
    staff_page = boss.get("/staff/").get_data(as_text=True)
    assert "田中 達也" in staff_page and "防災安全課" in staff_page
    applicant = _user()
    assert boss.post_form(f"/staff/signups/{applicant.id}/approve", token_from="/staff/").status_code == 302
    applicant = _user()
    assert applicant.approval == "approved" and applicant.officer.id == posting.officer_id

    assert deliver().sent == 1
    approved = smtp.mailbox.to(TANAKA)[-1]
    assert "承認されました" in str(approved["Subject"])
    assert "お問い合わせが1件、受信箱で待っています" in smtp.mailbox.body(approved)

    client.login(TANAKA, SECRET)
    inbox = client.get("/contact/inbox").get_data(as_text=True)
    assert "研修講師の日程について" in inbox
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.target_id == applicant.id,
                                                               AuditLog.target_type == "user")).all()
    assert actions == ["user.signup", "user.verify", "user.approve"]


def test_address_outside_the_domains_is_refused(client, smtp, deliver, town):
    for email, message in [
        ("tanaka@gmail.com", "南三陸町の職員用ドメインではありません"),
        (f"tanaka@{OTHER_DOMAIN}", "使えるドメイン: " + TOWN_DOMAIN),
        ("tanaka@minamisanriku.example.lg.jp.evil.example", "職員用ドメインではありません"),
    ]:
        response = client.post_form("/accounts/signup", signup_data(email=email))
        assert response.status_code == 400, email
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert deliver().sent == 0
    # A subdomain of the official domain is the municipality's too.
    ok = client.post_form("/accounts/signup", signup_data(email=f"tanaka@bousai.{TOWN_DOMAIN}"))
    assert ok.status_code == 302


def test_municipality_is_found_by_name_reading_or_code(client, town, muni):
    from app.services.accounts import domains

    for typed in ["南三陸町", "046060", "みなみさんりくちょう", "宮城県南三陸町", "南三陸町（宮城県・046060）"]:
        response = client.post_form("/accounts/signup", signup_data(municipality=typed))
        assert response.status_code == 302, typed
    # Municipalities without official domains cannot be chosen; ambiguous names list candidates.
    domains.add_domain(muni("132063"), "city.fuchu.example.lg.jp", None)  # 府中市 (東京都)
    domains.add_domain(muni("342084"), "city.fuchu.example.hiroshima.jp", None)  # 府中市 (広島県)
    ambiguous = client.post_form("/accounts/signup", signup_data(municipality="府中市"))
    html = ambiguous.get_data(as_text=True)
    assert ambiguous.status_code == 400
    assert "複数あります" in html and "132063" in html and "342084" in html
    missing = client.post_form("/accounts/signup", signup_data(municipality="新宿区"))
    assert missing.status_code == 400 and "見つかりません" in missing.get_data(as_text=True)
    empty = client.post_form("/accounts/signup", signup_data(municipality=""))
    assert empty.status_code == 400 and "所属自治体を選んでください" in empty.get_data(as_text=True)


def test_form_errors_are_clear_and_nothing_is_stored(client, town):
    cases = [
        ({"name": ""}, "氏名を入力してください"),
        ({"department": ""}, "所属部署を入力してください"),
        ({"new": "short", "confirm": "short"}, "10文字以上で入力してください"),
        ({"confirm": "something else entirely"}, "確認用のパスワードが一致しません"),
        ({"email": "not an address"}, "メールアドレスの形式が正しくありません"),
        ({"name": "<script>alert(1)</script>"}, "HTMLタグは使えません"),
        ({"name": "長" * 101}, "氏名は100文字以内で入力してください"),
        ({"website": "http://spam.example"}, "送信できませんでした"),  # honeypot
    ]
    for change, message in cases:
        response = client.post_form("/accounts/signup", signup_data(**change))
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    assert db.session.scalar(select(func.count(User.id))) == 0
    no_token = client.post("/accounts/signup", data=signup_data())
    assert no_token.status_code == 400


def test_expired_or_reused_verification_link_is_refused(client, smtp, deliver, town, monkeypatch):
    # A link mailed 49 hours ago (the limit is 48).
    issued = time.time() - 49 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(issued))
    client.post_form("/accounts/signup", signup_data())
    monkeypatch.undo()
    deliver()
    old = link(smtp, TANAKA, "/accounts/verify/")
    expired = client.get(old)
    assert expired.status_code == 400 and "有効期限が切れています" in expired.get_data(as_text=True)
    assert client.post_form(old, {"password": SECRET}, token_from="/accounts/signup").status_code == 400
    assert _user().email_verified_at is None

    # Signing up again sends a fresh link; once used, it is dead.
    client.post_form("/accounts/signup", signup_data())
    deliver()
    fresh = link(smtp, TANAKA, "/accounts/verify/")
    assert fresh != old
    assert client.post_form(fresh, {"password": SECRET}).status_code == 302
    reused = client.get(fresh)
    assert reused.status_code == 400 and "既に使われたか" in reused.get_data(as_text=True)
    tampered = client.get(fresh[:-3] + "abc")
    assert tampered.status_code == 400


def test_signing_up_again_replaces_an_unverified_signup(client, smtp, deliver, town):
    client.post_form("/accounts/signup", signup_data(name="田中 たつや"))
    deliver()
    first = link(smtp, TANAKA, "/accounts/verify/")
    client.post_form("/accounts/signup", signup_data(new="another long secret", confirm="another long secret"))
    deliver()
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert _user().name == "田中 達也"
    assert client.get(first).status_code == 400  # the earlier link stopped working
    second = link(smtp, TANAKA, "/accounts/verify/")
    assert client.post_form(second, {"password": "another long secret"}).status_code == 302


def test_existing_address_gets_a_mail_not_an_answer(client, smtp, deliver, town, users):
    existing = users.officer(TOWN, email=TANAKA)
    response = client.post_form("/accounts/signup", signup_data())
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/signup/sent"
    assert db.session.scalar(select(func.count(User.id))) == 1
    db.session.refresh(existing)
    assert existing.check_password(PASSWORD) and existing.approval == "approved"
    deliver()
    (mail,) = smtp.mailbox.to(TANAKA)
    body = smtp.mailbox.body(mail)
    assert "アカウントは既にあります" in body and "/accounts/reset" in body
    assert "/accounts/verify/" not in body


def test_refusal_is_mailed_with_its_reason(client, new_client, smtp, deliver, town, users):
    manager = _manager(users)
    applicant = _verified_signup(client, smtp, deliver)
    boss = new_client()
    boss.login(manager.email)
    empty = boss.post_form(f"/staff/signups/{applicant.id}/refuse", {"reason": " "}, token_from="/staff/")
    assert empty.status_code == 400 and "承認しない理由を入力してください" in empty.get_data(as_text=True)
    response = boss.post_form(f"/staff/signups/{applicant.id}/refuse",
                              {"reason": "防災安全課に該当する職員がいません。"}, token_from="/staff/")
    assert response.status_code == 302
    assert _user().approval == "refused"
    deliver()
    body = smtp.mailbox.body(smtp.mailbox.to(TANAKA)[-1])
    assert "承認されませんでした" in body and "防災安全課に該当する職員がいません。" in body
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.refuse"))
    assert row.actor_user_id == manager.id and row.details["reason"] == "防災安全課に該当する職員がいません。"
    refused = client.post_form("/accounts/login", {"email": TANAKA, "password": SECRET})
    assert refused.status_code == 400 and "承認されませんでした" in refused.get_data(as_text=True)
    # Approving afterwards is refused: the decision is made.
    again = boss.post_form(f"/staff/signups/{applicant.id}/approve", token_from="/staff/")
    assert again.status_code == 302 and _user().approval == "refused"


def test_a_manager_cannot_approve_another_municipalitys_staff(client, new_client, smtp, deliver,
                                                            town, other_town, users):
    own = _manager(users)
    stranger = _manager(users, code="131041", domain=OTHER_DOMAIN, name="新宿 管理")
    applicant = _verified_signup(client, smtp, deliver)
    assert [m["To"] for m in smtp.mailbox.messages if "承認依頼" in str(m["Subject"])] == [own.email]

    other = new_client()
    other.login(stranger.email)
    assert "田中 達也" not in other.get("/staff/").get_data(as_text=True)
    assert "田中 達也" not in other.get("/staff/?code=046060").get_data(as_text=True)
    for action, data in [("approve", {}), ("refuse", {"reason": "x"})]:
        response = other.post_form(f"/staff/signups/{applicant.id}/{action}", data, token_from="/staff/")
        assert response.status_code == 404  # as if it did not exist
    assert other.post_form("/staff/signups/999999/approve", token_from="/staff/").status_code == 404
    assert _user().approval == "pending"
    # Nor suspend their staff.
    assert other.post_form(f"/staff/accounts/{own.id}/status", {"active": "0"},
                           token_from="/staff/").status_code == 404
    db.session.refresh(own)
    assert own.active


@pytest.mark.parametrize("has_manager", [False, True])
def test_central_desk_approves_where_there_is_no_manager(client, new_client, smtp, deliver, town,
                                                         users, desk, has_manager):
    central = users.liaison(desk(None))
    if has_manager:
        _manager(users)
    applicant = _verified_signup(client, smtp, deliver)
    asked = [str(m["To"]) for m in smtp.mailbox.messages if "承認依頼" in str(m["Subject"])]
    assert (central.email in asked) is (not has_manager)
    desk_client = new_client()
    desk_client.login(central.email)
    assert ("田中 達也" in desk_client.get("/staff/").get_data(as_text=True)) is (not has_manager)
    response = desk_client.post_form(f"/staff/signups/{applicant.id}/approve", token_from="/staff/")
    assert response.status_code == (404 if has_manager else 302)
    assert _user().approval == ("pending" if has_manager else "approved")


def test_approval_creates_an_officer_record_when_none_names_the_address(client, new_client, smtp,
                                                                        deliver, town, users):
    manager = _manager(users)
    applicant = _verified_signup(client, smtp, deliver)
    boss = new_client()
    boss.login(manager.email)
    boss.post_form(f"/staff/signups/{applicant.id}/approve", token_from="/staff/")
    officer = db.session.scalar(select(Officer).where(Officer.email == TANAKA))
    assert (officer.name, officer.department, officer.title) == ("田中 達也", "防災安全課", "係長")
    assert officer.user_id == applicant.id


def test_signup_is_rate_limited_per_address_and_per_client(app, client, new_client, town):
    app.config["RATELIMIT_ACCOUNT_MAIL_ADDRESS"] = "2 per hour"
    # Corrections (400) do not use up the address's mails; sent ones do.
    assert client.post_form("/accounts/signup", signup_data(name="")).status_code == 400
    codes = [client.post_form("/accounts/signup", signup_data()).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    page = client.post_form("/accounts/signup", signup_data()).get_data(as_text=True)
    assert "しばらく時間をおいてください" in page
    # Another address is not affected; the per-client limit counts every POST.
    assert client.post_form("/accounts/signup", signup_data(email=f"b@{TOWN_DOMAIN}")).status_code == 302
    app.config["RATELIMIT_ACCOUNT_MAIL"] = "1 per minute"
    fresh = new_client()  # same client address, other addresses typed in
    assert fresh.post_form("/accounts/signup", signup_data(email=f"c@{TOWN_DOMAIN}")).status_code == 302
    assert fresh.post_form("/accounts/signup", signup_data(email=f"d@{TOWN_DOMAIN}")).status_code == 429
