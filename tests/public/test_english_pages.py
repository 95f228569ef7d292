"""English mode over the demo postings: no interface string of the catalogue is left in Japanese.

The words of the interface are the catalogue's message ids. On an English page none of them
may be shown as such: each one seen there was not passed through gettext (a label of a
stored code, a service's message, a reason, a separator built in Python …). The postings
themselves stay in Japanese (a posting may well say 「職員の派遣」), so what the database holds
is taken out of the page's text before looking.
"""

import re

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import inspect, select, text

from app.extensions import db
from app.models import Posting
from tests.helpers import running_on_copy
from tests.public.test_english_mode import _visible_text
from tests.public.test_translations import FOLDER, JAPANESE, SAME_IN_BOTH

# Shown in Japanese on purpose: examples of what to type (a region, a kind) beside their English.
TYPED_EXAMPLES = {"東北", "宮城県", "連携の募集", "防災 東北"}
_MARKDOWN = re.compile(r"^\s*(?:[-*+]|\d+\.|#+|>)\s+")
# Search snippets (pieces of a posting's text, cut anywhere) and the words a search also looked
# for (the search vocabulary's, like the postings' own words).
_SNIPPET = re.compile(r'<p class="snippet">.*?</p>|<a class="related-term"[^>]*>[^<]*</a>', re.S)


@pytest.fixture
def app(demo_world, tmp_path):
    with running_on_copy(demo_world, tmp_path) as app:
        yield app


def _stored_values() -> list[str]:
    """Every text value in the database (postings, municipalities, categories, desks …),
    longest first, as lines (a body is shown paragraph by paragraph)."""
    values = set()
    with db.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for column in inspect(connection).get_columns(table):
                if not any(t in str(column["type"]).upper() for t in ("CHAR", "TEXT", "JSON")):
                    continue
                for (value,) in connection.execute(text(f'SELECT "{column["name"]}" FROM "{table}"')):
                    for line in str(value or "").replace('"', "\n").splitlines():
                        line = _MARKDOWN.sub("", line).replace("**", "").strip()  # as rendered
                        if len(line) >= 2 and JAPANESE.search(line):
                            values.add(line)
    return sorted(values, key=len, reverse=True)


def _without(shown: str, stored: list[str]) -> str:
    for value in stored:
        if value in shown:
            shown = shown.replace(value, " ")
    return shown


def _interface_words() -> list[str]:
    with open(FOLDER / "messages.po", "rb") as f:
        catalogue = read_po(f, locale="en")
    words = []
    for message in catalogue:
        word = message.id if isinstance(message.id, str) else message.id[0]
        if not word or "%(" in word or word in SAME_IN_BOTH | TYPED_EXAMPLES:
            continue
        if len(word) >= 2 and JAPANESE.search(word):
            words.append(word)
    return words


def test_english_pages_show_no_interface_string_in_japanese(client, users):
    stored = _stored_values()
    words = _interface_words()
    request = db.session.scalar(select(Posting).where(Posting.kind == "partnership_request",
                                                      Posting.status == "published").order_by(Posting.id))
    offer = db.session.scalar(select(Posting).where(Posting.kind == "disaster_offer",
                                                    Posting.status == "published").order_by(Posting.id))
    public = ["/", "/postings/", "/postings/cases/", "/postings/requests/", "/postings/disaster/",
              "/postings/staff/", f"/postings/{request.id}", f"/postings/{request.id}/matches",
              f"/postings/{offer.id}", "/map", "/municipalities", "/municipalities/exchanges",
              "/m/131041", "/events/", "/events/list", "/search/?q=防災", "/search/?q=qzxqzx", "/stats/",
              "/opendata/", "/about", "/disasters/", "/disasters/plan?prefecture=石川県&need=staff&need=supplies",
              "/accounts/login", "/accounts/signup", "/accounts/reset"]
    official = ["/contact/inbox", "/postings/new/cases", "/postings/new/requests", "/postings/new/disaster",
                "/postings/new/staff", "/board/", "/board/new", "/follows/", "/contact/settings",
                f"/postings/{offer.id}/matches", "/accounts/email", "/events/new"]
    client.set_cookie("lang", "en")
    problems = {}

    def check(paths):
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            shown = _without(_visible_text(_SNIPPET.sub("", response.get_data(as_text=True))), stored)
            found = [w for w in words if w in shown]
            if found:
                problems[path] = found[:8]

    check(public)
    client.login(users.officer("131041").email)
    check(official)
    assert not problems, "Japanese interface text in English mode:\n" + "\n".join(
        f"  {path}: {found}" for path, found in problems.items())


def test_the_check_sees_a_label_left_in_japanese(app):
    """The check itself: a kind's Japanese label on an English page is found."""
    words = _interface_words()
    assert "災害時相互協力" in words
    shown = _without(_visible_text("<h2>災害時相互協力</h2><p>南相馬市との防災交流</p>"), ["南相馬市との防災交流"])
    assert "災害時相互協力" in [w for w in words if w in shown] and "防災" not in shown
