"""Search fixtures: the demo postings imported once per session into their own database and
index (read-only for the tests that use them), and small search helpers."""


import pytest

from app.extensions import db
from app.services.search import query
from tests.helpers import app_on_template_copy


@pytest.fixture(scope="session")
def demo_app(template_db, tmp_path_factory):
    """An app whose database holds the demo postings, indexed. Do not write to it."""
    from app.services.data.demo import DEMO_DIR
    from app.services.postings import importer

    app = app_on_template_copy(template_db, tmp_path_factory.mktemp("demo"))
    with app.app_context():
        report = importer.import_file(DEMO_DIR / "postings.jsonl")
        assert not report.errors and report.pending_index == 0
        db.session.remove()
    return app


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
