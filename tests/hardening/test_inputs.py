"""Reproductions from the hardening issue: each hostile input gets a clear 4xx (or is made
harmless), never a 500."""

import re
import xml.etree.ElementTree as ET

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import Event, Officer, Posting, Thread
from app.security import safe_next
from app.services.contact import routing
from app.services.contact.routing import Sender
from config import ProductionConfig
from tests.test_postings import _form

# --- a newline in ?next= (item 4) ---------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/settings/language?lang=en&next=%2F%0Aenv%3B",
    "/settings/text-size?size=large&next=/.%0d%0aX:1",
    "/settings/language?lang=ja&next=/%00",
    "/settings/language?lang=ja&next=//evil.example/",
    "/settings/language?lang=ja&next=/\\evil.example",
    "/settings/language?lang=ja&next=https://evil.example/",
])
def test_switches_never_redirect_anywhere_odd(client, url):
    response = client.get(url)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_login_next_with_a_newline_goes_home(client, users):
    officer = users.officer()
    response = client.post_form("/accounts/login?next=/.%0d%0aX:1",
                                {"email": officer.email, "password": "correct horse battery"},
                                token_from="/accounts/login")
    # Not the broken target: where a login lands when there is none (the inbox, issue 16).
    assert response.status_code == 302 and response.headers["Location"] == "/contact/inbox"
    assert "X" not in response.headers


@pytest.mark.parametrize("target,expected", [
    ("/map", "/map"), ("/search/?q=防災&page=2", "/search/?q=防災&page=2"), (None, "/"), ("", "/"),
    ("/\nX: 1", "/"), ("/\u2028", "/"), ("/ a", "/"), ("map", "/"), ("//x", "/"), ("/\\x", "/"),
    ("javascript:alert(1)", "/"), ("http://x/", "/"), ("/%0d%0a", "/%0d%0a"),  # still encoded: harmless
])
def test_safe_next(target, expected):
    assert safe_next(target) == expected


# --- page numbers and ids beyond any range (item 5) -----------------------------------------


@pytest.mark.parametrize("page", ["99999999999999999999", "0", "-1", "abc", "²", "1e3", "10001"])
def test_page_numbers_out_of_range_are_a_clear_400(client, users, page):
    client.login(users.admin().email)
    for path in ("/contact/inbox", "/contact/officers", "/postings/", "/events/list",
                 "/search/", "/m/131041"):
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 400, path
        # A number after any last page says so (issue 16); anything else names the range.
        expected = ("最後のページより後です（ページ番号は10000まで）" if page.isascii() and page.isdigit()
                    and int(page) > 10000
                    else "ページ番号は1〜10000の数で指定してください。")
        assert expected in response.get_data(as_text=True), path
    api = client.get(f"/api/v1/postings?page={page}")
    assert api.status_code == 400 and api.is_json


def test_ids_beyond_any_integer_column_are_404(client, users):
    huge = "99999999999999999999"
    for path in (f"/postings/{huge}", f"/events/{huge}", f"/events/{huge}.ics", f"/contact/postings/{huge}"):
        assert client.get(path).status_code == 404, path
    api = client.get(f"/api/v1/postings/{huge}")
    assert api.status_code == 404 and api.is_json
    client.login(users.admin().email)
    assert client.get(f"/contact/threads/{huge}").status_code == 404
    assert client.post_form(f"/postings/{huge}/archive", {}, token_from="/accounts/password").status_code == 404


# --- an empty officer choice (item 6) -------------------------------------------------------


@pytest.mark.parametrize("officer", ["", " "])
def test_empty_officer_without_contact_is_a_400_and_saves_nothing(client, users, officer):
    client.login(users.officer("131041").email)
    for blank in ("", "  "):
        response = client.post_form("/postings/new/cases",
                                    _form(officer=officer, contact_name=blank, contact_email=blank))
        assert response.status_code == 400
        assert "担当者を選ぶか、新しい担当者の氏名とメールアドレスを入力してください。" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Posting.id))) == 0


def test_empty_officer_with_a_new_contact_creates_the_posting(client, users):
    client.login(users.officer("131041").email)
    response = client.post_form("/postings/new/cases", _form(officer=""))
    assert response.status_code == 302
    assert db.session.scalar(select(Posting.id)) is not None


def test_edit_with_an_empty_officer_is_a_400(client, users, postings):
    officer = users.officer("131041")
    posting = postings(code="131041", officer=officer.officer)
    client.login(officer.email)
    response = client.post_form(f"/postings/{posting.id}/edit",
                                _form(officer=" ", contact_name="", contact_email=""))
    assert response.status_code == 400
    db.session.refresh(posting)
    assert posting.officer_id == officer.officer.id  # unchanged


# --- control characters (item 3) ------------------------------------------------------------


def test_control_characters_from_the_form_never_reach_the_feed(client, users):
    client.login(users.officer("131041").email)
    response = client.post_form("/postings/new/cases", _form(
        title="フォーム制御\x0b文字\x1b\x00", summary="概要\x1b[31m赤\x00", activities="取組\x0cその2"))
    assert response.status_code == 302
    posting = db.session.scalar(select(Posting))
    assert posting.title == "フォーム制御 文字"  # one line, no controls
    assert posting.summary == "概要[31m赤" and posting.activities == "取組\nその2"
    feed = client.get("/feeds/postings.atom")
    root = ET.fromstring(feed.data)  # well-formed for every reader
    assert "フォーム制御 文字" in [e.text for e in root.iter() if e.tag.endswith("}title")]


def test_rows_stored_with_controls_before_the_fix_still_give_well_formed_xml(client, postings, muni):
    from datetime import UTC, datetime

    posting = postings(title="旧データ")
    nul = "\x00" if db.engine.dialect.name == "sqlite" else "\x01"  # PostgreSQL never holds a NUL
    posting.title, posting.summary = "古い\x0bタイトル\x1b", f"{nul}概要\ufffe"
    db.session.add(Event(title="イベント\x1b", municipality=muni("131041"), place="区役所\x0b",
                         starts_at=datetime(2027, 1, 5, 1, tzinfo=UTC)))
    db.session.commit()  # as the old code let it be stored
    for url in ("/feeds/postings.atom", "/feeds/cases.atom", "/sitemap.xml"):
        ET.fromstring(client.get(url).data)
    ics = client.get("/events/calendar.ics").get_data(as_text=True)
    assert "\x1b" not in ics and "\x0b" not in ics and "SUMMARY:イベント" in ics


def test_query_values_lose_their_control_characters(client, postings):
    postings(title="防災訓練の交流")
    body = client.get("/api/v1/search?q=%E9%98%B2%E7%81%BD%00%1b").json
    assert body["total"] >= 1


def test_contact_subject_and_name_are_stored_on_one_line(client, users, postings):
    posting = postings(officer=users.officer("131041").officer)
    data = {"name": "住民\x0b花子\x1b", "email": "hanako@example.com", "organisation": "町内会\r\n",
            "subject": "件名\x0bX-Injected: 1\r\nBcc: a@example.com", "body": "本文です。\x0b次の行",
            "website": ""}
    assert client.post_form(f"/contact/postings/{posting.id}", data).status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.subject == "件名 X-Injected: 1 Bcc: a@example.com"
    assert (thread.sender_name, thread.sender_organisation) == ("住民 花子", "町内会")
    assert thread.messages[0].body == "本文です。\n次の行"


# --- small leaks (item 9) -------------------------------------------------------------------


def _page_without_token(response, path: str) -> str:
    """The page with the thread's path and the CSRF token (it holds a timestamp) made neutral."""
    html = response.get_data(as_text=True).replace(path, "threads/N")
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value="T"', html)


def test_someone_elses_thread_looks_exactly_like_a_missing_one(client, users, postings):
    owner, other = users.officer("131041"), users.officer("131041")
    thread = routing.contact_posting(postings(officer=owner.officer), Sender("住民", "r@example.com"), "", "質問")
    client.login(other.email)
    client.get("/")  # (the welcome message)
    existing, missing = client.get(f"/contact/threads/{thread.id}"), client.get("/contact/threads/987654")
    assert existing.status_code == missing.status_code == 404
    assert _page_without_token(existing, f"threads/{thread.id}") == _page_without_token(missing, "threads/987654")
    post = client.post_form(f"/contact/threads/{thread.id}/reply", {"body": "横から"}, token_from="/accounts/password")
    assert post.status_code == 404


def test_dev_mailbox_can_never_be_on_in_production(app, client, monkeypatch, tmp_path):
    with pytest.raises(RuntimeError, match="DEV_MAILBOX"):
        create_app(ProductionConfig, SECRET_KEY="x" * 64, DEV_MAILBOX=True,
                   SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db")
    monkeypatch.setenv("DEV_MAILBOX", "1")  # the environment cannot switch it on either
    import importlib

    import config

    production = importlib.reload(config).ProductionConfig
    try:
        with pytest.raises(RuntimeError, match="DEV_MAILBOX"):
            create_app(production, SECRET_KEY="x" * 64, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db")
    finally:
        monkeypatch.delenv("DEV_MAILBOX")
        importlib.reload(config)
    # And the page itself refuses in production even if the flag were set at run time.
    app.config.update(DEV_MAILBOX=True, ENVIRONMENT="production")
    assert client.get("/contact/dev/mailbox").status_code == 404
    app.config["ENVIRONMENT"] = "testing"
    assert client.get("/contact/dev/mailbox").status_code == 200


# --- rate limits say when to try again, in Japanese (item 8) ---------------------------------


def test_429_page_says_the_limit_and_when_to_try_again(app, client, users):
    app.config["RATELIMIT_LOGIN"] = "2 per minute"
    users.officer(email="limit@example.jp")
    data = {"email": "limit@example.jp", "password": "wrong password"}
    for _ in range(2):
        assert client.post_form("/accounts/login", data).status_code == 400
    response = client.post_form("/accounts/login", data)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "この操作は1分間に2回までです。" in html and "後（" in html and "ごろ）に、もう一度お試しください。" in html
    assert "per 1 minute" not in html
    assert 0 < int(response.headers["Retry-After"]) <= 60
    client.get("/settings/language?lang=en&next=/")
    refresh()  # the tests share one app context: drop its cached locale
    english = client.post_form("/accounts/login", data).get_data(as_text=True)
    assert "2 times per 1 minute" in english and "try again" in english


def test_api_429_is_json_in_japanese(app, client):
    from app.extensions import limiter

    @app.get("/api/v1/limited-for-test")
    @limiter.limit("1 per hour")
    def limited():
        return {"ok": True}

    assert client.get("/api/v1/limited-for-test").status_code == 200
    response = client.get("/api/v1/limited-for-test")
    assert response.status_code == 429 and response.is_json
    assert "1時間に1回まで" in response.json["error"]["message"]


def test_officer_records_are_untouched_by_refused_posts(client, users):
    """A refused form (bad officer choice) leaves no officer record behind."""
    client.login(users.officer("131041").email)
    before = db.session.scalar(select(func.count(Officer.id)))
    response = client.post_form("/postings/new/cases", _form(officer="99999"))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Officer.id))) == before
