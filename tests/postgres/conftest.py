"""A fresh, empty PostgreSQL database per test, migrated by the test itself with Alembic.

The server is installed and started by scripts/install-test-deps.d/postgres.sh (run by
`make test`). Locally without it these tests skip; in CI (CI=true) a missing server fails them
(`postgres_server`, tests/conftest.py).
"""

import pytest

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.conftest import postgres_server  # noqa: F401  (the fixture, for tests/search_index)
from tests.databases import admin_engine, create_database, database_url, drop_database, new_name

__all__ = ["_admin_engine", "drop_database", "pg_app", "postgres_server"]
_admin_engine = admin_engine  # the name other modules import


@pytest.fixture
def pg_app(postgres_server, tmp_path):
    name = new_name("test")
    admin = admin_engine()
    create_database(admin, name)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url(name),
                     SEARCH_INDEX_DIR=str(tmp_path / "idx"))
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(admin, name)
        admin.dispose()
