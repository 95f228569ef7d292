"""`flask data export` / `flask data import`: an SQLite installation with the demo data moves to
a fresh PostgreSQL database with every row of every table; logins and search work there."""

import json

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from app.extensions import db
from app.models import Posting, User
from app.services.data import transfer
from app.services.data.demo import DEMO_ADMIN, DEMO_PASSWORD
from tests.helpers import WebClient, app_on_template_copy

# From SQLite (the template copy of the SQLite pass) to PostgreSQL: not in the PostgreSQL pass.
pytestmark = [pytest.mark.postgres, pytest.mark.sqlite_only]


def _every_row() -> dict[str, list[str]]:
    """Each table's rows as the export writes them (JSON text), in primary-key order."""
    rows = {}
    for table in transfer.tables():
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [
            json.dumps({k: transfer._encode(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True)
            for row in db.session.execute(select(table).order_by(*order)).mappings()
        ]
    db.session.rollback()
    return rows


@pytest.fixture
def sqlite_export(template_db, tmp_path):
    """An SQLite installation with the demo data (`flask data demo`), exported to a folder."""
    folder = tmp_path / "export"
    (tmp_path / "sqlite").mkdir()
    source = app_on_template_copy(template_db, tmp_path / "sqlite")
    with source.app_context():
        runner = source.test_cli_runner()
        result = runner.invoke(args=["data", "demo"])
        assert result.exit_code == 0, result.output
        rows = _every_row()
        revision = transfer.current_revision()
        result = runner.invoke(args=["data", "export", str(folder)])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    return folder, rows, revision


def test_sqlite_installation_moves_to_postgres_with_every_row(pg_app, sqlite_export):
    folder, source_rows, revision = sqlite_export
    assert len(source_rows["postings"]) > 50 and source_rows["users"] and source_rows["messages"]
    upgrade()
    runner = pg_app.test_cli_runner()
    result = runner.invoke(args=["data", "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Importing rows" in result.output  # the progress bar (with ETA on a terminal)

    # Every table, every row, every column: ids, timestamps, password hashes.
    target_rows = _every_row()
    assert {name: len(rows) for name, rows in target_rows.items()} == \
        {name: len(rows) for name, rows in source_rows.items()}
    for name, rows in source_rows.items():
        assert target_rows[name] == rows, name
    assert transfer.current_revision() == revision

    # The sequences were moved past the imported ids: a new row gets a fresh id.
    from app.services.accounts.users import create_user

    newest = db.session.scalar(select(func.max(User.id)))
    assert create_user("new-admin@kakehashi.example.jp", "新しい管理者", "a-long-password-1", "admin").id > newest

    # The imported password hash logs in.
    client = WebClient(pg_app.test_client())
    client.login(DEMO_ADMIN, DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200

    # The index is not exported; after a rebuild search finds the imported postings.
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    posting = db.session.scalar(select(Posting).where(Posting.status == "published").order_by(Posting.id))
    page = WebClient(pg_app.test_client()).get(f"/search/?q={posting.title}").get_data(as_text=True)
    assert f"/postings/{posting.id}" in page

    # A second import into the now full database is refused, and says why.
    result = runner.invoke(args=["data", "import", str(folder)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert db.session.scalar(select(func.count(User.id))) == len(source_rows["users"]) + 1


def test_import_refuses_an_unmigrated_database_and_a_foreign_folder(pg_app, tmp_path):
    runner = pg_app.test_cli_runner()
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "manifest.json").write_text(
        json.dumps({"format": transfer.FORMAT, "alembic_revision": "0011", "tables": []}))
    result = runner.invoke(args=["data", "import", str(tmp_path / "export")])
    assert result.exit_code != 0 and "flask db upgrade" in result.output
    result = runner.invoke(args=["data", "import", str(tmp_path)])
    assert result.exit_code != 0 and "manifest.json" in result.output
