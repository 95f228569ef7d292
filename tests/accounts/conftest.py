"""Account tests: the real SMTP server of tests/contact, generous limits (the rate-limit tests
set their own), a town with an official domain, and helpers that read links out of mails."""

import re

import pytest

from app.services.accounts import domains
from tests.contact.conftest import deliver, new_client, smtp  # noqa: F401  (fixtures)

TOWN = "046060"  # 南三陸町
TOWN_DOMAIN = "town.minamisanriku.example.lg.jp"
OTHER = "131041"  # 新宿区
OTHER_DOMAIN = "city.shinjuku.example.lg.jp"


@pytest.fixture(autouse=True)
def generous_limits(app):
    app.config["RATELIMIT_ACCOUNT_MAIL"] = "1000 per minute"
    app.config["RATELIMIT_ACCOUNT_MAIL_ADDRESS"] = "1000 per minute"


@pytest.fixture
def town(app, muni):
    m = muni(TOWN)
    domains.add_domain(m, TOWN_DOMAIN, actor=None)
    return m


@pytest.fixture
def other_town(app, muni):
    m = muni(OTHER)
    domains.add_domain(m, OTHER_DOMAIN, actor=None)
    return m


def link(server, to: str, path: str) -> str:
    """The path of the last link to `path…` mailed to `to`."""
    for msg in reversed(server.mailbox.to(to)):
        found = re.search(rf"http://kakehashi\.test({re.escape(path)}[\w.\-]+)", server.mailbox.body(msg))
        if found:
            return found.group(1)
    raise AssertionError(f"no {path} link mailed to {to}: {[m['Subject'] for m in server.mailbox.to(to)]}")


def signup_data(**overrides) -> dict:
    data = {"name": "田中 達也", "municipality": TOWN, "department": "防災安全課", "title": "係長",
            "email": f"tatsuya.tanaka@{TOWN_DOMAIN}", "new": "a long enough secret",
            "confirm": "a long enough secret", "website": ""}
    data.update(overrides)
    return data
