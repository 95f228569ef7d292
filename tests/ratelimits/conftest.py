"""Rate limits across processes: app servers in subprocesses (as gunicorn workers or two hosts
are), sharing a real Redis server.

The shared server is installed and started by scripts/install-test-deps.d/redis.sh (run by
`make test`); a test that must stop Redis starts one of its own from the same package. Locally
without Redis these tests skip; in CI (CI=true) a missing server fails them.
"""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _missing(message: str):
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_server() -> str:
    if not _redis_answers(REDIS_URL):
        _missing(f"Redis not reachable at {REDIS_URL} (scripts/install-test-deps.d/redis.sh starts it)")
    return REDIS_URL


class PrivateRedis:
    """A Redis server of one test's own (in memory only), which the test may stop."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if _redis_answers(self.url):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        _missing("redis-server is not installed (scripts/install-test-deps.d/redis.sh installs it)")
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


class AppServer:
    """`flask run` in a subprocess on the test's database: one worker process, or one host."""

    def __init__(self, app, **settings):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "KAKEHASHI_ENV": "testing", "FLASK_APP": "wsgi.py",
               "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
               "SEARCH_BACKEND": app.config["SEARCH_BACKEND"],
               "BOARD_INDEX_DIR": app.config["BOARD_INDEX_DIR"], "CACHE_TYPE": "NullCache",
               **{name: str(value) for name, value in settings.items()}}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "run", "--no-reload", "--no-debugger",
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait(self) -> "AppServer":
        for _ in range(1200):
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app server stopped: {self.proc.stderr.read()[-2000:]}")
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the app server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def servers():
    """start(app, **settings) -> a running AppServer; all are stopped after the test."""
    started = []

    def start(app, count=1, **settings):
        new = [AppServer(app, **settings) for _ in range(count)]  # they start side by side
        started.extend(new)
        return [server.wait() for server in new]

    yield start
    for server in started:
        server.stop()


def key_prefix() -> str:
    """Keys of this test alone in the shared Redis (other tests and runs use it too)."""
    return f"kakehashi-test-{uuid.uuid4().hex[:12]}"


class Browser:
    """One person's browser: cookies, the CSRF token of its session, any answer status."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def login(self, base: str, email: str, password: str = "not the password") -> tuple[int, str, dict]:
        if not hasattr(self, "token"):
            self.token = _CSRF.search(self.request(base + "/accounts/login")[1]).group(1)
        return self.request(base + "/accounts/login",
                            {"email": email, "password": password, "csrf_token": self.token})
