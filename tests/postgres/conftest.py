"""A fresh PostgreSQL database per test, migrated with Alembic (not create_all).

The server is installed and started by scripts/install-test-deps.d/postgres.sh (run by
`make test`). Locally without it these tests skip; in CI (CI=true) a missing server fails them.
"""

import os
import time
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from app import create_app
from app.extensions import db
from config import TestingConfig

SERVER_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://kakehashi:kakehashi@127.0.0.1:5432/postgres"
)


def _admin_engine():
    return create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_server():
    try:
        with _admin_engine().connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        message = f"PostgreSQL not reachable at {make_url(SERVER_URL).render_as_string()}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return SERVER_URL


def drop_database(admin, name: str, attempts: int = 20) -> None:
    """Drop a test database. FORCE may not end an autovacuum worker (a superuser's process):
    that is refused with InsufficientPrivilege, so wait for the worker to finish and retry."""
    for attempt in range(attempts):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'drop database if exists "{name}" with (force)'))
            return
        except ProgrammingError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


@pytest.fixture
def pg_app(postgres_server, tmp_path):
    name = f"kakehashi_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=str(tmp_path / "idx"))
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(admin, name)
        admin.dispose()
