"""gunicorn.conf.py as deployed: a worker is warmed before it takes traffic, the access log is
in the Combined Log Format, SIGTERM stops the server gracefully."""

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

from app.warmup import warm

ROOT = Path(__file__).resolve().parents[2]


def test_warm_up_runs_every_step_without_a_failure(app, postings, caplog):
    postings(title="防災の取組")
    with caplog.at_level(logging.WARNING, logger="app.warmup"):
        timings = warm(app)
    assert set(timings) == {"search", "templates", "database", "request"}
    assert not [r for r in caplog.records if r.name == "app.warmup"], caplog.text
    assert len(app.jinja_env.cache) >= len(app.jinja_env.list_templates(extensions=("html",)))  # all compiled


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.search_backend("whoosh")  # the server process is configured by the environment's default
def test_gunicorn_serves_warmed_workers_and_logs_access(app, postings, tmp_path):
    postings(title="防災の取組")
    from app.extensions import db

    db.session.remove()
    port = _free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    env = {**os.environ, "KAKEHASHI_ENV": "testing",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
           "WEB_CONCURRENCY": "1", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_ACCESS_LOG": str(access), "GUNICORN_ERROR_LOG": str(errors)}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
                             "wsgi:app"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 180
        while " warmed in " not in (errors.read_text() if errors.exists() else ""):
            assert proc.poll() is None and time.monotonic() < deadline, errors.read_text()
            time.sleep(0.2)
        assert "warm-up step" not in errors.read_text()  # no step failed
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
