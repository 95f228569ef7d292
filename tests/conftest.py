"""Shared fixtures: a fresh database per test (a copy of a template migrated once), a fresh
search-index directory, the test client, and factories for users and postings.

`pytest --db=postgres` runs the tests that use a database on PostgreSQL (tests/databases.py),
with the search index in the same database (SEARCH_BACKEND=postgres, as in production);
tests marked `sqlite_only` and tests without a database are left out of that pass."""

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models import Desk, Municipality
from config import TestingConfig
from tests import databases
from tests.databases import Template
from tests.helpers import (
    PostingFactory,
    UserFactory,
    WebClient,
    app_on_template_copy,
    running_on_copy,
)


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgres"), default="sqlite",
                     help="the database the tests run on (default: sqlite)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--db") != "postgres":
        return
    keep, drop = [], []
    for item in items:
        on_database = "database_kind" in item.fixturenames
        (keep if on_database and not item.get_closest_marker("sqlite_only") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL server's URL. Locally without a server the tests that need it skip; in CI
    (CI=true) they fail."""
    problem = databases.server_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return databases.SERVER_URL


@pytest.fixture(scope="session")
def database_kind(request) -> str:
    """"sqlite" or "postgres" (--db): every fixture that makes a database asks this one."""
    kind = request.config.getoption("--db")
    if kind == "postgres":
        request.getfixturevalue("postgres_server")
    return kind


@pytest.fixture
def empty_database(database_kind, tmp_path):
    """The URL of a new, empty database (for migration tests)."""
    if database_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    admin = databases.admin_engine()
    name = databases.new_name("empty")
    databases.create_database(admin, name)
    yield databases.database_url(name)
    databases.drop_database(admin, name)
    admin.dispose()


@pytest.fixture(scope="session")
def template_db(database_kind, tmp_path_factory):
    """Schema + reference data (1,959 municipalities, 21 categories, 24 desks), built once.
    The schema is the migrations' (`upgrade head`), so the suite runs on what production
    runs on; tests/test_migrations.py checks that the models say the same."""
    folder = tmp_path_factory.mktemp("template")
    admin = databases.admin_engine() if database_kind == "postgres" else None
    if admin:
        name = databases.new_name("template")
        databases.create_database(admin, name)
        url = databases.database_url(name)
    else:
        url = f"sqlite:///{folder / 'template.sqlite3'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=str(folder / "index"),
                     **_search_backend(database_kind))
    with app.app_context():
        from flask_migrate import upgrade

        from app.services.data.reference import load_reference_data

        upgrade()
        load_reference_data()
        _create_index_tables()
        db.engine.dispose()
    # The index files of this build are not the template's: copies start without an index.
    template = Template(url, folder / "no-index")
    if not admin:
        yield template
        return
    databases.seal_template(admin, name)
    yield template
    for copy in list(databases.COPIES):
        databases.drop_copy(databases.database_url(copy))
    databases.drop_database(admin, name)
    admin.dispose()


def _search_backend(database_kind: str) -> dict:
    """On PostgreSQL the index lives in the database (production's setting), so a copy of a
    template database carries its index."""
    return {"SEARCH_BACKEND": "postgres"} if database_kind == "postgres" else {}


def _create_index_tables() -> None:
    """SEARCH_BACKEND=postgres: the index's tables, made once in the template, not per test."""
    from app.services.board import search as board_search
    from app.services.search import indexing

    for engine in (indexing.get_engine(), board_search.get_engine()):
        ensure = getattr(engine.backend, "ensure_tables", None)
        if ensure:
            ensure()


@pytest.fixture(scope="session")
def demo_world(template_db, tmp_path_factory) -> Template:
    """The demo postings imported once per session into a database and index of their own:
    tests copy it (app_on_template_copy), never write to it."""
    from app.services.data.demo import DEMO_DIR
    from app.services.postings import importer

    def load():
        report = importer.import_file(DEMO_DIR / "postings.jsonl")
        assert not report.errors and report.pending_index == 0

    yield from _session_template(template_db, tmp_path_factory.mktemp("demo-world"), load)


@pytest.fixture(scope="session")
def demo_site(demo_world, tmp_path_factory) -> tuple[Template, dict]:
    """What `make run` shows: the demo world with the rest of `flask data demo` (events, the demo
    accounts, contact threads, the matching demo, the board), loaded once per session, and what
    loading it returned; tests copy it (app_on_template_copy), never write to it."""
    from app.services.data.demo import load_demo

    loaded = {}
    for template in _session_template(demo_world, tmp_path_factory.mktemp("demo-site"),
                                      lambda: loaded.update(load_demo())):
        yield template, loaded


def _session_template(source: Template, folder: Path, load):
    """A template of the session: a copy of `source` in `folder`, written by `load()` in its app,
    then made copyable (SQLite's write-ahead log folded in; PostgreSQL's database sealed) and
    dropped at the end of the session."""
    from contextlib import closing

    app = app_on_template_copy(source, folder)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        load()
        if not source.postgres:
            with closing(db.engine.raw_connection()) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.session.remove()
        db.engine.dispose()
    if not source.postgres:
        yield Template(url, folder)
        return
    name = make_url(url).database
    admin = databases.admin_engine()
    databases.seal_template(admin, name)
    databases.COPIES.discard(name)
    yield Template(url, folder)
    databases.drop_database(admin, name)
    admin.dispose()


@pytest.fixture
def app(request, template_db, tmp_path):
    """An app on its own copy of the template database. A test about one search backend's
    own machinery (Whoosh's files) pins it: @pytest.mark.search_backend("whoosh")."""
    pinned = request.node.get_closest_marker("search_backend")
    with running_on_copy(template_db, tmp_path, **({"SEARCH_BACKEND": pinned.args[0]} if pinned else {})) as app:
        yield app


@pytest.fixture
def client(app) -> WebClient:
    return WebClient(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app) -> UserFactory:
    return UserFactory()


@pytest.fixture
def postings(app) -> PostingFactory:
    return PostingFactory()


@pytest.fixture
def muni(app):
    """Municipality by code: muni("131041")."""
    from sqlalchemy import select

    def get(code: str) -> Municipality:
        return db.session.scalar(select(Municipality).where(Municipality.code == code))

    return get


@pytest.fixture
def desk(app, muni):
    """Liaison desk of a ward by code, or the central desk: desk("131041") / desk(None)."""
    from sqlalchemy import select

    def get(code: str | None) -> Desk:
        if code is None:
            return db.session.scalar(select(Desk).where(Desk.municipality_id.is_(None)))
        return db.session.scalar(select(Desk).where(Desk.municipality_id == muni(code).id))

    return get
