"""Matching pages in Chromium: the suggestions panel, a matched request, the disaster page."""

from sqlalchemy import select

from app.extensions import db
from app.models import Posting, User
from app.services.data.demo import DEMO_ADMIN
from app.services.matching import declarations
from app.timestamps import now_jst
from tests.browser.checks import assert_accessible, assert_keyboard, screenshot_both


def _posting_id(demo_site, external_id: str) -> int:
    with demo_site["app"].app_context():
        return db.session.scalar(select(Posting.id).where(Posting.external_id == external_id))


def test_request_page_shows_fitting_wards_with_reasons(page, demo_site, screenshots):
    page.goto(f"{demo_site['url']}/postings/{_posting_id(demo_site, 'demo-match-req-0001')}")
    panel = page.get_by_role("region", name="この募集に合いそうな自治体・事例")
    assert panel.is_visible()
    assert panel.locator(".suggestion").count() == 5
    assert panel.get_by_text("特別区の取組").first.is_visible()
    assert_accessible(page, "request with suggestions (1280px)")
    assert_keyboard(page, "request with suggestions")
    screenshot_both(page, screenshots, "request-suggestions")


def test_matched_request_shows_its_partner_and_case_study(page, demo_site):
    page.goto(f"{demo_site['url']}/postings/{_posting_id(demo_site, 'demo-req-0041')}")
    outcome = page.get_by_role("region", name="連携の成立")
    assert "川根本町" in outcome.inner_text() and "この連携の事例" in outcome.inner_text()


def test_disaster_page_is_light_accessible_and_printable(page, demo_site, screenshots):
    with demo_site["app"].app_context():
        admin = db.session.scalar(select(User).where(User.email == DEMO_ADMIN))
        declaration = declarations.declare(declarations.DeclarationInput(
            "宮城県沖を震源とする地震", ["宮城県", "岩手県"], ["evacuees"], now_jst().date(), people=300), admin)
        declaration_id = declaration.id
        db.session.remove()
    try:
        page.goto(demo_site["url"] + "/")
        banner = page.get_by_role("region", name="災害対応中")
        assert banner.is_visible()
        banner.get_by_role("link").first.click()
        page.wait_for_url(f"**/disasters/{declaration_id}")
        assert page.locator("img, svg").count() == 0
        first = page.locator("li.o").first
        assert "横手市" in first.inner_text() and "受入可能 400人（必要 300人）" in first.inner_text()
        assert_accessible(page, "disaster page (1280px)")
        screenshot_both(page, screenshots, "disaster")
        page.emulate_media(media="print")
        page.screenshot(path=str(screenshots / "disaster-print.png"), full_page=True)
        assert not page.locator("nav").is_visible() and first.is_visible()
        page.emulate_media(media="screen")
    finally:
        with demo_site["app"].app_context():
            from app.models import DisasterDeclaration

            declarations.end(db.session.get(DisasterDeclaration, declaration_id),
                             db.session.scalar(select(User).where(User.email == DEMO_ADMIN)))
            db.session.remove()


def test_a_desk_plans_without_declaring_from_the_disaster_offers_list(page, demo_site):
    page.goto(demo_site["url"] + "/postings/disaster/")
    page.get_by_role("link", name="災害対応のページ").click()
    page.wait_for_url("**/disasters/")
    page.get_by_role("link", name="被災を想定して申し出を探す（宣言しなくても使えます）").click()
    page.get_by_label("宮城県").check()
    page.get_by_label("岩手県").check()
    page.get_by_label("避難者の受け入れ").check()
    page.get_by_label("移動が必要な人数（わかれば）").fill("300")
    page.get_by_role("button", name="申し出を探す").click()
    first = page.locator("li.o").first
    assert "横手市" in first.inner_text() and "受入可能 400人（必要 300人）" in first.inner_text()
    assert page.locator("img, svg").count() == 0
    assert_accessible(page, "disaster planning page (1280px)")
