"""Real processes on the loopback for the tests that need more than one: a free port, a web
server in a subprocess that is ready once /healthz answers, and a browser with its own
cookies and CSRF tokens (urllib)."""

import http.cookiejar
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A web server in a subprocess on a free loopback port: `command(port)` starts it."""

    def __init__(self, command, env: dict, **popen):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(command(self.port), cwd=ROOT, env=env, **popen)

    def output(self) -> str:
        """What the server wrote, for a failure's message (subclasses say where it went)."""
        return ""

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.url} exited: {self.output()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"{self.url} did not answer /healthz: {self.output()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.text = status, headers, body.decode("utf-8", "replace")


class LoopbackAsHttps(http.cookiejar.DefaultCookiePolicy):
    """Production hosts' cookies are https-only; plain http on the loopback stands in for the
    TLS nginx ends, so this browser sends them there too."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """A visitor with their own cookies; redirects are not followed (the tests look at them).
    Paths are relative to `base_url`; with none, they are whole URLs (one browser, several servers)."""

    def __init__(self, base_url: str = "", forwarded_for: str | None = None):
        self.base_url = base_url
        # As nginx would say who the visitor is (for servers that trust one proxy: TRUSTED_PROXIES=1).
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        self.cookies = http.cookiejar.CookieJar(LoopbackAsHttps())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, path: str, data: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        url = self.base_url + urllib.parse.quote(path, safe="/?=&%:")
        try:
            with self.opener.open(urllib.request.Request(url, data=body, headers=self.headers), timeout=60) as response:
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
