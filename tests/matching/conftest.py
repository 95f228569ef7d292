"""Matching fixtures: `world`, an app whose database and index already hold the demo postings
(a copy per test of the session's `demo_world`, tests/conftest.py, so tests may write),
because similarity needs a realistic index: in an index of three postings every word is
common and tells nothing."""

import pytest

from app.extensions import db
from tests.databases import drop_copy
from tests.helpers import app_on_demo_copy


@pytest.fixture
def world(demo_world, tmp_path):
    """The app on its own copy of the demo world (modules override `app` with it)."""
    app = app_on_demo_copy(demo_world, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    drop_copy(app.config["SQLALCHEMY_DATABASE_URI"])
