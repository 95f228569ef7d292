"""The officials' board in Chromium, as the issue's "done when" walks it: a town officer asks
about 空き家 enforcement, a ward officer answers and links a case study, the author marks it
solved, a third official finds it by search, and a resident sees none of it."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import BoardTopic, Posting
from app.services.data.demo import DEMO_PASSWORD, ensure_demo_accounts
from app.services.data.demo_board import TOWN_OFFICER
from tests.browser.test_pages import _check

TITLE = "空き家の略式代執行、どう進めましたか"
THIRD = "hanako.abe@goto.example.jp"  # 長崎県 五島市: a demo board author


def _login(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("button", name="ログアウト").is_visible()


def _logout(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="ログアウト").click()


def test_ask_answer_solve_find_and_residents_see_nothing(page, demo_site, screenshots):
    base, app = demo_site["url"], demo_site["app"]
    with app.app_context():
        ward_officer = next(a for a in ensure_demo_accounts() if a["role"] == "officer")["email"]
        case = db.session.scalar(select(Posting).where(Posting.external_id == "demo-case-0063"))
        case_id, case_title = case.id, case.title

    # 1. A town officer asks.
    _login(page, base, TOWN_OFFICER)
    with page.expect_navigation():
        page.get_by_role("link", name="職員掲示板").first.click()
    assert page.locator("h1").inner_text() == "職員掲示板"
    _check(page, screenshots, "board-index")
    with page.expect_navigation():
        page.get_by_role("link", name="話題を投稿する").first.click()
    page.get_by_label("タイトル（何を知りたいか・何に困っているか）").fill(TITLE)
    page.get_by_label(re.compile("^内容")).fill(
        "人口4,500人の町です。所有者が分からない空き家が倒壊しかけています。\n\n"
        "- 略式代執行の**公告**はどうしましたか\n- 費用の回収はどう考えましたか")
    page.get_by_label("B-11 先進事例等の情報共有").check()
    page.get_by_label("A-1 移住希望者への支援").check()
    page.get_by_label(re.compile("^分野タグ")).fill("空き家、略式代執行")
    with page.expect_navigation():
        page.get_by_role("button", name="投稿する").click()
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator(".board-body strong").inner_text() == "公告"
    topic_url = page.url
    _logout(page)

    # 2. A ward officer answers and links a case study.
    _login(page, base, ward_officer)
    page.goto(base + "/board/")
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).first.click()
    page.get_by_label(re.compile("^回答（")).fill(
        "港区です。区では所有者調査に半年かかりました。墨田区さんの事例が参考になります。")
    page.get_by_label(re.compile("^ほかの参考になる投稿")).fill(str(case_id))
    with page.expect_navigation():
        page.get_by_role("button", name="回答を投稿する").click()
    answer = page.locator(".board-answer").last
    assert "港区" in answer.inner_text() and case_title in answer.inner_text()
    _logout(page)

    # 3. The author is told in the inbox and marks it solved.
    _login(page, base, TOWN_OFFICER)
    page.goto(base + "/contact/inbox")
    notice = page.get_by_role("link", name=re.compile(f"「{TITLE}」に.*回答がありました"))
    with page.expect_navigation():
        notice.click()
    with page.expect_navigation():
        page.get_by_role("button", name="「解決」にする").click()
    assert page.locator(".board-topic .board-status").first.inner_text() == "解決済み"
    assert page.locator(".board-answer-solution").count() == 1
    page.goto(topic_url)  # without the #answer anchor, where Tab would start from
    _check(page, screenshots, "board-topic")
    _logout(page)

    # 4. A third official finds it by search (the main search points to the board).
    _login(page, base, THIRD)
    page.get_by_role("searchbox", name="サイト内検索").fill("略式代執行")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("職員掲示板にも「略式代執行」の話題が")).click()
    card = page.locator(".board-card", has_text=TITLE)
    assert card.count() == 1 and "解決済み" in card.inner_text()
    page.get_by_role("link", name="解決済み").first.click()
    page.wait_for_url("**status=solved**")
    assert page.locator(".board-card", has_text=TITLE).count() == 1
    _check(page, screenshots, "board-search")
    with page.expect_navigation():
        page.locator(".board-card", has_text=TITLE).get_by_role("link", name=TITLE).click()
    assert page.url == topic_url
    _logout(page)

    # 5. A resident sees none of it: the topic, the board and the search are "not found".
    for url in (topic_url, base + "/board/", base + "/board/search?q=略式代執行"):
        response = page.goto(url)
        assert response.status == 404, url
        assert TITLE not in page.content()
    page.goto(base + "/search/?q=略式代執行")
    assert TITLE not in page.content() and "職員掲示板" not in page.content()
    with app.app_context():
        assert db.session.scalar(select(BoardTopic).where(BoardTopic.title == TITLE)).status == "solved"


def test_board_category_page_and_new_topic_form(page, demo_site, screenshots):
    base = demo_site["url"]
    _login(page, base, TOWN_OFFICER)
    page.goto(base + "/board/c/A-1")
    assert "移住希望者への支援" in page.locator("h1").inner_text()
    assert page.locator(".board-card").count() >= 1
    _check(page, screenshots, "board-category", phone_axe=False)
    with page.expect_navigation():
        page.get_by_role("link", name="このカテゴリで話題を投稿する").click()
    assert page.get_by_label("A-1 移住希望者への支援").is_checked()
    # Nothing typed: the form says what is missing, in Japanese.
    with page.expect_navigation():
        page.get_by_role("button", name="投稿する").click()
    assert "タイトルを入力してください" in page.content()
    _check(page, screenshots, "board-form", phone_axe=False)
