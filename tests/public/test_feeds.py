import re
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def _titles(response):
    root = ET.fromstring(response.data)
    return [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]


def test_atom_feed_of_new_public_postings(client, postings, world):
    postings(kind="partnership_request", code="131041", title="募集の投稿", categories=["A-2"])
    response = client.get("/feeds/postings.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    titles = _titles(response)
    assert titles[0] == "募集の投稿" and "公開の交流物語" in titles
    root = ET.fromstring(response.data)
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/postings/")
    assert root.find(f"{ATOM}updated").text.endswith("+09:00")  # RFC 3339 with its offset


def test_feeds_per_kind_and_category(client, postings, world):
    postings(kind="partnership_request", code="131041", title="募集の投稿", categories=["A-2"])
    assert _titles(client.get("/feeds/cases.atom")) == ["公開の交流物語"]
    assert _titles(client.get("/feeds/postings.atom?kind=partnership_request")) == ["募集の投稿"]
    assert _titles(client.get("/feeds/postings.atom?category=A-2")) == ["募集の投稿"]
    assert _titles(client.get("/feeds/requests.atom?category=B-5")) == []


def test_feed_bad_input_is_400_or_404(client):
    assert client.get("/feeds/postings.atom?category=Z-9").status_code == 400
    assert client.get("/feeds/postings.atom?status=draft").status_code == 400
    assert client.get("/feeds/nothing.atom").status_code == 404


def test_sitemap_lists_public_pages_only(client, world):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    locs = {u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text for u in root}
    assert f"http://localhost/postings/{world['public'].id}" in locs
    assert f"http://localhost/postings/{world['secret'].id}" not in locs
    assert f"http://localhost/postings/{world['draft'].id}" not in locs
    assert f"http://localhost/events/{world['event'].id}" in locs
    assert f"http://localhost/events/{world['event_officials'].id}" not in locs
    assert "http://localhost/m/072125" in locs and "http://localhost/m/042056" not in locs
    assert not any("/accounts/" in loc or "/admin/" in loc for loc in locs)
    assert "Sitemap: http://localhost/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)


def test_story_page_has_ogp_and_print_stylesheet(client, world):
    html = client.get(f"/postings/{world['public'].id}").get_data(as_text=True)
    assert '<meta property="og:title" content="公開の交流物語">' in html
    assert 'property="og:url" content="http://localhost/postings/' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert re.search(r'href="/static/css/print\.css(\?v=[0-9a-f]+)?" media="print"', html)
    assert "/contact/desk/131156" in html  # the ward's desk


def test_list_pages_offer_their_own_feed(client, world):
    html = client.get("/postings/cases/?category=B-5").get_data(as_text=True)
    assert 'href="/feeds/postings.atom?kind=case_study&amp;category=B-5"' in html
    assert _titles(client.get("/feeds/postings.atom?kind=case_study&category=B-5")) == ["公開の交流物語"]
