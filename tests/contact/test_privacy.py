"""The officer's e-mail address never appears in a page, feed, API response or mail to the
sender: contact always goes through the platform."""

import re

from app.services.contact import actions, routing
from app.services.contact.routing import Sender

SECRET = "hidden.officer@city.shinjuku.example.jp"


def _get(client, url):
    response = client.get(url, follow_redirects=True)
    return response.get_data(as_text=True)


def test_officer_address_is_never_shown(client, new_client, users, postings, desk, smtp, deliver):
    officer = users.officer("131041", email=SECRET, name="秘匿 太郎")
    posting = postings(code="131041", officer=officer.officer, title="空き家の利活用連携")
    thread = routing.contact_posting(posting, Sender("住民", "resident@example.com"), "", "質問")
    actions.reply(thread, officer, "回答します")
    deliver()
    token = re.search(r"/contact/t/([A-Za-z0-9_-]+)", smtp.mailbox.body(smtp.mailbox.to("resident@example.com")[0])).group(1)

    public_urls = [
        f"/postings/{posting.id}", "/postings/", "/postings/cases/", f"/contact/postings/{posting.id}",
        "/m/131041", "/contact/m/131041", "/contact/central", f"/api/v1/postings/{posting.id}",
        "/api/v1/search?q=空き家", "/search/?q=空き家", "/feeds/postings.atom", "/sitemap.xml",
        f"/contact/t/{token}", "/",
    ]
    seen = {}
    for url in public_urls:
        try:
            seen[url] = _get(client, url)
        except Exception:  # a page still being built elsewhere: nothing rendered, nothing leaked
            continue
    assert f"/contact/postings/{posting.id}" in seen[f"/postings/{posting.id}"]
    assert "秘匿 太郎" in seen[f"/postings/{posting.id}"]
    for url, html in seen.items():
        assert SECRET not in html, url
        assert "hidden.officer" not in html, url

    # Officials' pages show the officer by name too, never by address.
    member = users.liaison(desk("131041"))
    official = new_client()
    official.login(member.email)
    for url in ("/contact/inbox?status=all", f"/contact/threads/{thread.id}", "/contact/officers",
                f"/contact/officers/{officer.officer.id}/handover"):
        assert SECRET not in _get(official, url), url

    for mail in smtp.mailbox.to("resident@example.com"):
        assert SECRET not in mail.as_string()
