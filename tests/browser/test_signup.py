"""In Chromium, as a new officer of a demo town would: sign up with the town's domain, verify
from the mail (real SMTP server), the town's account manager approves, first login shows the
inbox with the threads of the posting that already named the officer."""

import re

import pytest

from app.services.data.demo import DEMO_MANAGER, DEMO_PASSWORD, DEMO_SIGNUP
from tests.browser.checks import assert_accessible, assert_keyboard, screenshot_both
from tests.contact.conftest import SMTPServer

SECRET = "tanaka-bousai-2024"


@pytest.fixture
def mail(demo_site):
    """The demo site's outbox delivered to a real SMTP server on loopback; links point at the site."""
    app = demo_site["app"]
    server = SMTPServer()
    server.start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "SITE_URL")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, SITE_URL=demo_site["url"])

    def deliver():
        from app.services.mail import outbox

        with app.app_context():
            outbox.deliver_due()
        return server

    yield deliver
    app.config.update(saved)
    server.stop()


def _link(server, to: str, path: str) -> str:
    for msg in reversed(server.mailbox.to(to)):
        found = re.search(rf"(http://127\.0\.0\.1:\d+{re.escape(path)}[\w.\-]+)", server.mailbox.body(msg))
        if found:
            return found.group(1)
    raise AssertionError(f"no {path} link mailed to {to}")


def _login(page, url: str, email: str, password: str) -> None:
    page.goto(url + "/accounts/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()


def test_signup_verify_approve_first_login(page, browser, demo_site, mail, screenshots):
    url = demo_site["url"]
    page.goto(url + "/accounts/login")
    page.get_by_role("link", name="アカウントをお持ちでない職員の方（職員登録）").click()
    page.wait_for_url("**/accounts/signup")
    assert_accessible(page, "signup (1280px)")
    assert_keyboard(page, "signup")
    screenshot_both(page, screenshots, "signup")

    page.get_by_label("氏名").fill(DEMO_SIGNUP["name"])
    page.get_by_label("所属自治体").fill("南三陸町")
    page.get_by_label("所属部署（課・係）").fill(DEMO_SIGNUP["department"])
    page.get_by_label("役職（任意）").fill(DEMO_SIGNUP["title"])
    page.get_by_label("職員用のメールアドレス").fill("tanaka@gmail.com")
    page.get_by_label("パスワード（10文字以上）").fill(SECRET)
    page.get_by_label("パスワード（確認）").fill(SECRET)
    with page.expect_navigation():
        page.get_by_role("button", name="登録して確認メールを受け取る").click()
    # A wrong domain: a clear message under the address, what was typed kept.
    assert "南三陸町の職員用ドメインではありません" in page.locator(".field-error").first.inner_text()
    assert page.get_by_label("所属自治体").input_value() == "南三陸町"
    page.get_by_label("職員用のメールアドレス").fill(DEMO_SIGNUP["email"])
    page.get_by_label("パスワード（10文字以上）").fill(SECRET)
    page.get_by_label("パスワード（確認）").fill(SECRET)
    with page.expect_navigation():
        page.get_by_role("button", name="登録して確認メールを受け取る").click()
    assert "/accounts/signup/sent" in page.url

    server = mail()
    page.goto(_link(server, DEMO_SIGNUP["email"], "/accounts/verify/"))
    assert_accessible(page, "verify (1280px)")
    page.get_by_label("登録のときに決めたパスワード").fill(SECRET)
    with page.expect_navigation():
        page.get_by_role("button", name="メールアドレスを確認する").click()
    assert "承認をお待ちください" in page.locator("h1").inner_text()

    manager = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
    try:
        _login(manager, url, DEMO_MANAGER, DEMO_PASSWORD)
        manager.get_by_role("link", name="職員アカウント").click()
        manager.wait_for_url("**/staff/")
        assert DEMO_SIGNUP["name"] in manager.locator("#pending-heading + table").inner_text()
        assert_accessible(manager, "staff (1280px)")
        screenshot_both(manager, screenshots, "staff")
        with manager.expect_navigation():
            manager.get_by_role("button", name=f"{DEMO_SIGNUP['name']} さんを承認").click()
        assert "承認しました" in manager.locator(".flashes").inner_text()
    finally:
        manager.context.close()

    server = mail()
    assert any("承認されました" in str(m["Subject"]) for m in server.mailbox.to(DEMO_SIGNUP["email"]))
    _login(page, url, DEMO_SIGNUP["email"], SECRET)
    page.goto(url + "/contact/inbox")
    inbox = page.locator("main").inner_text()
    assert "防災研修の講師派遣の日程について" in inbox and "町会の防災訓練でもお話を伺えますか" in inbox
