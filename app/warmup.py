"""Warm a fresh web worker before it takes traffic (gunicorn.conf.py's post_worker_init), so
its first visitors do not pay for loading: the search engines' caches and the tokenizer
dictionary, every template compiled, the translations, a database connection, and a few real
searches rendered in process (URL map, Babel, the search page's and the API's code paths, the
index's term and stored-field readers).

`warm_shared` is the part that opens no connection and no index: gunicorn's master runs it
once before it forks the workers (preload_app), which then share those pages copy-on-write
instead of loading them each."""

import logging
import time

from flask import Flask

log = logging.getLogger(__name__)

WARM_QUERY = "/search/?q=防災"
# What a visitor's first searches look like: one word, two words, a kana reading, a facet,
# a second page, the API. Each reads other parts of the index than the one before.
WARM_SEARCHES = (WARM_QUERY, "/search/?q=空き家 活用", "/search/?q=ぼうさい",
                 "/search/?q=観光&kind=case_study", "/search/?q=地域&page=2",
                 "/api/v1/search?q=子育て支援")


def warm(app: Flask) -> dict[str, float]:
    """Run each step, timed (ms); a step that fails is logged and skipped (a worker that
    starts cold still serves)."""
    timings: dict[str, float] = {}
    step = _stepper(timings)
    with app.app_context():
        step("search", _search_engines)
        step("templates", lambda: _templates(app))
        step("database", _database)
    step("request", lambda: _request(app))
    return timings


def warm_shared(app: Flask) -> dict[str, float]:
    """What every worker of one server shares, loaded before the fork: the tokenizer's
    dictionary and the vocabulary read through it, compiled templates and the translations.
    Nothing here opens a database connection or an index reader (those
    must not be shared between processes); timed like warm()."""
    timings: dict[str, float] = {}
    step = _stepper(timings)
    with app.app_context():
        step("analysis", lambda: _analysis(app))
        step("templates", lambda: _templates(app))
        step("translations", lambda: _translations(app))
    return timings


def _stepper(timings: dict[str, float]):
    def step(name: str, work) -> None:
        started = time.perf_counter()
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - warming is best effort
            log.warning("warm-up step %s failed: %s", name, type(exc).__name__)
        timings[name] = round((time.perf_counter() - started) * 1000, 1)

    return step


def _analysis(app: Flask) -> None:
    from search_index import warm_analysis

    warm_analysis()


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


def _translations(app: Flask) -> None:
    """Each language's catalogue, parsed once."""
    from flask_babel import force_locale, get_translations

    with app.test_request_context():
        for lang in app.config["LANGUAGES"]:
            with force_locale(lang):
                get_translations()


def _request(app: Flask) -> None:
    """Anonymous searches through the whole app, the first in each language (nothing is
    written)."""
    client = app.test_client()
    for lang in app.config["LANGUAGES"]:
        client.set_cookie("lang", lang)
        client.get(WARM_QUERY).close()
    for path in WARM_SEARCHES[1:]:
        client.get(path).close()


def forget_connections(app: Flask) -> None:
    """In a process forked from one that had loaded `app`: drop the database pool's
    connections without closing them (they are the parent's), so this one opens its own."""
    from app.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
