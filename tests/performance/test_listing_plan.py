"""The queries behind lists and posting pages: relations in their order from one flat query,
and lists read in the order index once SQLite has statistics (PRAGMA optimize at check-in)."""

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select, text

from app.extensions import db
from app.models import Posting
from app.services.postings import listing
from app.services.postings.listing import ListFilters
from tests.helpers import PostingFactory


def test_a_posting_comes_with_its_relations_in_order_and_once(app):
    posting = PostingFactory()("case_study", "131041", partners=["422118", "072125", "131156"],
                               categories=["B-5", "A-1", "A-4"], fields=["防災", "観光", "子育て"])
    db.session.expire_all()
    found = listing.get_posting(posting.id)
    assert [m.code for m in found.partners] == ["072125", "131156", "422118"]
    assert [c.code for c in found.categories] == ["A-1", "A-4", "B-5"]  # survey order
    assert [t.name for t in found.tags] == sorted(["防災", "観光", "子育て"])
    assert listing.get_posting(posting.id + 1000) is None


def _plan(stmt) -> str:
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    return " | ".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


@pytest.mark.sqlite_only  # SQLite's statistics (sqlite_stat1, PRAGMA optimize) and its plans
def test_lists_read_the_order_index_once_sqlite_has_statistics(app, monkeypatch):
    make = PostingFactory()
    for i in range(40):
        make("case_study" if i % 2 else "partnership_request", "131041",
             visibility="officials" if i % 5 == 0 else "public")
    db.session.commit()
    db.session.execute(text("DELETE FROM sqlite_stat1"))  # as a database filled after its migrations
    db.session.commit()
    db.session.remove()
    db.engine.dispose()  # statistics are read when a connection opens
    newest = listing.filtered_postings(AnonymousUserMixin(), ListFilters(kind="case_study")).limit(20)
    assert "USE TEMP B-TREE FOR ORDER BY" in _plan(newest)  # no statistics: every row sorted

    monkeypatch.setattr("app.SQLITE_OPTIMIZE_EVERY", 0)
    db.session.scalars(newest).all()
    db.session.remove()  # the connection goes back to the pool: PRAGMA optimize
    assert db.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'postings'"))
    db.session.remove()
    db.engine.dispose()
    plan = _plan(newest)
    assert "ix_postings_shown_at" in plan and "TEMP B-TREE" not in plan, plan
    shown = db.session.scalars(newest).all()
    assert shown == db.session.scalars(select(Posting).where(Posting.id.in_([p.id for p in shown]))
                                       .order_by(Posting.published_at.desc(), Posting.id.desc())).all()
