"""English mode shows the interface in English: chrome, labels of stored codes, dates. The
postings themselves (and place names) stay in the language they were written in."""

import re

import pytest

JAPANESE_CHROME = ["職員ログイン", "つながっているまち", "投稿自治体", "担当者", "この担当者に問い合わせる",
                   "物産展・フェア", "九州・沖縄", "東北", "すべての投稿", "公開日", "前へ", "次へ"]


def _visible_text(html: str) -> str:
    """Text a reader sees or hears: tags, attribute values other than labels, scripts removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    labels = " ".join(re.findall(r'(?:aria-label|alt|title|placeholder)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + labels


@pytest.mark.parametrize("path", ["/", "/story", "/postings/", "/map", "/events/", "/m/131156", "/accounts/login"])
def test_english_pages_carry_no_japanese_chrome(client, world, path):
    if path == "/story":
        path = f"/postings/{world['public'].id}"
    client.set_cookie("lang", "en")
    html = client.get(path).get_data(as_text=True)
    assert '<html lang="en"' in html
    text = _visible_text(html)
    for word in JAPANESE_CHROME:
        # Posting text may contain any word; the chrome around it must not.
        shown = text.replace(world["public"].title, "").replace(world["public"].summary, "")
        assert word not in shown, f"{path}: 「{word}」 is still shown in English mode"


def test_a_story_in_english(client, world):
    client.set_cookie("lang", "en")
    html = client.get(f"/postings/{world['public'].id}").get_data(as_text=True)
    for english in ("Towns linked by this story", "Posted by", "Contact officer", "Contact this officer",
                    "Help in disasters"):
        assert english in html
    assert world["public"].title in html  # the posting itself is not translated
    events = client.get("/events/list").get_data(as_text=True)
    assert "Fairs and markets" in events
    home = client.get("/").get_data(as_text=True)
    assert ">Kyushu and Okinawa</a>" in home and ">Tohoku</a>" in home
