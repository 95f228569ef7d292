"""Shared fixtures: a fresh SQLite database per test (copied from a template migrated once),
a fresh search-index directory, the test client, and factories for users and postings."""

from contextlib import closing
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.models import Desk, Municipality
from config import TestingConfig
from tests.helpers import PostingFactory, UserFactory, WebClient, app_on_template_copy


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """Schema + reference data (1,959 municipalities, 21 categories, 24 desks), built once.
    The schema is the migrations' (`upgrade head`), so the suite runs on what production
    runs on; tests/test_migrations.py checks that the models say the same."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                     SEARCH_INDEX_DIR=str(path.parent / "index"))
    with app.app_context():
        from flask_migrate import upgrade

        from app.services.data.reference import load_reference_data

        upgrade()
        load_reference_data()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def demo_world(template_db, tmp_path_factory):
    """The demo postings imported once per session into a database and index of their own
    (folder/test.sqlite3, folder/search_index): tests copy it, never write to it."""
    from app.services.data.demo import DEMO_DIR
    from app.services.postings import importer

    folder = tmp_path_factory.mktemp("demo-world")
    app = app_on_template_copy(template_db, folder)
    with app.app_context():
        report = importer.import_file(DEMO_DIR / "postings.jsonl")
        assert not report.errors and report.pending_index == 0
        with closing(db.engine.raw_connection()) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.session.remove()
        db.engine.dispose()
    return folder


@pytest.fixture
def app(template_db, tmp_path):
    app = app_on_template_copy(template_db, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


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
