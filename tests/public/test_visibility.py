"""Officials-only and draft postings (and their events) never reach any public output."""

from tests.public.conftest import assert_no_secrets

PUBLIC_URLS = [
    "/", "/municipalities", "/municipalities/exchanges", "/m/131041", "/m/042056", "/m/172049",
    "/map", "/events/?month=2026-12", "/events/list?past=1", "/events/list", "/feeds/postings.atom",
    "/feeds/cases.atom", "/feeds/postings.atom?category=B-5", "/sitemap.xml", "/events/calendar.ics",
    "/postings/?prefecture=宮城県",
]


def test_nothing_secret_in_any_public_page(client, world):
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secrets(response.get_data(as_text=True), url)
    story = client.get(f"/postings/{world['public'].id}").get_data(as_text=True)
    assert_no_secrets(story, "story page (related stories, events)")


def test_secret_pages_look_missing(client, world):
    for key in ("event_officials", "event_of_secret", "event_of_draft"):
        assert client.get(f"/events/{world[key].id}").status_code == 404
        assert client.get(f"/events/{world[key].id}.ics").status_code == 404


def test_counts_leave_out_secret_postings(client, world):
    from app.services.public.exchanges import participating, prefecture_counts, ward_exchange_record

    counts = prefecture_counts(None)
    assert counts["福島県"] == 1 and counts["東京都"] == 1
    assert counts["宮城県"] == 0 and counts["石川県"] == 0  # partners of the secret and the draft
    assert {m.code for m, _ in participating(None)} == {"131156", "072125"}
    assert list(ward_exchange_record(None)) == ["福島県"]
    html = "".join(client.get(u).get_data(as_text=True) for u in ("/municipalities", "/m/042056"))
    assert "気仙沼" not in html.split("全国の市町村")[1].split("</section>")[0]


def test_machine_outputs_stay_public_for_logged_in_officials(client, users, world):
    client.login(users.admin().email)
    # Officials see officials-only pages on the site…
    assert "職員だけの内部調整" in client.get("/postings/").get_data(as_text=True)
    # …but feeds, sitemap and the map's own source rule for machines never include them.
    for url in ("/feeds/postings.atom", "/sitemap.xml"):
        assert_no_secrets(client.get(url).get_data(as_text=True), url)
