"""Follows in English mode (badges, descriptions, the unsubscribe and digest pages, error
messages), and following a kind or a municipality by the name people know it by."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Digest, Follow
from app.services.follow import follows, tokens


def _add(client, target: str, value: str) -> str:
    response = client.post_form("/follows/follow", {"target": target, "value": value},
                                token_from="/follows/", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _saved() -> list[dict]:
    return [f.filters for f in db.session.scalars(select(Follow).order_by(Follow.id))]


def test_follow_pages_in_english(client, users):
    client.set_cookie("lang", "en")  # before any request: the tests share one app context
    officer = users.officer()
    search = follows.save_search(officer, "防災", {"kind": "partnership_request"})
    region = follows.follow_value(officer, "region", "東北")
    follows.update(officer, region, paused=True)
    client.login(officer.email)

    page = client.get("/follows/").get_data(as_text=True)
    assert re.search(r'<span class="badge">Saved search</span>\s*Search words “防災”, Kind: Partners wanted', page)
    assert '<span class="badge">Region</span> Region: Tohoku' in page
    # The paused badge and the checkbox say the same word.
    assert '<span class="badge">Paused</span>' in page and "Suspended" not in page
    assert f'<label for="f{region.id}-paused">Paused</label>' in page
    assert "partnership_request" not in page.split('id="follow-value-hint"')[1].split("</p>")[0]
    assert not re.search(r"保存した検索|検索語|すべての新着|投稿の種類", page)

    refused = _add(client, "prefecture", "東北県")
    assert "“東北県” cannot be used for Prefecture." in refused
    assert "都道府県の指定" not in refused

    token = tokens.unsubscribe_token(officer.id, [search.id])
    stopped = client.get(f"/follows/unsubscribe/{token}").get_data(as_text=True)
    assert " (Saved search)" in stopped and "保存した検索" not in stopped

    digest = Digest(user_id=officer.id, frequency="daily", period_key="daily:2026-12-01", item_count=0)
    db.session.add(digest)
    db.session.commit()
    shown = client.get(f"/follows/digests/{digest.id}").get_data(as_text=True)
    assert "<title>Daily digest" in shown and "毎日のまとめ" not in shown


def test_describe_stays_japanese_for_digests(users):
    """Digests are written by the worker (no visitor): their why-lines stay Japanese."""
    follow = follows.save_search(users.officer(), "防災", {"kind": "partnership_request"})
    assert follows.describe(follow) == "検索語「防災」、種類: 連携の募集"
    assert follow.target_label == "保存した検索"


def test_follow_a_kind_by_its_label_and_a_municipality_by_name(client, users):
    officer = users.officer()
    client.login(officer.email)
    page = client.get("/follows/").get_data(as_text=True)
    hint = page.split('id="follow-value-hint"')[1].split("</p>")[0]
    assert "南三陸町" in hint and "連携の募集" in hint and "partnership_request" not in hint
    # 北海道 is a region and a prefecture: the suggestions say which is which.
    assert '<option value="北海道">地域</option>' in page and '<option value="北海道">都道府県</option>' in page

    _add(client, "kind", "連携の募集")
    _add(client, "kind", "disaster_offer")  # the key still works
    _add(client, "municipality", "南三陸町")
    _add(client, "municipality", "46060")  # a code without its leading zero: the same town
    assert _saved() == [{"kind": "partnership_request"}, {"kind": "disaster_offer"},
                        {"municipality": "046060"}]

    ambiguous = _add(client, "municipality", "府中市")
    assert "複数あります" in ambiguous and "東京都" in ambiguous and "広島県" in ambiguous
    unknown = _add(client, "kind", "お祭り")
    assert "種類の指定「お祭り」は使えません。" in unknown
    assert "見つかりません" in _add(client, "municipality", "架空村")
    assert len(_saved()) == 3  # nothing refused was saved, nothing saved was lost
