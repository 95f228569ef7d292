"""Engines for the search_index tests, on each backend: the embedded Whoosh directory and the
PostgreSQL tables (a real server, see tests/postgres/conftest.py; each engine gets tables of
its own in one test database)."""

import uuid

import pytest

from search_index import SearchEngine
from tests.postgres.conftest import drop_database, postgres_server  # noqa: F401  (the fixture)

from .helpers import corpus

BACKENDS = ["whoosh", "postgres"]


@pytest.fixture(scope="session")
def search_database(request):
    """A PostgreSQL database for search tables; dropped at the end of the session."""
    import psycopg
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = request.getfixturevalue("postgres_server")
    name = f"kakehashi_search_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    url = make_url(server).set(database=name, drivername="postgresql")
    conninfo = url.render_as_string(hide_password=False)
    yield lambda: psycopg.connect(conninfo)
    drop_database(admin, name)
    admin.dispose()


def engine_factory(backend: str, request, directory):
    """make(name) -> a new engine on index `name` (the same name: another reader of it)."""
    if backend == "whoosh":
        return lambda name="ix", **kw: SearchEngine(directory / name, **kw)
    from search_index.postgres_backend import PostgresIndex

    connect = request.getfixturevalue("search_database")
    run = uuid.uuid4().hex[:8]
    return lambda name="ix", **kw: SearchEngine(
        backend=PostgresIndex(connect, prefix=f"t{run}_{name}_"), **kw)


@pytest.fixture(params=BACKENDS)
def make_engine(request, tmp_path):
    return engine_factory(request.param, request, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request, tmp_path_factory):
    eng = engine_factory(request.param, request, tmp_path_factory.mktemp("ix"))()
    eng.upsert(corpus())
    return eng
