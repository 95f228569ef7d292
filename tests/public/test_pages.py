"""Home, map, municipality pages and the text-size / language switches."""

import re

import flask_babel


def test_home_invites_reading(client, world):
    html = client.get("/").get_data(as_text=True)
    assert "公開の交流物語" in html
    assert 'action="/search/"' in html and 'name="q"' in html
    assert html.count('class="icon"') >= 21  # the 21 themes, with icons
    assert "/postings/?category=A-1" in html and "/postings/?region=" in html
    assert "<svg class=\"story-art\"" in html  # no photo: a self-contained illustration
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", html.split("<body>")[0])


def test_map_counts_and_links(client, world):
    html = client.get("/map").get_data(as_text=True)
    # Each tile's name starts with its visible text (福島, 1) and ends with the full name.
    assert 'aria-label="福島 1件（福島県）"' in html and 'aria-label="宮城 0件（宮城県）"' in html
    assert 'aria-label="北海道 0件"' in html
    assert 'href="/postings/?prefecture=%E7%A6%8F%E5%B3%B6%E7%9C%8C"' in html
    assert "<table" in html and "凡例" in html
    # The prefecture's list shows the exchanges the map counted, partners included.
    listing = client.get("/postings/?prefecture=福島県").get_data(as_text=True)
    assert "公開の交流物語" in listing


def test_municipality_page_and_exchange_record(client, world):
    town = client.get("/m/072125").get_data(as_text=True)
    assert "特別区との交流実績" in town and "杉並区" in town and "公開の交流物語" in town
    ward = client.get("/m/131156").get_data(as_text=True)
    assert "南相馬市" in ward and "/contact/desk/131156" in ward
    record = client.get("/municipalities/exchanges").get_data(as_text=True)
    assert "福島県" in record and "南相馬市" in record
    assert client.get("/m/000000").status_code == 404


def test_text_size_switch_persists(client):
    response = client.get("/settings/text-size?size=large&next=/map")
    assert response.status_code == 303 and response.headers["Location"] == "/map"
    cookie = response.headers["Set-Cookie"]
    assert "text_size=large" in cookie and "Max-Age=" in cookie
    assert 'class="text-large"' in client.get("/").get_data(as_text=True)
    assert client.get("/settings/text-size?size=huge").status_code == 400


def test_switches_never_redirect_off_site(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get("/settings/language", query_string={"lang": "en", "next": target})
        assert response.headers["Location"] == "/", target


def test_english_toggle(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="ja"' in html and "テーマからさがす" in html
    response = client.get("/settings/language?lang=en&next=/")
    assert "lang=en" in response.headers["Set-Cookie"]
    flask_babel.refresh()  # the test keeps one app context across requests; a server does not
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in html and "Browse by theme" in html and "Skip to main content" in html
    assert client.get("/settings/language?lang=fr").status_code == 400
