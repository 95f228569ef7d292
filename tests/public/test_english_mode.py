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


def test_forms_messages_and_error_pages_in_english(client, world, users):
    """The contact form a resident fills in, its messages, an error page, and an official's
    event form: English labels, choices and messages, not only English page chrome."""
    client.set_cookie("lang", "en")
    story = world["public"].id
    form = client.get(f"/contact/postings/{story}").get_data(as_text=True)
    for english in ("Your name", "Organisation (municipality, group …, optional)", "Your message"):
        assert english in form, english
    refused = client.post_form(f"/contact/postings/{story}", {"name": "", "email": "x", "body": ""})
    assert refused.status_code == 400
    text = _visible_text(refused.get_data(as_text=True))
    assert "Your name: please fill this in." in text and "This is not a valid e-mail address." in text
    assert "入力してください" not in text and "お名前" not in text

    missing = client.get("/postings/999999")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)
    assert "ページが見つかりません" not in missing.get_data(as_text=True)

    client.login(users.officer("131156").email)
    events = _visible_text(client.get("/events/new").get_data(as_text=True))
    for english in ("Event name", "Fairs and markets", "Starts", "Who can read it", "Officials only"):
        assert english in events, english
    for japanese in ("イベント名", "物産展・フェア", "開始日時", "一般公開", "（なし）"):
        assert japanese not in events, japanese


def test_statistics_in_english_name_regions_and_categories_in_english(client, world):
    client.set_cookie("lang", "en")
    text = _visible_text(client.get("/stats/").get_data(as_text=True))
    for english in ("Kyushu and Okinawa", "Tohoku", "Moving to the countryside"):
        assert english in text, english
    for japanese in ("九州・沖縄", "移住希望者への支援", "データはまだありません"):
        assert japanese not in text, japanese
    client.set_cookie("lang", "ja")
    assert "移住希望者への支援" in client.get("/stats/").get_data(as_text=True)  # the survey's own words


def test_counts_in_english_are_in_ascii_brackets(client, world):
    """「（1）」 beside Japanese words, " (1)" beside English ones (search facets, the exchange record)."""
    client.set_cookie("lang", "en")
    found = _visible_text(client.get("/search/?q=交流物語").get_data(as_text=True))
    assert world["public"].title in found
    assert re.search(r"Exchange stories\s+\(1\)", found), "a kind facet with its count"
    record = _visible_text(client.get("/municipalities/exchanges").get_data(as_text=True))
    for text in (found, record):
        assert not re.search(r"（\d+）", text)
    client.set_cookie("lang", "ja")
    assert re.search(r">[^<]+</a>（1）", client.get("/search/?q=交流物語").get_data(as_text=True))
