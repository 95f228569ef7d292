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
