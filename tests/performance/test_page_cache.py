"""The anonymous page cache through the real stack: what is served again, what a change
replaces at once, what never lands in it (officials' pages, flashes, forms), and 304s."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Event, Municipality
from app.sqlcount import counting_statements
from app.timestamps import JST
from tests.helpers import WebClient


@pytest.fixture
def story(postings):
    return postings(code="131156", partners=["072125"], title="杉並区と南相馬市の交流物語",
                    categories=["B-5"])


@pytest.fixture
def secret(postings):
    return postings(code="131041", title="職員だけの内部調整メモ", visibility="officials")


def anonymous(app) -> WebClient:
    return WebClient(app.test_client())


def test_the_second_anonymous_view_is_the_cached_one(app, story):
    first, second = anonymous(app), anonymous(app)
    body = first.get(f"/postings/{story.id}").get_data()
    with counting_statements(db.engine) as statements:
        again = second.get(f"/postings/{story.id}")
    assert again.status_code == 200 and again.get_data() == body
    assert len(statements) == 1  # the generation; nothing rendered


def test_an_edit_shows_on_the_next_anonymous_view(app, story):
    client = anonymous(app)
    for url in (f"/postings/{story.id}", "/postings/", "/", "/feeds/postings.atom"):
        assert "杉並区と南相馬市の交流物語" in client.get(url).get_data(as_text=True)
    story.title = "書き直した交流物語"
    db.session.commit()
    for url in (f"/postings/{story.id}", "/postings/", "/", "/feeds/postings.atom"):
        text = client.get(url).get_data(as_text=True)
        assert "書き直した交流物語" in text and "杉並区と南相馬市の交流物語" not in text, url


def test_events_municipalities_and_bulk_updates_replace_cached_pages(app, story, muni):
    client = anonymous(app)
    when = datetime(2026, 12, 10, 10, 0, tzinfo=JST)
    assert "新しい物産展" not in client.get("/events/?month=2026-12").get_data(as_text=True)
    db.session.add(Event(title="新しい物産展", municipality=muni("131156"), kind="fair",
                         starts_at=when, ends_at=when + timedelta(hours=2), place="区役所"))
    db.session.commit()
    assert "新しい物産展" in client.get("/events/?month=2026-12").get_data(as_text=True)

    assert "南相馬市" in client.get("/m/072125").get_data(as_text=True)
    db.session.execute(update(Municipality).where(Municipality.code == "072125")
                       .values(name="試験用の市名"))  # a statement without a flush
    db.session.commit()
    assert "試験用の市名" in client.get("/m/072125").get_data(as_text=True)


def test_no_officials_only_posting_reaches_an_anonymous_reader(app, users, story, secret):
    official = WebClient(app.test_client())
    official.login(users.officer("131016").email)
    assert "職員だけの内部調整メモ" in official.get(f"/postings/{secret.id}").get_data(as_text=True)
    assert "職員だけの内部調整メモ" in official.get("/postings/").get_data(as_text=True)
    assert "職員だけの内部調整メモ" in official.get("/search/?q=内部調整").get_data(as_text=True)

    reader = anonymous(app)
    for url in ("/postings/", "/", "/search/?q=内部調整", "/feeds/postings.atom", "/api/v1/search?q=内部調整"):
        response = reader.get(url)
        assert response.status_code == 200
        assert "職員だけの内部調整メモ" not in response.get_data(as_text=True), url
    assert reader.get(f"/postings/{secret.id}").status_code == 404


def test_an_official_never_gets_the_anonymous_rendering(app, users, story, secret):
    reader = anonymous(app)
    assert "職員だけの内部調整メモ" not in reader.get("/postings/").get_data(as_text=True)
    official = WebClient(app.test_client())
    official.login(users.officer("131016").email)
    text = official.get("/postings/").get_data(as_text=True)
    assert "職員だけの内部調整メモ" in text and "ログアウト" in text
    assert official.get("/postings/").headers["Cache-Control"] == "private, no-cache"


def test_flash_messages_and_forms_stay_with_their_visitor(app, users, story):
    official = WebClient(app.test_client())
    official.login(users.officer("131016").email)
    official.logout()
    assert "ログアウトしました" in official.get("/").get_data(as_text=True)
    assert "ログアウトしました" not in anonymous(app).get("/").get_data(as_text=True)

    form = f"/contact/postings/{story.id}"
    one, two = anonymous(app), anonymous(app)
    assert one.csrf_token(form) != two.csrf_token(form)  # a form is rendered per session


def test_language_and_text_size_have_their_own_renderings(app, story):
    ja = anonymous(app).get("/").get_data(as_text=True)
    english = anonymous(app)
    english.set_cookie("lang", "en")
    large = anonymous(app)
    large.set_cookie("text_size", "large")
    assert 'lang="en"' in english.get("/").get_data(as_text=True) and 'lang="ja"' in ja
    assert 'class="text-large"' in large.get("/").get_data(as_text=True)
    assert 'class="text-normal"' in anonymous(app).get("/").get_data(as_text=True)


@pytest.mark.parametrize("path", ["story", "/postings/", "/postings/cases/", "/feeds/postings.atom",
                                  "/sitemap.xml", "/events/calendar.ics", "/events/list"])
def test_conditional_requests_answer_304(app, story, path):
    url = f"/postings/{story.id}" if path == "story" else path
    client = anonymous(app)
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert "Cookie" in first.headers["Vary"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    story.title = "題名の変わった物語"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    now = anonymous(app).get(url)
    # 304 exactly when the page rendered anew for the new generation is the same as before.
    assert (changed.status_code == 304) == (now.headers["ETag"] == first.headers["ETag"])
    if path in ("story", "/postings/", "/postings/cases/", "/feeds/postings.atom"):  # show the title
        assert changed.status_code == 200 and "題名の変わった物語" in now.get_data(as_text=True)


def test_logged_in_pages_get_etags_too(app, users, story):
    official = WebClient(app.test_client())
    official.login(users.officer("131016").email)
    official.get("/")  # shows the welcome message once
    first = official.get(f"/postings/{story.id}")
    again = official.get(f"/postings/{story.id}", headers={"If-None-Match": first.headers["ETag"]})
    # 304 exactly when the rendering is the same: the forms' CSRF token holds the time in
    # seconds, so a rendering in the next second is a new page with a new ETag.
    if again.status_code == 200:
        assert again.get_data() != first.get_data() and again.headers["ETag"] != first.headers["ETag"]
    else:
        assert again.status_code == 304


def test_static_files_have_content_hashed_urls_cached_for_a_year(app):
    page = anonymous(app).get("/").get_data(as_text=True)
    import re

    url = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', page).group(1)
    long = anonymous(app).get(url)
    assert long.status_code == 200
    assert "max-age=31536000" in long.headers["Cache-Control"] and "immutable" in long.headers["Cache-Control"]
    # A name longer than the file system allows is a missing file (it was a 500: ENAMETOOLONG).
    for url in ("/static/" + "A" * 3000, "/search/static/" + "[" * 5000, "/board/static/" + "{" * 2000):
        assert anonymous(app).get(url).status_code == 404, url[:20]
    stale = anonymous(app).get("/static/css/site.css?v=000000000000")
    assert "max-age=31536000" not in stale.headers.get("Cache-Control", "")


def test_healthz_answers_without_the_database(app):
    with counting_statements(db.engine) as statements:
        response = anonymous(app).get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert statements == [] and response.headers["Cache-Control"] == "no-store"
