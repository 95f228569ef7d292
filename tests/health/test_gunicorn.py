"""gunicorn.conf.py as deployed: the app is loaded in the master (preload_app) which holds no
connection or index file of its own when it forks, a worker is warmed before it takes traffic,
the access log is in the Combined Log Format, SIGTERM stops the server gracefully."""

import contextlib
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.warmup import forget_connections, warm, warm_shared

ROOT = Path(__file__).resolve().parents[2]


def test_warm_up_runs_every_step_without_a_failure(app, postings, caplog):
    postings(title="防災の取組")
    with caplog.at_level(logging.WARNING, logger="app.warmup"):
        timings = warm(app)
    assert set(timings) == {"search", "templates", "database", "request"}
    assert not [r for r in caplog.records if r.name == "app.warmup"], caplog.text
    assert len(app.jinja_env.cache) >= len(app.jinja_env.list_templates(extensions=("html",)))  # all compiled


def test_shared_warm_up_opens_no_connection_and_no_index(app, postings, caplog):
    """What the master loads before forking must hold nothing a worker could share by
    mistake: no database connection, no index reader."""
    postings(title="防災の取組")
    from app import create_app
    from app.extensions import db
    from config import TestingConfig

    fresh = create_app(TestingConfig, **{key: app.config[key] for key in (
        "SQLALCHEMY_DATABASE_URI", "SEARCH_BACKEND", "SEARCH_INDEX_DIR", "BOARD_INDEX_DIR")})
    with caplog.at_level(logging.WARNING, logger="app.warmup"):
        timings = warm_shared(fresh)
    assert not [r for r in caplog.records if r.name == "app.warmup"], caplog.text
    assert set(timings) == {"analysis", "templates", "translations"}
    with fresh.app_context():
        assert db.engine.pool.checkedin() == 0 and db.engine.pool.checkedout() == 0
    assert not [name for name in fresh.extensions if name.endswith("engine")], fresh.extensions.keys()
    assert len(fresh.jinja_env.cache) >= len(fresh.jinja_env.list_templates(extensions=("html",)))
    warm(fresh)  # what a worker then does opens both
    with fresh.app_context():
        assert db.engine.pool.checkedin() >= 1
        db.engine.dispose()
    assert "search_engine" in fresh.extensions


def test_a_forked_process_opens_its_own_database_connection(app, postings):
    """post_fork: the child forgets the parent's pooled connection (without closing it) and
    opens its own; the parent's connection still works afterwards."""
    postings(title="防災の取組")
    from sqlalchemy import text

    from app.extensions import db

    parent = db.session.connection().connection.driver_connection
    db.session.commit()  # back to the pool, open
    pid = os.fork()
    if pid == 0:  # the child: exit code 0 only if it got a connection of its own that works
        code = 1
        try:
            forget_connections(app)
            with app.app_context():
                own = db.session.connection().connection.driver_connection
                ok = own is not parent and db.session.execute(text("select count(*) from postings")).scalar() >= 1
                code = 0 if ok else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert db.session.connection().connection.driver_connection is parent
    assert db.session.execute(text("select count(*) from postings")).scalar() >= 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _open_files(pid: int) -> list[str]:
    """Paths a process holds open or memory-mapped."""
    maps = [line.split(maxsplit=5) for line in Path(f"/proc/{pid}/maps").read_text().splitlines()]
    out = [fields[5].strip() for fields in maps if len(fields) == 6]
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):  # closed meanwhile
            out.append(os.readlink(fd))
    return out


@pytest.mark.search_backend("whoosh")  # the server process is configured by the environment's default
@pytest.mark.parametrize("preload", ["1", "0"])
def test_gunicorn_serves_warmed_workers_and_logs_access(app, postings, tmp_path, preload):
    postings(title="防災の取組")
    from app.extensions import db

    db.session.remove()
    port = _free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    env = {**os.environ, "KAKEHASHI_ENV": "testing",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
           "WEB_CONCURRENCY": "1", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_ACCESS_LOG": str(access), "GUNICORN_ERROR_LOG": str(errors),
           "GUNICORN_PRELOAD": preload}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
                             "wsgi:app"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 180
        while " warmed in " not in (errors.read_text() if errors.exists() else ""):
            assert proc.poll() is None and time.monotonic() < deadline, errors.read_text()
            time.sleep(0.2)
        assert "warm-up step" not in errors.read_text()  # no step failed
        assert ("master warmed in " in errors.read_text()) == (preload == "1")
        # The master forked its worker holding neither the database nor the index open.
        database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        held = [f for f in _open_files(proc.pid)
                if f.startswith((database, app.config["SEARCH_INDEX_DIR"], app.config["BOARD_INDEX_DIR"]))]
        assert not held, held
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/search/?q=%E9%98%B2%E7%81%BD") as response:
            assert response.status == 200 and "防災の取組" in response.read().decode()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    line = access.read_text().splitlines()[-1]
    # Combined Log Format, then the request's microseconds.
    assert re.fullmatch(r'127\.0\.0\.1 - - \[[^\]]+\] "GET /search/\?q=%E9%98%B2%E7%81%BD HTTP/1\.1" 200 \d+ '
                        r'"-" "Python-urllib/[\d.]+" \d+', line), line
