"""The login limit (RATELIMIT_LOGIN, 10 per minute) holds across processes when they share
Redis, and a login does not fail when Redis goes away."""

from tests.helpers import PASSWORD
from tests.loopback import Browser
from tests.ratelimits.conftest import key_prefix

LIMIT_PAGE = ("しばらく時間をおいてください", "この操作は1分間に10回までです。")


def _login(browser, base, email, password="not the password"):
    """(status, page, headers) of one login on `base` (a whole URL: one browser, several servers)."""
    answer = browser.post_form(base + "/accounts/login", {"email": email, "password": password})
    return answer.status, answer.text, answer.headers


def _attempts(browser, bases, email, count):
    """`count` wrong passwords, taking turns between the servers (as a load balancer does)."""
    return [_login(browser, bases[i % len(bases)], email) for i in range(count)]


def test_two_processes_sharing_redis_let_ten_wrong_passwords_through_in_all(
        app, users, servers, redis_server):
    users.officer(email="taro@example.jp")
    a, b = servers(app, count=2, RATELIMIT_STORAGE_URI=redis_server, RATELIMIT_KEY_PREFIX=key_prefix())
    answers = _attempts(Browser(), [a.url, b.url], "taro@example.jp", 14)
    assert [status for status, _, _ in answers] == [400] * 10 + [429] * 4
    for _, html, headers in answers[10:]:
        assert all(text in html for text in LIMIT_PAGE)
        assert 0 < int(headers["Retry-After"]) <= 60
    # The limit is per client address: another browser there is refused too, a right password
    # as well, by both servers.
    for server in (a, b):
        assert _login(Browser(), server.url, "taro@example.jp", PASSWORD)[0] == 429


def test_two_processes_counting_in_memory_let_twice_as_many_through(app, users, servers):
    """What production refuses (memory:// with WEB_CONCURRENCY > 1): each process counts alone."""
    users.officer(email="taro@example.jp")
    a, b = servers(app, count=2, RATELIMIT_STORAGE_URI="memory://")
    answers = _attempts(Browser(), [a.url, b.url], "taro@example.jp", 21)
    assert [status for status, _, _ in answers] == [400] * 20 + [429]


def test_redis_going_away_never_fails_a_login_and_limits_still_count(app, users, servers, private_redis):
    users.officer(email="taro@example.jp")
    (server,) = servers(app, RATELIMIT_STORAGE_URI=private_redis.url)
    browser = Browser()
    before = _attempts(browser, [server.url], "taro@example.jp", 4)
    assert [status for status, _, _ in before] == [400] * 4
    private_redis.stop()
    # The process counts in its own memory from now on (it does not know the 4 Redis had):
    # ten more wrong passwords, then the Japanese limit page, never a 500.
    after = _attempts(browser, [server.url], "taro@example.jp", 12)
    assert [status for status, _, _ in after] == [400] * 10 + [429] * 2
    assert all(text in after[-1][1] for text in LIMIT_PAGE)
