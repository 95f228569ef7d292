"""Load benchmark: the app under gunicorn (2 workers) on a generated database, driven by wrk.

    .venv/bin/python -m bench.load                     # 10,000 postings
    .venv/bin/python -m bench.load --postings 100000   # national scale (first build is long)
    .venv/bin/python -m bench.load --saves-only        # the save latency alone, in process

Builds (once, kept in instance/bench-N/) a database of N synthetic postings (bench/synth.py)
with its search index, starts gunicorn on a loopback port, and for each page runs wrk for a
few seconds: req/s, p50/p99, errors, CPU ms per request (the workers' CPU time over the
requests served) and the ratio to /healthz (the ratio is what stays comparable on a shared
machine). It runs twice: with the anonymous page cache as deployed, and with it off
(CACHE_TYPE=NullCache: every request renders). In the same run: SQL statements per request
(rendered and cached), RSS per worker, a fresh worker's first search with and without
warm-up, and the save latency (response, and until the change is searchable).
wrk (Debian package) is installed with apt-get when missing. gunicorn runs with the project's
gunicorn.conf.py (workers warmed before they take traffic).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PAGES = [  # (label, path); {story} is filled in from the database
    ("healthz", "/healthz"),
    ("home", "/"),
    ("story", "{story}"),
    ("list", "/postings/cases/"),
    ("search 1", "/search/?q=防災"),
    ("search 2", "/search/?q=空き家 活用"),
    ("api search", "/api/v1/search?q=観光"),
]
BENCH_PASSWORD = "bench-password-123"


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        print("installing wrk (apt-get)…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True,
                       stdout=subprocess.DEVNULL)


# --- the database ----------------------------------------------------------------------------


# Production refuses SQLite and per-process rate limits under several workers (the state they
# would have to share). This throwaway database measures serving pages, so the benchmark
# declares one worker whatever gunicorn runs.
PRODUCTION_CHECKS = {"WEB_CONCURRENCY": "1", "SITE_URL": "https://kakehashi.example.jp"}


def _settings(folder: Path, **extra) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'kakehashi.sqlite3'}",
            "SEARCH_INDEX_DIR": str(folder / "search_index"),
            "BOARD_INDEX_DIR": str(folder / "board_index"), **PRODUCTION_CHECKS, **extra}


def _schema_head() -> str:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    config = AlembicConfig()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def build(folder: Path, n: int) -> None:
    """Schema, reference data, n postings by bulk insert, and the search index (once per
    schema: a database built before a new migration is built again)."""
    marker = folder / "built.json"
    wanted = {"postings": n, "schema": _schema_head()}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db
    from app.services.data.reference import load_reference_data
    from app.services.search import indexing
    from config import ProductionConfig

    app = create_app(ProductionConfig, SECRET_KEY=secrets.token_hex(32), **_settings(folder))
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        load_reference_data()
        _insert_postings(n)
        _bench_officer()
        # Statistics for SQLite's planner now, as a site that has run a while has them (the
        # migrations ran on empty tables; PRAGMA optimize would analyze within the hour).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"database: {n:,} postings in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        indexing.rebuild(wait=3600)
        print(f"search index: {time.perf_counter() - started:.0f} s", flush=True)
        db.session.remove()
    marker.write_text(json.dumps(wanted))


def _insert_postings(n: int) -> None:
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.models import Category, Municipality, Officer, Posting, Tag
    from app.models.postings import (
        POSTING_CLASSES,
        posting_categories,
        posting_partners,
        posting_tags,
    )
    from app.timestamps import JST
    from bench.synth import generate

    munis = dict(db.session.execute(select(Municipality.code, Municipality.id)).all())
    categories = dict(db.session.execute(select(Category.code, Category.id)).all())
    fallback = categories.get("A-4") or next(iter(categories.values()))
    officers: dict[int, int] = {}
    tags: dict[str, int] = {}
    rows: dict[str, list] = {"postings": [], "kind": [], "cat": [], "partner": [], "tag": []}

    def officer_for(muni_id: int) -> int:
        if muni_id not in officers:
            officers[muni_id] = db.session.execute(insert(Officer).values(
                municipality_id=muni_id, name="担当 太郎", department="企画課", title="主事",
                email=f"officer{muni_id}@bench.example.jp").returning(Officer.id)).scalar_one()
        return officers[muni_id]

    def flush() -> None:
        db.session.execute(insert(Posting.__table__), rows["postings"])
        for kind, cls in POSTING_CLASSES.items():
            ids = [{"id": pid} for pid, k in rows["kind"] if k == kind]
            if ids:
                db.session.execute(insert(cls.__table__), ids)
        for table, key in ((posting_categories, "cat"), (posting_partners, "partner"), (posting_tags, "tag")):
            if rows[key]:
                db.session.execute(insert(table), rows[key])
        db.session.commit()
        for key in rows:
            rows[key].clear()

    for doc in generate(n):
        owner = munis[doc["municipality_code"]]
        published = doc["published_at"].replace(tzinfo=JST)
        rows["postings"].append({
            "id": doc["id"], "kind": doc["kind"], "external_id": doc["external_id"],
            "title": doc["title"], "summary": doc["summary"], "body": doc["body"],
            "municipality_id": owner, "officer_id": officer_for(owner), "status": doc["status"],
            "visibility": doc["visibility"], "published_at": published, "created_at": published,
            "updated_at": published,
        })
        rows["kind"].append((doc["id"], doc["kind"]))
        for code in dict.fromkeys(categories.get(c, fallback) for c in doc["categories"]):
            rows["cat"].append({"posting_id": doc["id"], "category_id": code})
        for code in dict.fromkeys(doc["partner_codes"]):
            if munis[code] != owner:
                rows["partner"].append({"posting_id": doc["id"], "municipality_id": munis[code]})
        for name in doc["fields"]:
            if name not in tags:
                tags[name] = db.session.execute(insert(Tag).values(name=name).returning(Tag.id)).scalar_one()
            rows["tag"].append({"posting_id": doc["id"], "tag_id": tags[name]})
        if len(rows["postings"]) >= 2000:
            flush()
    if rows["postings"]:
        flush()


def _bench_officer() -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Municipality
    from app.services.accounts import users

    ward = db.session.scalar(select(Municipality).where(Municipality.code == "131041"))
    users.create_user("bench@shinjuku.example.jp", "ベンチ 太郎", BENCH_PASSWORD, "officer",
                      municipality=ward)
    db.session.commit()


def bench_app(folder: Path, **extra):
    from app import create_app
    from config import ProductionConfig

    return create_app(ProductionConfig, SECRET_KEY=secrets.token_hex(32), RATELIMIT_ENABLED=False,
                      **_settings(folder, **extra))


def story_path(folder: Path) -> str:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Posting

    with bench_app(folder).app_context():
        posting_id = db.session.scalar(select(Posting.id).where(
            Posting.kind == "case_study", Posting.status == "published", Posting.visibility == "public"
        ).order_by(Posting.id.desc()).limit(1))
    return f"/postings/{posting_id}"


# --- measurements in process -----------------------------------------------------------------


def statements_per_page(folder: Path, paths: list[str]) -> dict[str, tuple[int, int]]:
    """(rendered, cached) statements per anonymous request."""
    from app.extensions import db
    from app.pagecache import cache
    from app.sqlcount import counting_statements

    app = bench_app(folder)
    client = app.test_client()
    out = {}
    with app.app_context():
        engine = db.engine
    for path in paths:
        with app.app_context():
            cache.clear()
        with counting_statements(engine) as rendered:
            client.get(path)
        with counting_statements(engine) as cached:
            client.get(path)
        out[path] = (len(rendered), len(cached))
    return out


FIRST_SEARCH = "/search/?q=避難所 運営"  # not one of app.warmup's searches


def first_search(folder: Path, warm: bool) -> tuple[float, float]:
    """(wall ms, CPU ms) of a fresh process's first search: the app created, warmed as a
    gunicorn worker is (app.warmup) or not, then asked a query the warm-up did not ask."""
    code = f"""
import time
from bench.load import bench_app
from pathlib import Path
app = bench_app(Path({str(folder)!r}), CACHE_TYPE="NullCache")
client = app.test_client()
if {warm}:
    from app.warmup import warm
    warm(app)
t, cpu = time.perf_counter(), time.process_time()
assert client.get({FIRST_SEARCH!r}).status_code == 200
print((time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def save_latency(folder: Path, saves: int = 30) -> tuple[list[float], list[float], list[float]]:
    """ms until the edit form's POST is answered (wall, and CPU of this process), and until
    the change is searchable (the index write after the response included), over `saves`
    edits of one posting."""
    import re as _re

    from sqlalchemy import select

    from app.extensions import db
    from app.models import Posting, User

    app = bench_app(folder, CACHE_TYPE="NullCache")
    client = app.test_client()
    # As a browser on the production site: https, and a form sent from the site's own page
    # (the CSRF check refuses an https POST without a same-site Referer).
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/"}}
    token = _re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                       client.get("/accounts/login", **https).get_data(as_text=True)).group(1)
    assert client.post("/accounts/login", data={"csrf_token": token, "email": "bench@shinjuku.example.jp",
                                                "password": BENCH_PASSWORD}, **https).status_code == 302
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "bench@shinjuku.example.jp")).officer
        posting = db.session.scalar(select(Posting).where(Posting.kind == "case_study",
                                                          Posting.municipality_id == officer.municipality_id,
                                                          Posting.status == "published").limit(1))
        posting_id, summary = posting.id, posting.summary
    words = ["天文台", "鍾乳洞", "灯台", "雪まつり", "棚田", "温泉郷"]
    answered, answered_cpu, searchable = [], [], []
    for i in range(saves):
        edit = client.get(f"/postings/{posting_id}/edit", **https).get_data(as_text=True)
        token = _re.search(r'name="csrf_token"[^>]*value="([^"]+)"', edit).group(1)
        word = words[i % len(words)]
        form = {"csrf_token": token, "title": f"{word}をめぐる交流 {i}", "summary": summary,
                "body": "本文", "categories": ["A-4"], "fields": "観光", "partners": "",
                "officer": str(officer.id), "status": "published", "visibility": "public",
                "period_start": "2024-04", "period_end": "", "activities": "交流会を開いた", "outcomes": "",
                "challenges": "", "municipality": "131041"}
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(f"/postings/{posting_id}/edit", data=form, buffered=False, **https)
        answered.append((time.perf_counter() - started) * 1000)
        answered_cpu.append((time.process_time() - cpu) * 1000)
        assert response.status_code in (302, 303), _re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)', response.get_data(as_text=True))
        response.close()  # the server closes the response: the index write runs now
        reader = app.test_client()
        while posting_id not in [r["id"] for r in reader.get(f"/api/v1/search?q={word}&per_page=50")
                                 .get_json()["results"]]:
            if time.perf_counter() - started > 10:
                break
            time.sleep(0.02)
        searchable.append((time.perf_counter() - started) * 1000)
    return answered, answered_cpu, searchable


# --- under gunicorn --------------------------------------------------------------------------


class Server:
    """gunicorn with the project's gunicorn.conf.py (warm-up and preload_app on unless
    warm=False / preload=False), no access log and no worker recycling (a recycled worker
    would restart the figures)."""

    def __init__(self, folder: Path, port: int, workers: int, cache: bool, warm: bool = True,
                 preload: bool = True):
        env = dict(os.environ, KAKEHASHI_ENV="production", SECRET_KEY=secrets.token_hex(32),
                   DATABASE_URL=_settings(folder)["SQLALCHEMY_DATABASE_URI"],
                   SEARCH_INDEX_DIR=str(folder / "search_index"), BOARD_INDEX_DIR=str(folder / "board_index"),
                   CACHE_TYPE="SimpleCache" if cache else "NullCache", **PRODUCTION_CHECKS,
                   GUNICORN_BIND=f"127.0.0.1:{port}",
                   GUNICORN_WARM_UP="1" if warm else "0", GUNICORN_PRELOAD="1" if preload else "0",
                   GUNICORN_ACCESS_LOG="/dev/null",
                   GUNICORN_LOG_LEVEL="info", GUNICORN_MAX_REQUESTS="0",
                   GUNICORN_ERROR_LOG=str(folder / "gunicorn.log"))
        self.base = f"http://127.0.0.1:{port}"
        self.workers_wanted, self.warm = workers, warm
        self.log = folder / "gunicorn.log"
        self.log.write_text("")
        # -w on the command line, over gunicorn.conf.py's WEB_CONCURRENCY: the app is told 1
        # (PRODUCTION_CHECKS), as production refuses SQLite under several workers.
        self.proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                                      "-w", str(workers), "wsgi:app"], cwd=ROOT, env=env)
        self._wait()

    def _wait(self) -> None:
        """Until /healthz answers and, with the warm-up, every worker has logged that it is warm
        (a worker accepts connections only after post_worker_init)."""
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).read()
                if not self.warm or self.log.read_text().count(" warmed in ") >= self.workers_wanted:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def workers(self):
        import psutil

        return psutil.Process(self.proc.pid).children()

    def cpu_seconds(self) -> float:
        total = 0.0
        for worker in self.workers():
            times = worker.cpu_times()
            total += times.user + times.system
        return total

    def rss_mb(self) -> list[float]:
        return [w.memory_info().rss / 2**20 for w in self.workers()]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
        "requests": requests,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_pass(folder: Path, paths: list[tuple[str, str]], args, cache: bool) -> dict:
    server = Server(folder, args.port, args.workers, cache)
    try:
        first = []
        for _ in range(args.workers):  # one request per worker: each one's first search
            started = time.perf_counter()
            urllib.request.urlopen(server.base + urllib.parse.quote("/search/?q=防災", safe="/?=&")).read()
            first.append((time.perf_counter() - started) * 1000)
        results = {}
        for label, path in paths:
            url = server.base + urllib.parse.quote(path, safe="/?=&")
            urllib.request.urlopen(url).read()  # fill the page cache (and warm the code path)
            cpu = server.cpu_seconds()
            result = wrk(url, args.seconds, args.connections)
            result["cpu_ms"] = (server.cpu_seconds() - cpu) * 1000 / max(1, result["requests"])
            results[label] = result
        return {"pages": results, "rss": server.rss_mb(), "first_http_search": first}
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=10_000)
    ap.add_argument("--seconds", type=int, default=8, help="wrk duration per page")
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--saves", type=int, default=30)
    ap.add_argument("--saves-only", action="store_true",
                    help="only the save latency (no server, no wrk)")
    args = ap.parse_args()
    folder = ROOT / "instance" / f"bench-{args.postings}"
    if args.saves_only:
        build(folder, args.postings)
        print_saves(folder, args)
        return
    ensure_tools()
    build(folder, args.postings)
    story = story_path(folder)
    paths = [(label, path.format(story=story)) for label, path in PAGES]

    statements = statements_per_page(folder, [p for _, p in paths])
    print(f"\n{args.postings:,} postings, gunicorn -w {args.workers}, wrk -t2 -c{args.connections} "
          f"-d{args.seconds}s, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    for name in ("cached", "uncached"):
        result = run_pass(folder, paths, args, cache=name == "cached")
        base = result["pages"]["healthz"]
        print(f"\n[{name}]  page cache {'on (as deployed)' if name == 'cached' else 'off (every request renders)'}")
        print(f"{'page':<11} {'req/s':>7} {'x healthz':>9} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
              f"{'CPU ms':>7} {'x healthz':>9} {'SQL':>4}")
        for label, path in paths:
            r = result["pages"][label]
            sql = statements[path][1 if name == "cached" else 0]
            print(f"{label:<11} {r['rps']:7.0f} {r['rps'] / base['rps']:9.2f} {r['p50']:7.1f} {r['p99']:7.1f} "
                  f"{r['errors']:6d} {r['cpu_ms']:7.2f} {r['cpu_ms'] / max(base['cpu_ms'], 1e-6):9.1f} {sql:4d}")
        print(f"RSS per worker after the load: {', '.join(f'{m:.0f} MB' for m in result['rss'])}; "
              f"first search per worker over HTTP: {', '.join(f'{m:.0f} ms' for m in result['first_http_search'])}",
              flush=True)
    cold = [first_search(folder, warm=False) for _ in range(3)]
    warm = [first_search(folder, warm=True) for _ in range(3)]
    print(f"\nfresh process, first search ({FIRST_SEARCH}): "
          f"{statistics.median(w for w, _ in cold):.0f} ms cold (CPU {statistics.median(c for _, c in cold):.0f}), "
          f"{statistics.median(w for w, _ in warm):.0f} ms after app.warmup (CPU "
          f"{statistics.median(c for _, c in warm):.0f}; median of 3)", flush=True)
    print_saves(folder, args)


def print_saves(folder: Path, args) -> None:
    answered, answered_cpu, searchable = save_latency(folder, args.saves)
    print(f"save ({args.postings:,} postings, edit form POST, {len(answered)} saves, load average "
          f"{os.getloadavg()[0]:.1f}): answered p50 {statistics.median(answered):.0f} ms, "
          f"max {max(answered):.0f} ms, CPU p50 {statistics.median(answered_cpu):.0f} ms; searchable p50 {statistics.median(searchable):.0f} ms, "
          f"max {max(searchable):.0f} ms", flush=True)


if __name__ == "__main__":
    main()
