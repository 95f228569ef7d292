"""Each main page in Chromium: axe-core, keyboard, no sideways scroll, screenshots at 360/1280 px."""

from urllib.parse import quote

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Event, Posting
from app.services.data.demo import DEMO_PASSWORD
from tests.browser.checks import assert_accessible, assert_keyboard, screenshot_both


def _check(page, screenshots, name: str, phone_axe: bool = True) -> None:
    assert_accessible(page, f"{name} (1280px)")
    assert_keyboard(page, name)
    screenshot_both(page, screenshots, name)
    if phone_axe:
        page.set_viewport_size({"width": 360, "height": 800})
        assert_accessible(page, f"{name} (360px)")
        page.set_viewport_size({"width": 1280, "height": 900})


def _first(demo_site, stmt):
    with demo_site["app"].app_context():
        return db.session.scalar(stmt)


def test_home(page, demo_site, screenshots):
    page.goto(demo_site["url"] + "/")
    assert page.locator("h1").count() == 1
    assert page.get_by_role("searchbox", name="キーワードでさがす").is_visible()
    assert page.locator(".theme-grid li").count() == 21
    _check(page, screenshots, "home")


def test_search(page, demo_site, screenshots):
    page.goto(demo_site["url"] + "/")
    page.get_by_role("searchbox", name="キーワードでさがす").fill("防災")
    with page.expect_navigation():
        page.get_by_role("button", name="さがす", exact=True).click()
    assert "/search/?q=" in page.url
    # The results page lists postings.
    assert page.locator("main a[href*='/postings/']").count() > 0
    _check(page, screenshots, "search")


def test_story(page, demo_site, screenshots):
    story = _first(demo_site, select(Posting).where(Posting.external_id == "demo-case-0001"))
    page.goto(f"{demo_site['url']}/postings/{story.id}")
    assert page.locator("h1").inner_text() == story.title
    assert page.get_by_role("heading", name="担当者").is_visible()
    assert page.locator("meta[property='og:title']").get_attribute("content") == story.title
    _check(page, screenshots, "story")
    page.emulate_media(media="print")
    page.screenshot(path=str(screenshots / "story-print.png"), full_page=True)
    assert not page.locator(".site-header").is_visible()
    page.emulate_media(media="screen")


def test_municipality(page, demo_site, screenshots):
    page.goto(demo_site["url"] + "/m/131156")
    assert "杉並区" in page.locator("h1").inner_text()
    _check(page, screenshots, "municipality")


def test_map(page, demo_site, screenshots):
    page.goto(demo_site["url"] + "/map")
    tiles = page.locator("svg a.tile")
    assert tiles.count() == 47
    assert page.locator("table.data-table").count() == 8  # one per region, for screen readers
    _check(page, screenshots, "map")
    # Keyboard: the tiles are links; Enter on Fukushima opens its postings.
    page.locator("a.tile[aria-label$='（福島県）']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/postings/?prefecture={quote('福島県')}")
    assert page.locator(".card").count() > 0


def test_calendar(page, demo_site, screenshots):
    page.goto(demo_site["url"] + "/events/?month=2026-12")
    assert page.locator("table.month-calendar").is_visible()
    assert page.locator("table.month-calendar a", has_text="合同防災訓練").count() == 1
    assert page.locator("text=まちをつなぐゼミ").count() == 0  # officials-only
    _check(page, screenshots, "calendar")
    page.get_by_role("link", name="2027年1月").click()
    page.wait_for_url("**month=2027-01")


def test_contact_form(page, demo_site, screenshots):
    story = _first(demo_site, select(Posting).where(Posting.external_id == "demo-case-0001"))
    page.goto(f"{demo_site['url']}/postings/{story.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="この担当者に問い合わせる").click()
    assert page.locator("form textarea, form input[type=text], form input[type=email]").count() > 0
    _check(page, screenshots, "contact")


def test_login(page, demo_site, screenshots):
    page.goto(demo_site["url"] + "/accounts/login")
    _check(page, screenshots, "login")
    with demo_site["app"].app_context():
        from app.models import User

        email = db.session.scalar(select(User.email).where(User.role == "officer"))
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("button", name="ログアウト").is_visible()
    # The officials' event form, reached from the calendar.
    page.goto(demo_site["url"] + "/events/")
    with page.expect_navigation():
        page.get_by_role("link", name="イベントを登録する").click()
    assert page.get_by_label("イベント名").is_visible() and page.get_by_label("開始日時").is_visible()
    _check(page, screenshots, "event-form", phone_axe=False)


@pytest.mark.parametrize("path,name", [
    ("/municipalities", "municipalities"),
    ("/municipalities/exchanges", "exchanges"),
    ("/events/list", "events-list"),
])
def test_lists(page, demo_site, screenshots, path, name):
    page.goto(demo_site["url"] + path)
    _check(page, screenshots, name, phone_axe=False)


def test_event_detail_and_ics(page, demo_site, screenshots):
    event = _first(demo_site, select(Event).where(Event.external_id == "demo-ev-003"))
    page.goto(f"{demo_site['url']}/events/{event.id}")
    _check(page, screenshots, "event", phone_axe=False)
    with page.expect_download() as download:
        page.get_by_role("link", name="カレンダーに追加（.ics）").click()
    assert download.value.suggested_filename.endswith(".ics")
