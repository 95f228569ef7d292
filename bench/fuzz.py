"""Hostile-input check against a running instance: a few thousand requests with odd values
in every route's path, query string and form fields; prints how many answered 5xx, by route.

    make run                                   # in one terminal (demo data)
    .venv/bin/python -m bench.fuzz             # in another; --help for options

Every route comes from the application's own URL map, so new pages are covered without
editing this file. Forms are posted with a real CSRF token (taken from the page, or from
another page of the same session), as an anonymous visitor and as the demo admin and
liaison (`--login EMAIL` adds accounts). It changes data (posts, archives, hands over):
run it against a throwaway demo database, never a real one. A healthy site answers 0 × 5xx
and no connection errors; anything else is listed with one URL to reproduce it.
"""

from __future__ import annotations

import argparse
import html.parser
import http.cookiejar
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

# Values that broke, or could break, parsers, headers, databases and XML writers.
HOSTILE = [
    "", " ", "\u3000", "\x00", "\x0b", "\x1b", "a\x00b", "\r\nX-Injected: 1", "/\nenv;",
    "/.\r\nX:1", "//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
    "99999999999999999999", "-1", "0", "1e400", "NaN", "²", "١٢", "９", "0x10", "1.5",
    "[" * 5000, "{" * 2000, "A" * 3000, "' OR 1=1--", '"; DROP TABLE postings; --',
    "<script>alert(1)</script>", "<![CDATA[", "]]>", "&#0;", "\ufeff", "\u202e", "\ud7ff",
    "𠮷野家", "フォーム制御\x0b文字\x1b", "防災の取組", "ｐａｇｅ", "%", "%zz", "%00", "..", "../../etc/passwd",
    "null", "true", "[]", "{}", "\\", "*", "?", "#", "\t\n",
    # Dates at the ends of the calendar (year 1 in Japan time is year 0 in UTC).
    "0001-01-01", "0001-01-01T00:00", "9999-12-31T23:59", "9999-12-31T23:00:00-05:00", "2101-01",
]
# The sharpest of them, tried in every query parameter of every page (the sweep's second pass).
KILLERS = ["/\r\nX: 1", "99999999999999999999", "\x00\x0b"]
# Percent-encoded bytes that are not UTF-8 (sent as they are in URLs and form bodies).
RAW_BYTES = ["%FF", "%C0%AF", "%ED%A0%80", "%E3%81", "%82%A0%82%A2"]
PLAUSIBLE = ["1", "2", "10", "131041", "A-4", "B-6", "case_study", "published", "open", "ja", "2027-01-15",
             "en", "large", "2026-04", "防災", "東京都", "関東", "観光", "newest", "1"]
# Query parameters the pages read, each with a value they accept: the sweep makes one of them
# hostile at a time, so that it gets past the validation of the others.
GOOD_QUERY = {
    "page": "1", "per_page": "20", "next": "/", "q": "防災", "kind": "case_study", "category": "A-4",
    "prefecture": "東京都", "region": "関東", "status": "published", "field": "観光", "year": "2025",
    "request_status": "open", "sort": "newest", "lang": "en", "size": "large", "month": "2026-04",
    "past": "1", "blocked": "1", "code": "131041", "updated_since": "2025-04-01",
}
QUERY_NAMES = list(GOOD_QUERY)
GOOD_FIELD = {"email": "fuzz@example.jp", "password": "kakehashi-demo", "officer": "0",
              "successor": "0", "categories": "A-4", "status": "draft", "visibility": "public",
              "notify_mode": "digest", "active": "1", "value": "1", "municipality": "131041",
              "contact_name": "佐藤 涼", "contact_email": "fuzz@example.jp", "period_start": "2024-04",
              "period_end": "", "website": "", "partners": "輪島市", "new": "fuzz-password-2027", "confirm": "fuzz-password-2027"}
FORM_FALLBACK = ["body", "note", "value", "subject", "name", "email", "officer", "successor",
                 "title", "summary", "password", "active", "notify_mode"]
SKIP_POST = {"/accounts/logout"}  # would end the fuzzing session itself
# A valid value by input type, so that a form gets past the checks of its other fields.
GOOD_BY_TYPE = {"date": "2027-01-15", "datetime-local": "2027-01-15T10:00", "month": "2027-01",
                "email": "fuzz@example.jp", "number": "1", "url": "https://example.jp/", "tel": "03-0000-0000"}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _Forms(html.parser.HTMLParser):
    """The page's POST forms, each as {field name: a value it accepts} (prefilled values, the
    first choice of a select, checked boxes, else a value that fits the input type)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({})
        elif not self.forms or "name" not in a:
            if tag == "option" and self._select and self.forms and not self.forms[-1].get(self._select):
                self.forms[-1][self._select] = a.get("value", "")
        elif tag == "input" and a.get("type") not in ("submit", "button", "image", "reset"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and a["name"] in self.forms[-1]:
                return  # the first box of a group is enough
            name = a["name"]
            good = GOOD_FIELD[name] if name in GOOD_FIELD else GOOD_BY_TYPE.get(kind, "テスト")
            self.forms[-1][name] = a.get("value") or good
        elif tag == "textarea":
            self.forms[-1][a["name"]] = GOOD_FIELD.get(a["name"], "テスト")
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1].setdefault(a["name"], "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def main_form(text: str) -> dict[str, str]:
    """The form with the most fields among those with a CSRF token (the page's own form)."""
    parser = _Forms()
    parser.feed(text)
    forms = [f for f in parser.forms if "csrf_token" in f]
    return max(forms, key=len, default={})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser session (its own cookies), usable from several threads."""

    def __init__(self, base: str, name: str, timeout: float):
        self.base, self.name, self.timeout = base.rstrip("/"), name, timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
        self.token = ""

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
        req = urllib.request.Request(self.base + path, data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def refresh_token(self, *paths: str) -> None:
        for path in (*paths, "/accounts/login", "/accounts/password"):
            status, text = self.request("GET", path)
            match = CSRF.search(text)
            if status == 200 and match:
                self.token = match.group(1)
                return

    def login(self, email: str, password: str) -> bool:
        self.refresh_token("/accounts/login")
        body = urllib.parse.urlencode({"csrf_token": self.token, "email": email, "password": password})
        status, _ = self.request("POST", "/accounts/login", body.encode())
        self.refresh_token("/accounts/password")
        return status == 302


@dataclass
class Tally:
    requests: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, route: str, status: int, example: str) -> None:
        with self.lock:
            self.requests[route] += 1
            self.statuses[status] += 1
            if status >= 500 or status < 0:  # -1: connection error, -2: not sent
                self.errors[route] += 1
                self.examples.setdefault(route, f"{status} {example}")


def routes() -> list[tuple[str, str, list[str]]]:
    """(rule, kind of path values, methods) from the application's URL map."""
    from app import create_app

    app = create_app()
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = sorted(m for m in rule.methods or () if m in ("GET", "POST"))
        out.append((rule.rule, rule.endpoint, methods))
    return out


PARAM = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")  # <name>, <int:name>, <any(a, b):name>


@dataclass
class Values:
    """Where a request's values come from: random draws, or one fixed value everywhere (sweep)."""

    rng: random.Random
    fixed: str | None = None
    target: str | None = None  # the query parameter that gets the fixed value

    def pick(self, plausible_share: float = 0.35) -> str:
        if self.fixed is not None:
            return self.fixed
        if self.rng.random() < 0.06:
            return self.rng.choice(RAW_BYTES)  # already percent-encoded
        value = self.rng.choice(PLAUSIBLE) if self.rng.random() < plausible_share else self.rng.choice(HOSTILE)
        return _quote(value)


def _quote(value: str) -> str:
    return urllib.parse.quote(value.encode("utf-8", "surrogatepass"), safe="")


def fill_path(rule: str, values: Values) -> str:
    rng = values.rng

    def sub(match: re.Match) -> str:
        converter, arguments, name = match.groups()
        if converter == "any" and rng.random() < 0.8:
            return rng.choice([a.strip(" '\"") for a in arguments.split(",")])
        if converter == "int":
            return rng.choice(["1", "2", "3", "5", "10", "0", "2147483648", "99999999999999999999"])
        if name == "code" and rng.random() < 0.5:
            return rng.choice(["131041", "172049", "000000"])
        if name == "slug" and rng.random() < 0.7:
            return rng.choice(["cases", "requests", "disaster", "staff"])
        return values.pick(0.0) or "x"

    return PARAM.sub(sub, rule)


def query_string(values: Values) -> str:
    rng = values.rng
    if values.fixed is None:
        return "&".join(f"{n}={values.pick()}" for n in rng.sample(QUERY_NAMES, rng.randint(1, 4)))
    target = values.target or rng.choice(QUERY_NAMES)
    return "&".join(f"{n}={values.fixed if n == target else _quote(GOOD_QUERY[n])}" for n in QUERY_NAMES)


def form_body(good: dict[str, str], token: str, values: Values) -> bytes:
    """`good` maps the form's fields to accepted values: in the sweep one field gets the
    hostile value and the others their good one; else any field may be hostile."""
    rng = values.rng
    token = good.get("csrf_token") or token
    parts = [] if rng.random() < 0.05 else [f"csrf_token={_quote(token)}"]  # some without a token
    names = sorted(n for n in good if n != "csrf_token")
    if values.fixed is None or not names:
        parts += [f"{_quote(n)}={values.pick(0.5) if rng.random() < 0.5 else _quote(good[n])}" for n in names]
    else:
        target = rng.choice(names)
        parts += [f"{_quote(n)}={values.fixed if n == target else _quote(good[n])}" for n in names]
    return "&".join(parts).encode()


def one(client: Client, rule: str, methods: list[str], values: Values, tally: Tally) -> None:
    rng = values.rng
    path = fill_path(rule, values)
    post = "POST" in methods and rule not in SKIP_POST and not values.target and (
        "GET" not in methods or rng.random() < 0.5)
    label = f"{'POST' if post else 'GET '} {rule}"
    try:
        if post:
            good = {}
            if "GET" in methods:
                _status, text = client.request("GET", path)
                good = main_form(text)
            good = good or {n: GOOD_FIELD.get(n, "テスト") for n in FORM_FALLBACK}
            url = f"{path}?{query_string(values)}" if rng.random() < 0.3 else path  # e.g. login?next=
            status, _ = client.request("POST", url, form_body(good, client.token, values))
            tally.add(label, status, f"as {client.name}: POST {url}")
        else:
            url = f"{path}?{query_string(values)}" if values.target or rng.random() < 0.85 else path
            status, _ = client.request("GET", url)
            tally.add(label, status, f"as {client.name}: GET {url}")
    except (OSError, urllib.error.URLError) as exc:  # refused, reset, timed out
        tally.add(label, -1, f"as {client.name}: {path} {exc}")
    except Exception as exc:  # a request this script could not even send: its own defect, shown
        tally.add(label, -2, f"as {client.name}: {path} not sent: {type(exc).__name__}: {exc}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000", help="the running instance")
    parser.add_argument("--requests", type=int, default=2000, help="random requests after the sweep")
    parser.add_argument("--no-sweep", action="store_true",
                        help="skip the sweep (about 50 requests per route: each route once per hostile value, "
                             "each page once per sharp value in each query parameter)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--login", action="append", default=[], metavar="EMAIL",
                        help="extra account to fuzz as (always: the demo admin, liaison and account manager)")
    parser.add_argument("--password", default="kakehashi-demo")
    args = parser.parse_args()

    from app.services.data.demo import DEMO_ADMIN, DEMO_LIAISON, DEMO_MANAGER

    clients = [Client(args.base, "anon", args.timeout)]
    clients[0].refresh_token()
    for email in [DEMO_ADMIN, DEMO_LIAISON, DEMO_MANAGER, *args.login]:
        client = Client(args.base, email.split("@")[0], args.timeout)
        if client.login(email, args.password):
            clients.append(client)
        else:
            print(f"could not log in as {email}; fuzzing without it", file=sys.stderr)
    table = routes()
    tally = Tally()
    rng = random.Random(args.seed)
    # A sweep (every route once per hostile value, in one field with the others plausible;
    # then the sharpest values in every query parameter of every page), mixed with random
    # requests (hostile values anywhere).
    sweep = [] if args.no_sweep else [_quote(v) for v in HOSTILE] + RAW_BYTES
    jobs = [(clients[i % len(clients)], rule, methods, Values(random.Random(rng.random()), value))
            for rule, _e, methods in table for i, value in enumerate(sweep)]
    jobs += [(clients[i % len(clients)], rule, methods, Values(random.Random(rng.random()), _quote(v), name))
             for rule, _e, methods in table if "GET" in methods and not args.no_sweep
             for i, (name, v) in enumerate((n, v) for n in QUERY_NAMES for v in KILLERS)]
    jobs += [(rng.choice(clients), *rng.choice([(r, m) for r, _e, m in table]), Values(random.Random(rng.random())))
             for _ in range(args.requests)]
    rng.shuffle(jobs)  # sweep and random requests interleaved: concurrency on every route
    started = time.monotonic()
    with ThreadPoolExecutor(args.threads) as pool:
        for client, rule, methods, values in jobs:
            pool.submit(one, client, rule, methods, values, tally)
    elapsed = time.monotonic() - started

    total, bad = sum(tally.requests.values()), sum(tally.errors.values())
    print(f"{total} requests to {len(table)} routes in {elapsed:.0f} s as "
          f"{', '.join(c.name for c in clients)} ({args.threads} threads, seed {args.seed})")
    print("status counts: " + ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items())))
    print(f"5xx or connection errors: {bad}" + (f" (of which not sent: {tally.statuses[-2]})"
                                                 if tally.statuses[-2] else ""))
    for label, n in sorted(tally.errors.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:4d} of {tally.requests[label]:<4d} {label}")
        print(f"       e.g. {tally.examples[label][:200]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
