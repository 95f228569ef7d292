"""Whose address a limit counts: the connection's (TRUSTED_PROXIES=0, the default: what a
client writes into X-Forwarded-For changes nothing), or the one a trusted proxy saw."""

import pytest

from app.extensions import db
from tests.helpers import UserFactory, WebClient, app_on_template_copy

PROXY = "10.0.0.1"


def _login(client, forwarded_for=None, remote=PROXY):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/accounts/login", headers=headers, environ_base={"REMOTE_ADDR": remote},
                       data={"email": "taro@example.jp", "password": "not the password",
                             "csrf_token": client.csrf_token()}).status_code


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(app, client, users):
    assert app.config["TRUSTED_PROXIES"] == 0
    users.officer(email="taro@example.jp")
    codes = [_login(client, forwarded_for=f"198.51.100.{i}") for i in range(11)]
    assert codes == [400] * 10 + [429]
    # Only the connection's own address is another client.
    assert _login(client, remote="10.0.0.2") == 400


@pytest.fixture
def proxied(template_db, tmp_path):
    app = app_on_template_copy(template_db, tmp_path, TRUSTED_PROXIES=1)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_behind_one_trusted_proxy_each_person_has_a_limit_of_their_own(proxied):
    UserFactory().officer(email="taro@example.jp")
    client = WebClient(proxied.test_client())
    # Everyone arrives from the proxy; it appends the address it saw to X-Forwarded-For.
    assert [_login(client, forwarded_for="203.0.113.5") for _ in range(11)] == [400] * 10 + [429]
    assert _login(client, forwarded_for="203.0.113.6") == 400  # another person behind the proxy
    # Writing another address in front of the one the proxy appends does not help.
    assert _login(client, forwarded_for="203.0.113.77, 203.0.113.5") == 429
