"""Warm a fresh web worker before it takes traffic (gunicorn.conf.py's post_worker_init), so
its first visitors do not pay for loading: the search engines' caches and the tokenizer
dictionary, every template compiled, the translations, a database connection, and one real
search rendered in process (URL map, Babel, the search page's code path)."""

import logging
import time

from flask import Flask

log = logging.getLogger(__name__)

WARM_QUERY = "/search/?q=防災"


def warm(app: Flask) -> dict[str, float]:
    """Run each step, timed (ms); a step that fails is logged and skipped (a worker that
    starts cold still serves)."""
    timings: dict[str, float] = {}

    def step(name: str, work) -> None:
        started = time.perf_counter()
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - warming is best effort
            log.warning("warm-up step %s failed: %s", name, type(exc).__name__)
        timings[name] = round((time.perf_counter() - started) * 1000, 1)

    with app.app_context():
        step("search", _search_engines)
        step("templates", lambda: _templates(app))
        step("database", _database)
    step("request", lambda: _request(app))
    return timings


def _search_engines() -> None:
    from app.services.board.search import get_engine as board_engine
    from app.services.search.indexing import get_engine

    get_engine().warm()  # tokenizer dictionaries, facet masks, newest-first order
    board_engine().warm()


def _templates(app: Flask) -> None:
    env = app.jinja_env
    for name in env.list_templates(extensions=("html", "txt", "xml")):
        env.get_template(name)  # compiled once, kept in the environment's cache


def _database() -> None:
    from sqlalchemy import text

    from app.extensions import db

    db.session.execute(text("SELECT 1"))  # the pool's first connection (and SQLite's pragmas)
    db.session.remove()


def _request(app: Flask) -> None:
    """One anonymous search in each language, through the whole app (nothing is written)."""
    client = app.test_client()
    for lang in app.config["LANGUAGES"]:
        client.set_cookie("lang", lang)
        client.get(WARM_QUERY).close()
