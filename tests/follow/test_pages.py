"""The follows page, saving a search in one click, one-click unsubscribe without login (GET
and RFC 8058 POST), and the per-search Atom feed (public postings only without login)."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Follow
from app.services.follow import follows, tokens


def _token_from(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_save_a_search_in_one_click_then_manage_it(client, users, postings):
    officer = users.officer()
    client.login(officer.email)
    page = client.get("/search/?q=防災+東北&kind=partnership_request").get_data(as_text=True)
    assert "この検索を保存" in page
    response = client.post("/follows/search", data={
        "csrf_token": _token_from(page), "q": "防災 東北", "kind": "partnership_request"})
    assert response.status_code == 303 and response.location.endswith("/follows/")
    follow = db.session.scalar(select(Follow))
    assert (follow.q, follow.filters, follow.frequency) == ("防災 東北", {"kind": "partnership_request"}, "daily")
    postings(kind="partnership_request", title="防災協定の相手を募集", code="042056")
    listing = client.get("/follows/").get_data(as_text=True)
    assert "防災 東北" in listing and "前回のまとめ以降の新着 1 件" in listing

    client.post_form(f"/follows/{follow.id}", {f"f{follow.id}-name": "東北の防災",
                     f"f{follow.id}-frequency": "weekly", f"f{follow.id}-paused": "y"},
                     token_from="/follows/")
    db.session.refresh(follow)
    assert (follow.name, follow.frequency, follow.paused) == ("東北の防災", "weekly", True)
    bad = client.post_form(f"/follows/{follow.id}", {f"f{follow.id}-name": "",
                           f"f{follow.id}-frequency": "hourly"}, token_from="/follows/")
    assert bad.status_code == 303
    db.session.refresh(follow)
    assert follow.name == "東北の防災"  # nothing saved is lost
    client.post_form(f"/follows/{follow.id}/delete", token_from="/follows/")
    assert db.session.scalar(select(Follow)) is None


def test_follow_from_a_list_page_and_refusals(client, users, new_client):
    officer = users.officer()
    client.login(officer.email)
    page = client.get("/postings/?category=A-1").get_data(as_text=True)
    assert "「A-1」をフォロー" in page
    response = client.post_form("/follows/follow", {"target": "category", "value": "A-1",
                                "next": "/postings/?category=A-1"}, token_from="/postings/?category=A-1")
    assert response.status_code == 303 and response.location.endswith("/postings/?category=A-1")
    assert client.post_form("/follows/follow", {"target": "category", "value": "Z-9"},
                            token_from="/follows/").status_code == 303
    assert [f.filters for f in db.session.scalars(select(Follow))] == [{"category": "A-1"}]
    follow = db.session.scalar(select(Follow))

    from flask import g

    g.pop("_login_user", None)  # the tests share one app context: forget the first login
    other = new_client()
    other.login(users.officer().email)
    assert other.post_form(f"/follows/{follow.id}/delete", token_from="/follows/").status_code == 404
    g.pop("_login_user", None)
    anonymous = new_client()
    assert anonymous.get("/follows/").status_code == 302  # to the login page
    assert db.session.scalar(select(Follow)) is not None


def test_unsubscribe_by_get_without_login_and_undo(client, users):
    officer = users.officer()
    follow = follows.follow_value(officer, "region", "東北")
    token = tokens.unsubscribe_token(officer.id, [follow.id])
    page = client.get(f"/follows/unsubscribe/{token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "お知らせを止めました" in text and "東北" in text
    db.session.refresh(follow)
    assert follow.paused
    client.post_form(f"/follows/unsubscribe/{token}/undo", token_from=f"/follows/unsubscribe/{token}")
    db.session.refresh(follow)
    assert not follow.paused


def test_unsubscribe_one_click_post_rfc8058(client, users):
    officer = users.officer()
    follow = follows.follow_value(officer, "kind", "disaster_offer")
    token = tokens.unsubscribe_token(officer.id, [follow.id])
    # What a mail client sends: no cookies, no CSRF token, this one form field.
    response = client.post(f"/follows/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"},
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    db.session.refresh(follow)
    assert follow.paused
    assert client.get("/follows/unsubscribe/not-a-token").status_code == 404
    forged = tokens.unsubscribe_token(officer.id + 1, [follow.id])  # someone else's id
    client.get(f"/follows/unsubscribe/{forged}")
    follows.resume_all(officer.id, [follow.id])
    client.get(f"/follows/unsubscribe/{forged}")
    db.session.refresh(follow)
    assert not follow.paused


def test_feed_is_public_only_unless_logged_in(client, users, postings):
    officer = users.officer()
    follow = follows.save_search(officer, "防災", {})
    postings(title="防災の公開事例")
    postings(title="防災の職員限定メモ", visibility="officials")
    url = f"/follows/feed/{tokens.feed_token(follow.id)}.atom"
    feed = client.get(url)
    assert feed.mimetype == "application/atom+xml" and "public" in feed.headers["Cache-Control"]
    assert "防災の公開事例" in feed.get_data(as_text=True)
    assert "防災の職員限定メモ" not in feed.get_data(as_text=True)
    client.login(officer.email)
    feed = client.get(url)
    assert "防災の職員限定メモ" in feed.get_data(as_text=True)
    assert "no-store" in feed.headers["Cache-Control"]
    assert client.get("/follows/feed/forged.atom").status_code == 404
