"""Migrations: the models equal `upgrade head`, every migration goes down and up again, and
every migration upgrades a database that has rows in every table and keeps them (on SQLite and,
with `--db=postgres`, on PostgreSQL). The rows are made from the schema itself, so the next
migration is tested on real rows without anyone writing data for it."""

import itertools
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from app import create_app
from app.extensions import db
from config import TestingConfig

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def _migrated_app(url, tmp_path):
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=str(tmp_path / "idx"))


def test_models_match_migrations(empty_database, tmp_path):
    app = _migrated_app(empty_database, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        db.engine.dispose()


def test_downgrade_and_upgrade_again(empty_database, tmp_path):
    app = _migrated_app(empty_database, tmp_path)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        assert set(inspect(other).get_table_names()) <= {"alembic_version"}
        other.dispose()
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == tables
        db.engine.dispose()


def _revisions() -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]


_serial = itertools.count(1)


def _value(column: sa.Column):
    """A value of the column's type, different each time (so unique columns stay unique)."""
    n = next(_serial)
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return n % 2 == 0
    if isinstance(kind, sa.Integer):
        return n
    if isinstance(kind, sa.Float | sa.Numeric):
        return n / 4
    if isinstance(kind, sa.DateTime):
        return datetime(2024, 4, 1, 9, 30) + (datetime(2024, 1, 2) - datetime(2024, 1, 1)) * (n % 300)
    if isinstance(kind, sa.Date):
        return date(2024, 4, 1)
    if isinstance(kind, sa.JSON):
        return []
    if isinstance(kind, sa.String):
        text = f"値{n}"
        return text[-kind.length:] if kind.length else text
    raise AssertionError(f"no test value for {column.table.name}.{column.name} ({kind!r})")


def _fill_empty_tables(conn) -> None:
    """One row in every table that has none, parents first; a foreign key points to a row of
    the table it references."""
    metadata = sa.MetaData()
    metadata.reflect(conn)
    for table in metadata.sorted_tables:
        if table.name == "alembic_version" or conn.scalar(sa.select(sa.func.count()).select_from(table)):
            continue
        row = {}
        for fk in table.foreign_key_constraints:
            parent = conn.execute(sa.select(*fk.elements[0].column.table.c).limit(1)).mappings().first()
            if parent is None:  # a nullable reference to itself or to an empty table
                continue
            row.update({element.parent.name: parent[element.column.name] for element in fk.elements})
        for column in table.columns:
            serial = column.autoincrement is True  # PostgreSQL's SERIAL: the database numbers it
            if column.name in row or serial or (column.foreign_keys and column.nullable):
                continue
            row[column.name] = _value(column)
        conn.execute(table.insert().values(row))


def _rows(conn) -> dict[str, set]:
    """Every table's rows (as tuples of their primary key)."""
    metadata = sa.MetaData()
    metadata.reflect(conn)
    return {table.name: set(conn.execute(sa.select(*table.primary_key.columns)).all())
            for table in metadata.sorted_tables if table.name != "alembic_version"}


def test_every_migration_upgrades_rows_in_every_table_and_keeps_them(empty_database, tmp_path):
    app = _migrated_app(empty_database, tmp_path)
    with app.app_context():
        for revision in _revisions():
            with db.engine.begin() as conn:
                _fill_empty_tables(conn)
                before = _rows(conn)
            upgrade(revision=revision)
            with db.engine.connect() as conn:
                after = _rows(conn)
            for table, rows in before.items():
                if table in after:  # a migration may drop a table; it may not lose rows
                    assert after[table] == rows, f"{revision} changed the rows of {table}"
            assert all(before.values()), "every table had rows"
        db.engine.dispose()
