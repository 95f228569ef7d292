"""Real app processes for the multi-host tests: a web server per "host" (gunicorn when installed,
else Flask's server), `flask` commands, and a small HTTP client with cookies and CSRF tokens."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def host_env(database_url: str, instance: Path, **settings) -> dict:
    """The environment of one host: production settings, its own folders, the shared database."""
    instance.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "KAKEHASHI_"))}
    env.update(
        FLASK_APP="wsgi.py", KAKEHASHI_ENV="production", SECRET_KEY="x" * 64,
        DATABASE_URL=database_url, SEARCH_BACKEND="postgres",
        SEARCH_INDEX_DIR=str(instance / "search_index"), BOARD_INDEX_DIR=str(instance / "board_index"),
        DEV_MAIL_DIR=str(instance / "mail"), SITE_URL="https://kakehashi.test",
        # Behind one proxy (nginx); up to two workers (gunicorn below) counting rate limits in the
        # tests' Redis, under keys of this database's hosts alone.
        TRUSTED_PROXIES="1", WEB_CONCURRENCY="2",
        RATELIMIT_STORAGE_URI=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        RATELIMIT_KEY_PREFIX=f"kakehashi-test-{database_url.rsplit('/', 1)[-1]}",
    )
    env.update({k: str(v) for k, v in settings.items()})
    return env


class Host:
    """One web host: a server process on a loopback port."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        if (BIN / "gunicorn").exists():
            command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "wsgi:app"]
            if (ROOT / "gunicorn.conf.py").exists():
                command[1:1] = ["--config", "gunicorn.conf.py"]
        else:
            command = [str(BIN / "flask"), "run", "--host", "127.0.0.1", "--port", str(self.port),
                       "--no-reload", "--no-debugger"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"),
                                        stderr=subprocess.STDOUT)

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.url} exited: {self.log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{self.url} did not answer /healthz: {self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def flask(env: dict, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "flask"), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **popen)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.text = status, headers, body.decode("utf-8", "replace")


class LoopbackAsHttps(http.cookiejar.DefaultCookiePolicy):
    """The hosts' cookies are https-only, as in production; plain http on the loopback stands
    in for the TLS nginx ends, so this browser sends them there too."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """A visitor with their own cookies; redirects are not followed (the tests look at them)."""

    def __init__(self, base_url: str, forwarded_for: str | None = None):
        self.base_url = base_url
        # As nginx would say who the visitor is (the hosts trust one proxy: TRUSTED_PROXIES=1).
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        self.cookies = http.cookiejar.CookieJar(LoopbackAsHttps())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, path: str, data: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        url = self.base_url + urllib.parse.quote(path, safe="/?=&%:")
        try:
            with self.opener.open(urllib.request.Request(url, data=body, headers=self.headers), timeout=30) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def get(self, path: str) -> Response:
        return self.request(path)

    def post_form(self, path: str, data: dict, token_from: str | None = None) -> Response:
        page = self.get(token_from or path)
        match = CSRF.search(page.text)
        assert match, f"no CSRF token on {token_from or path} ({page.status})"
        return self.request(path, {**data, "csrf_token": match.group(1)})

    def login(self, email: str, password: str) -> Response:
        response = self.post_form("/accounts/login", {"email": email, "password": password})
        assert response.status == 302, response.text[:500]
        return response
