"""Matching fixtures: `world`, an app whose database and index already hold the demo postings
(a copy per test, so tests may write), because similarity needs a realistic index: in an
index of three postings every word is common and tells nothing."""

import shutil
from contextlib import closing

import pytest

from app.extensions import db
from tests.helpers import app_on_template_copy


@pytest.fixture(scope="session")
def demo_world(template_db, tmp_path_factory):
    from app.services.data.demo import DEMO_DIR
    from app.services.postings import importer

    folder = tmp_path_factory.mktemp("matching-world")
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
def world(demo_world, tmp_path):
    """The app on its own copy of the demo world (modules override `app` with it)."""
    shutil.copytree(demo_world / "search_index", tmp_path / "search_index")
    app = app_on_template_copy(demo_world / "test.sqlite3", tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
