"""Search fixtures: the demo postings imported once per session into their own database and
index (read-only for the tests that use them), and small search helpers."""


import pytest

from app.extensions import db
from app.services.search import query
from tests.helpers import app_on_demo_copy


@pytest.fixture(scope="session")
def demo_app(demo_world, tmp_path_factory):
    """An app whose database holds the demo postings, indexed (a copy of the session's
    demo world, tests/conftest.py). Do not write to it."""
    return app_on_demo_copy(demo_world, tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo(demo_app):
    with demo_app.app_context():
        yield demo_app
        db.session.remove()


def find_ids(q: str = "", user=None, **filters) -> list[int]:
    """Ids of every result (all pages) of a search as `user` sees it."""
    out, page = [], 1
    while True:
        found = query.search(user, query.SearchParams(q=q, page=page, per_page=100, **filters))
        out += [item.posting.id for item in found.items]
        if page >= found.pages:
            return out
        page += 1
