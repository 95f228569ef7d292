"""axe-core, experimental rules on, on every HTML page of the URL map at 1280 and 360 px:
no serious or critical violation anywhere.

Pages come from `app.url_map`, so a new blueprint's pages are checked without editing this
file. A route whose URL needs a value not in SAMPLES fails here (add a sample, below), rather
than being skipped in silence. Non-HTML answers (feeds, .ics, CSV, JSON) are left out by their
content type; pages that need a login are opened as the demo officer, or the admin when the
officer may not.
"""

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import BoardAnswer, DisasterDeclaration, Event, Officer, Posting, User
from app.services.data.demo import DEMO_ADMIN, DEMO_PASSWORD
from tests.browser.checks import assert_accessible
from tests.browser.conftest import WIDTHS


def _not_a_page(endpoint: str) -> bool:
    """Static files (the app's and each blueprint's)."""
    return endpoint == "static" or endpoint.endswith(".static")
# Extra states of pages worth their own check (the URL map gives each page once).
STATES = [
    ("search without results", "/search/?q=qzxqzxq"),
    ("search past the end", "/search/?q=防災&page=400"),
    ("a page that does not exist", "/no-such-page"),
    ("list by theme", "/postings/?category=B-5"),
]


@pytest.fixture(scope="module")
def samples(demo_site):
    """A value for every URL argument the routes use, from the demo data (plus one thread)."""
    app = demo_site["app"]
    with app.app_context():
        from app.services.contact import links, routing

        officer_user = db.session.scalar(select(User).where(User.role == "officer").order_by(User.id))
        officer = officer_user.officer
        posting = db.session.scalar(select(Posting).where(Posting.officer_id == officer.id,
                                                          Posting.kind == "case_study").order_by(Posting.id))
        event = db.session.scalar(select(Event).order_by(Event.id))
        answer = db.session.scalar(select(BoardAnswer).order_by(BoardAnswer.id)) or _board_answer(officer_user)
        digest = _digest(officer_user, posting)
        declaration = db.session.scalar(select(DisasterDeclaration.id).order_by(DisasterDeclaration.id))
        assert declaration is not None, "the demo data declares a (past, training) disaster"
        thread = routing.contact_posting(posting, routing.Sender("住民 花子", "hanako@example.com"),
                                         "ページ確認のお問い合わせ", "全ページの確認用です。")
        token = links.issue_sender_link(thread)
        db.session.commit()
        colleague = db.session.scalar(select(Officer).where(
            Officer.municipality_id == officer.municipality_id, Officer.id != officer.id))
        values = {
            "posting_id": posting.id, "event_id": event.id, "thread_id": thread.id, "token": token,
            "officer_id": (colleague or officer).id, "user_id": officer_user.id,
            "code": officer.municipality.code, "slug": "cases", "name": "none.eml",
            "officer_email": officer_user.email,
            "topic_id": answer.topic_id, "answer_id": answer.id, "digest_id": digest.id,
            "declaration_id": declaration,
        }
        db.session.remove()
    return values


def _board_answer(author) -> BoardAnswer:
    """A board topic with an answer, when the demo data has none."""
    from app.models import Category
    from app.services.board import posts

    category = db.session.scalar(select(Category).where(Category.code == "B-5"))
    topic = posts.create_topic(posts.TopicInput(
        title="ページ確認用の話題：避難所の運営訓練はどう進めましたか",
        body="全ページの確認に使う話題です。", categories=[category]), author)
    return posts.add_answer(topic, "合同訓練を年1回行っています。", author)


def _digest(user, posting):
    """A digest as the follow worker records it (one item), for the digest page."""
    from app.models import Digest, DigestItem

    digest = Digest(user_id=user.id, frequency="daily", period_key="daily:page-check", item_count=1)
    digest.items.append(DigestItem(user_id=user.id, ref_id=posting.id, group="ページ確認", title=posting.title,
                                   url=f"/postings/{posting.id}", why="確認用のフォロー"))
    db.session.add(digest)
    db.session.commit()
    return digest


def _pages(app, samples) -> list[tuple[str, str]]:
    pages, unknown = [], []
    with app.test_request_context():
        from flask import url_for

        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if _not_a_page(rule.endpoint) or "GET" not in (rule.methods or ()):
                continue
            missing = [arg for arg in rule.arguments if arg not in samples]
            if missing:
                unknown.append(f"{rule.rule} ({', '.join(missing)})")
                continue
            pages.append((rule.endpoint, url_for(rule.endpoint, **{a: samples[a] for a in rule.arguments})))
    assert not unknown, f"add a sample value in {__file__} for: {unknown}"
    return list(dict.fromkeys(pages))


def _signed_in(browser, demo_site, email: str):
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(demo_site["url"] + "/accounts/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    assert urlsplit(page.url).path == "/contact/inbox"
    return context, page


@pytest.fixture(scope="module")
def visitors(browser, demo_site, samples):
    """Pages for a resident, the demo officer and the admin."""
    anonymous = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}, locale="ja-JP")
    officer_context, officer = _signed_in(browser, demo_site, samples["officer_email"])
    admin_context, admin = _signed_in(browser, demo_site, DEMO_ADMIN)
    yield {"resident": anonymous.new_page(), "officer": officer, "admin": admin}
    for context in (anonymous, officer_context, admin_context):
        context.close()


def _open(visitors, url: str):
    """The page as the first of resident, officer, admin who may see it; None if not HTML."""
    for who in ("resident", "officer", "admin"):
        page = visitors[who]
        # Ask first with the same cookies: downloads (.ics, CSV) cannot be opened as pages.
        answer = page.context.request.get(url)
        if urlsplit(answer.url).path == "/accounts/login" and not url.endswith("/accounts/login"):
            continue  # needs a login
        if answer.status == 403:
            continue
        if not answer.headers.get("content-type", "").startswith("text/html"):
            return None, who
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
        page.goto(url)
        return page, who
    raise AssertionError(f"nobody may open {url}")


def _check_every_page(demo_site, samples, visitors, language: str):
    checked, problems = [], []
    targets = [(endpoint, demo_site["url"] + path) for endpoint, path in _pages(demo_site["app"], samples)]
    targets += [(name, demo_site["url"] + path) for name, path in STATES]
    for name, url in targets:
        page, who = _open(visitors, url)
        if page is None:
            continue
        assert page.locator("html").get_attribute("lang") == language, f"{url} is not in {language}"
        for width in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": 900})
            try:
                assert_accessible(page, f"{name} as {who} ({width}px, {language})")
            except AssertionError as exc:
                problems.append(str(exc))
        checked.append(name)
    assert not problems, "\n".join(problems)
    # The check covered the pages that matter (not an empty loop over a broken URL map).
    for endpoint in ("public.home", "public.japan_map", "postings.detail", "postings.create", "contact.inbox",
                     "contact.thread", "contact.handover", "admin.create_user", "events.calendar",
                     "search.results", "contact.sender_thread", "board.topic"):
        assert endpoint in checked, f"{endpoint} was not checked"


def _language(visitors, demo_site, language: str) -> None:
    """The language toggle's cookie, for the three visitors (their logins stay)."""
    for page in visitors.values():
        page.context.add_cookies([{"name": "lang", "value": language, "url": demo_site["url"]}])


def test_every_page_has_no_serious_axe_violation(demo_site, samples, visitors):
    _check_every_page(demo_site, samples, visitors, "ja")


def test_every_page_in_english_has_no_serious_axe_violation(demo_site, samples, visitors):
    """The same pages in English mode: other words, other lengths, the same rules."""
    _language(visitors, demo_site, "en")
    try:
        _check_every_page(demo_site, samples, visitors, "en")
    finally:
        _language(visitors, demo_site, "ja")


def test_the_open_phone_menu_has_no_serious_axe_violation(browser, demo_site):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="ja-JP", has_touch=True)
    try:
        page = context.new_page()
        page.goto(demo_site["url"] + "/postings/cases/")
        page.locator("summary", has_text="メニュー").tap()
        assert page.get_by_role("link", name="地図").is_visible()
        assert_accessible(page, "phone menu open (360px)")
    finally:
        context.close()


def test_a_form_with_errors_has_no_serious_axe_violation(visitors, demo_site, screenshots):
    page = visitors["officer"]
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.goto(demo_site["url"] + "/postings/new/requests")
    page.get_by_label("締切").fill("9999-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    assert page.locator(".field-error").count() >= 3
    assert re.search("10年先", page.locator("#deadline-error").inner_text())
    assert_accessible(page, "posting form with errors (1280px)")
    page.screenshot(path=str(screenshots / "posting-form-errors-desktop-1280.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 900})
    assert_accessible(page, "posting form with errors (360px)")
    page.screenshot(path=str(screenshots / "posting-form-errors-phone-360.png"))


def test_the_experimental_rules_are_really_on(browser):
    """A link whose accessible name does not contain its visible text (WCAG 2.5.3) is only
    reported by axe's experimental rule: this check would pass silently without it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content('<html lang="ja"><head><title>t</title></head><body><main><h1>t</h1>'
                         '<a href="/x" aria-label="福島県 3件">福島 3</a></main></body></html>')
        with pytest.raises(AssertionError, match="label-content-name-mismatch"):
            assert_accessible(page, "sanity check of the axe options")
    finally:
        context.close()
