"""The same schema and core behaviour on PostgreSQL, the production database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from app.extensions import db
from app.models import Municipality, Posting
from app.services.data import demo
from app.services.data.reference import load_reference_data
from app.services.postings import importer
from app.services.postings.listing import ListFilters, filtered_postings

pytestmark = pytest.mark.postgres


def test_migrations_match_models_and_go_down_and_up(pg_app):
    upgrade()
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
    tables = set(inspect(db.engine).get_table_names())
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert set(inspect(db.engine).get_table_names()) == tables


def test_reference_and_demo_data_load_and_filter(pg_app):
    upgrade()
    load_reference_data()
    assert db.session.scalar(select(func.count(Municipality.id))) == 1959
    report = importer.import_file(demo.DEMO_DIR / "postings.jsonl")
    assert report.errors == [] and report.created > 0
    # Re-import is an update, not a duplicate, on PostgreSQL too.
    again = importer.import_file(demo.DEMO_DIR / "postings.jsonl")
    assert again.created == 0 and again.updated == report.created
    public = db.session.scalars(filtered_postings(None, ListFilters(region="関東"))).unique().all()
    assert public and all(p.is_public for p in public)
    assert all("関東" in {p.municipality.region, *(m.region for m in p.partners)} for p in public)
    assert db.session.scalar(select(func.count(Posting.id))) == report.created


def test_follow_digest_is_claimed_once_on_postgres(pg_app):
    """Two sessions compose the same person's daily digest at once: one wins, one rolls back."""
    import threading
    from datetime import timedelta

    from app.models import Digest, OutboxMail
    from app.models.base import utcnow
    from app.services.follow import digests, follows
    from tests.helpers import PostingFactory, UserFactory

    upgrade()
    load_reference_data()
    pg_app.config["DIGEST_HOUR_JST"] = 0
    officer = UserFactory().officer()
    follows.follow_value(officer, "category", "A-1")
    PostingFactory()(title="移住の取組", categories=["A-1"])
    user_id, now = officer.id, utcnow() + timedelta(seconds=1)
    db.session.remove()
    barrier, results = threading.Barrier(2), []

    def worker():
        with pg_app.app_context():
            from app.models import User

            user = db.session.get(User, user_id)
            entries = digests.entries_for(user, "daily", now)  # both see the item …
            barrier.wait()  # … and write at the same moment
            results.append(digests.compose(user, "daily", now, entries=entries))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r is None for r in results) == [False, True]
    assert db.session.scalar(select(func.count(Digest.id))) == 1
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 1
