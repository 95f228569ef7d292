"""On a 360 px phone: the map, the first screen, a story and the inbox, measured in Chromium,
with screenshots to look at (test-artifacts/screenshots/phone-*.png)."""

from urllib.parse import quote

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Posting, User
from app.services.data.demo import DEMO_PASSWORD
from tests.browser.checks import assert_accessible

PHONE = {"width": 360, "height": 780}
MIN_TARGET = 44  # px, WCAG 2.5.5 / Apple HIG
MIN_TEXT = 16  # px


@pytest.fixture
def phone(browser, demo_site):
    context = browser.new_context(viewport=PHONE, locale="ja-JP", has_touch=True, is_mobile=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, "not displayed"
    return box


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1


def test_map_on_a_phone_is_regions_then_large_prefecture_buttons(phone, demo_site, screenshots):
    phone.goto(demo_site["url"] + "/map")
    assert not phone.locator("svg a.tile").first.is_visible()  # the tile map is for wide screens
    regions = phone.locator(".region-group > summary")
    assert regions.count() == 8
    for i in range(8):
        box = _box(regions.nth(i))
        assert box["height"] >= MIN_TARGET and box["width"] >= 300
    phone.screenshot(path=str(screenshots / "phone-map-regions-360.png"))

    regions.filter(has_text="東北").tap()
    buttons = phone.locator(".region-group[open] .pref-button")
    assert buttons.count() == 6
    for i in range(6):
        button = buttons.nth(i)
        box = _box(button)
        assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, box
        size = float(button.evaluate("el => getComputedStyle(el.querySelector('.pref-name')).fontSize")[:-2])
        assert size >= MIN_TEXT
    assert_accessible(phone, "map on a phone, 東北 open (360px)")
    _no_sideways_scroll(phone)
    phone.locator(".pref-picker").scroll_into_view_if_needed()
    phone.screenshot(path=str(screenshots / "phone-map-tohoku-open-360.png"))
    # The tables stay, for screen readers and for reading the numbers.
    assert phone.locator("table.data-table").count() == 8

    with phone.expect_navigation():
        buttons.filter(has_text="福島県").tap()
    assert phone.url.endswith(f"/postings/?prefecture={quote('福島県')}")
    assert phone.locator("h1").inner_text() == "福島県の投稿"


def test_map_tiles_on_wide_screens_are_named_by_their_visible_text(page, demo_site):
    page.goto(demo_site["url"] + "/map")
    tile = page.locator("svg a.tile").nth(6)  # 福島県, seventh in code order
    name = tile.get_attribute("aria-label")
    visible = " ".join(t.strip() for t in tile.locator("text").all_text_contents())
    assert name.startswith(visible.split()[0]) and "福島県" in name  # 「福島 3件（福島県）」


def test_first_phone_screen_has_a_compact_header_and_one_search_box(phone, demo_site, screenshots):
    phone.goto(demo_site["url"] + "/")
    header = _box(phone.locator(".site-header"))
    assert header["height"] <= 0.12 * PHONE["height"], header  # was about 40 % of the screen
    assert phone.get_by_role("searchbox").count() == 1  # the hero's; the header's is left out
    assert phone.get_by_role("searchbox", name="キーワードでさがす").is_visible()
    assert not phone.get_by_role("link", name="地図", exact=True).is_visible()  # behind the menu button
    phone.screenshot(path=str(screenshots / "phone-home-first-screen-360.png"))

    menu = phone.locator("summary", has_text="メニュー")
    box = _box(menu)
    assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET
    menu.tap()
    for name in ("地図", "イベント", "参加自治体", "職員ログイン", "大きく", "English"):
        link = phone.get_by_role("link", name=name, exact=True)
        assert link.is_visible(), name
        assert _box(link)["height"] >= MIN_TARGET, name
    phone.screenshot(path=str(screenshots / "phone-menu-open-360.png"))
    # Other pages keep one search box in the header, under the brand.
    phone.goto(demo_site["url"] + "/events/")
    assert phone.get_by_role("searchbox").count() == 1
    assert _box(phone.locator(".site-header"))["height"] <= 0.2 * PHONE["height"]


def test_story_cards_on_a_phone_keep_illustrations_low(phone, demo_site, screenshots):
    """A card without a photo shows its theme's illustration as a low band, not a picture as
    tall as half the card, so more titles fit on a screen."""
    phone.goto(demo_site["url"] + "/")
    placeholders = phone.locator(".story-visual.is-placeholder")
    assert placeholders.count() >= 3
    for i in range(3):
        box = _box(placeholders.nth(i))
        assert box["height"] <= box["width"] / 3 + 1, box
        assert _box(placeholders.nth(i).locator("svg"))["height"] >= box["height"] - 1  # still filled
    phone.locator(".story-card").first.scroll_into_view_if_needed()
    phone.screenshot(path=str(screenshots / "phone-home-story-cards-360.png"))


def test_the_phone_menu_works_without_javascript(browser, demo_site):
    context = browser.new_context(viewport=PHONE, locale="ja-JP", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo_site["url"] + "/postings/")
        page.locator("summary", has_text="メニュー").click()
        with page.expect_navigation():
            page.get_by_role("link", name="地図", exact=True).click()
        assert page.url.endswith("/map")
    finally:
        context.close()


def test_a_story_on_a_phone_starts_with_its_text(phone, demo_site, screenshots):
    with demo_site["app"].app_context():
        story = db.session.scalar(select(Posting).where(Posting.external_id == "demo-case-0001"))
        assert not story.image_url  # the case in the issue: a placeholder illustration
        story_id, summary = story.id, story.summary
        db.session.remove()
    phone.goto(f"{demo_site['url']}/postings/{story_id}")
    assert not phone.locator(".story-lead-visual").is_visible()
    lead = _box(phone.locator("p.lead"))
    assert lead["y"] + 40 < PHONE["height"], lead  # the story's own words are on the first screen
    assert phone.locator("p.lead").inner_text() == summary
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(screenshots / "phone-story-first-screen-360.png"))
    phone.screenshot(path=str(screenshots / "phone-story-360.png"), full_page=True)


def test_the_inbox_on_a_phone(phone, demo_site, screenshots):
    app = demo_site["app"]
    with app.app_context():
        from app.services.contact import routing

        officer = db.session.scalar(select(User).where(User.role == "officer").order_by(User.id))
        posting = db.session.scalar(select(Posting).where(Posting.officer_id == officer.officer.id))
        for subject in ("移住体験の受け入れについて", "物産展の出店条件を教えてください"):
            routing.contact_posting(posting, routing.Sender("住民 花子", "hanako@example.com", "杉並区在住"),
                                    subject, "お問い合わせです。")
        email = officer.email
        db.session.remove()
    phone.goto(demo_site["url"] + "/accounts/login")
    phone.get_by_label("メールアドレス").fill(email)
    phone.get_by_label("パスワード").fill(DEMO_PASSWORD)
    with phone.expect_navigation():
        phone.get_by_role("button", name="ログイン").tap()
    assert phone.url.endswith("/contact/inbox")  # lands on the inbox …
    assert phone.locator(".phone-inbox .unread-count").is_visible()  # … with the unread count in sight

    pills = phone.locator(".filter-pills a")
    assert pills.count() == 7
    boxes = [_box(pills.nth(i)) for i in range(pills.count())]
    for box in boxes:
        assert box["height"] >= MIN_TARGET
    for a, b in zip(boxes, boxes[1:], strict=False):  # separate controls, with space between them
        same_row = abs(a["y"] - b["y"]) < 5
        assert (b["x"] >= a["x"] + a["width"] + 4) if same_row else (b["y"] >= a["y"] + a["height"]), (a, b)
    tools = phone.locator(".inbox-tools a")
    assert tools.first.inner_text() == "通知の設定"  # apart from the status filters

    rows = phone.locator("table.inbox tbody tr")
    assert rows.count() >= 2
    first = _box(rows.first)
    assert first["width"] >= 320  # a card across the screen, not a squeezed table row
    label = rows.first.locator("td").nth(2).evaluate("el => getComputedStyle(el, '::before').content")
    assert "送信者" in label  # each value says what it is
    _no_sideways_scroll(phone)
    assert_accessible(phone, "inbox on a phone (360px)")
    phone.screenshot(path=str(screenshots / "phone-inbox-360.png"))
