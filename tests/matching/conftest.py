"""Matching fixtures: `world`, an app whose database and index already hold the demo postings
(a copy per test of the session's `demo_world`, tests/conftest.py, so tests may write),
because similarity needs a realistic index: in an index of three postings every word is
common and tells nothing."""

import pytest

from tests.helpers import running_on_copy


@pytest.fixture
def world(demo_world, tmp_path):
    """The app on its own copy of the demo world (modules override `app` with it)."""
    with running_on_copy(demo_world, tmp_path) as app:
        yield app
