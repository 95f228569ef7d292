"""Rate limits across processes: app servers in subprocesses (as gunicorn workers or two hosts
are), sharing a real Redis server.

The shared server is installed and started by scripts/install-test-deps.d/redis.sh (run by
`make test`); a test that must stop Redis starts one of its own from the same package. Locally
without Redis these tests skip; in CI (CI=true) a missing server fails them.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.loopback import ServerProcess, free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _missing(message: str):
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


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


class AppServer(ServerProcess):
    """`flask run` in a subprocess on the test's database: one worker process, or one host."""

    def __init__(self, app, **settings):
        env = {**os.environ, "KAKEHASHI_ENV": "testing", "FLASK_APP": "wsgi.py",
               "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
               "SEARCH_BACKEND": app.config["SEARCH_BACKEND"],
               "BOARD_INDEX_DIR": app.config["BOARD_INDEX_DIR"], "CACHE_TYPE": "NullCache",
               **{name: str(value) for name, value in settings.items()}}
        super().__init__(lambda port: [sys.executable, "-m", "flask", "run", "--no-reload", "--no-debugger",
                                       "--host", "127.0.0.1", "--port", str(port)],
                         env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def output(self) -> str:
        return self.process.stderr.read()


@pytest.fixture
def servers():
    """start(app, **settings) -> a running AppServer; all are stopped after the test."""
    started = []

    def start(app, count=1, **settings):
        new = [AppServer(app, **settings) for _ in range(count)]  # they start side by side
        started.extend(new)
        for server in new:
            server.wait_ready(120)
        return new

    yield start
    for server in started:
        server.stop()


def key_prefix() -> str:
    """Keys of this test alone in the shared Redis (other tests and runs use it too)."""
    return f"kakehashi-test-{uuid.uuid4().hex[:12]}"
