"""A resident on a phone, with large text: finds a story by theme, on the map, and by search;
and the site reads and searches without JavaScript."""

from tests.browser.conftest import WIDTHS


def _phone(browser, demo_site, **kw):
    context = browser.new_context(viewport={"width": WIDTHS["phone"], "height": 780}, locale="ja-JP",
                                  has_touch=True, **kw)
    return context, context.new_page()


def test_phone_large_text_theme_map_search(browser, demo_site, screenshots):
    context, page = _phone(browser, demo_site)
    try:
        page.goto(demo_site["url"] + "/")
        page.locator("summary", has_text="メニュー").tap()  # the phone's menu holds the settings
        with page.expect_navigation():
            page.get_by_role("link", name="大きく").click()
        assert page.locator("html").get_attribute("class") == "text-large"
        size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
        assert size == "20px"
        page.screenshot(path=str(screenshots / "home-phone-large-text.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1

        # By theme: 災害時の助け合い → a list of stories → a story.
        with page.expect_navigation():
            page.get_by_role("link", name="災害時の助け合い").click()
        assert "category=B-5" in page.url
        with page.expect_navigation():
            page.locator(".card-title a").first.click()
        assert page.get_by_role("heading", name="担当者").is_visible()
        # The text size survived the navigation (cookie).
        assert page.locator("html").get_attribute("class") == "text-large"

        # On the map: Fukushima.
        page.goto(demo_site["url"] + "/map")
        page.locator(".region-group > summary", has_text="東北").tap()
        with page.expect_navigation():
            page.locator(".pref-button", has_text="福島県").tap()
        assert page.locator(".card").count() > 0

        # By search, from the header box.
        page.goto(demo_site["url"] + "/")
        page.get_by_role("searchbox", name="キーワードでさがす").fill("物産")
        with page.expect_navigation():
            page.get_by_role("searchbox", name="キーワードでさがす").press("Enter")
        assert page.locator("main a[href*='/postings/']").count() > 0
    finally:
        context.close()


def test_reading_and_searching_without_javascript(browser, demo_site):
    context, page = _phone(browser, demo_site, java_script_enabled=False)
    try:
        page.goto(demo_site["url"] + "/")
        assert page.locator(".story-card").count() > 0
        page.locator("summary", has_text="メニュー").click()  # <details>: no script needed
        page.get_by_role("link", name="大きく").click()
        assert page.locator("html").get_attribute("class") == "text-large"
        page.get_by_role("searchbox", name="キーワードでさがす").fill("移住")
        with page.expect_navigation():
            page.get_by_role("button", name="さがす", exact=True).click()
        assert "/search/?q=" in page.url
        page.goto(demo_site["url"] + "/events/?month=2026-12")
        page.get_by_role("link", name="2027年1月").click()
        assert "month=2027-01" in page.url
        page.locator("summary", has_text="メニュー").click()
        page.get_by_role("link", name="English").click()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="Events calendar").is_visible()
    finally:
        context.close()
