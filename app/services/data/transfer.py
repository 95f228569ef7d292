"""A whole installation to a folder and back: `flask data export` / `flask data import`.

The folder holds `manifest.json` (format, the Alembic revision, each table's row count, in
dependency order) and one JSON Lines file per table (`<table>.jsonl`, a JSON object per row,
columns by name). Every row of every table of the models moves as it is — ids, timestamps,
password hashes — so an SQLite installation can move to PostgreSQL (or back). The search
indexes are not exported: they are derived, `flask search rebuild` and `flask board rebuild`
make them again.

Import goes into an empty database migrated to the same revision (`flask db upgrade`), parents
before children; self-references (an officer's successor) are filled in after their table;
PostgreSQL's id sequences are moved past the imported ids.
"""

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Table, TypeDecorator, func, inspect, select, text

from app.extensions import db

FORMAT = "kakehashi-export/1"
MANIFEST = "manifest.json"
BATCH = 1000


class TransferError(Exception):
    """The export cannot be imported here; the message says why and what to do."""


@dataclass
class TransferReport:
    revision: str
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows, in dependency order

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """The models' tables, parents before children."""
    return list(db.metadata.sorted_tables)


def current_revision() -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    return db.session.scalar(text("select version_num from alembic_version"))


# --- export ---------------------------------------------------------------------------------


def _encode(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return value


def export_database(folder: Path, progress=None) -> TransferReport:
    """Write every table to `folder` (created; must be empty or absent)."""
    revision = current_revision()
    if revision is None:
        raise TransferError("This database has no Alembic revision: run `flask db upgrade` first.")
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise TransferError(f"{folder} is not empty: export into a new folder.")
    report = TransferReport(revision=revision)
    for table in tables():
        order = list(table.primary_key.columns) or list(table.columns)
        count = 0
        with (folder / f"{table.name}.jsonl").open("w", encoding="utf-8") as out:
            result = db.session.execute(select(table).order_by(*order)).mappings()
            for row in result:
                out.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False))
                out.write("\n")
                count += 1
        report.rows[table.name] = count
        if progress:
            progress(table.name, count)
    manifest = {"format": FORMAT, "alembic_revision": revision,
                "dialect": db.engine.dialect.name,
                "tables": [{"name": name, "rows": n} for name, n in report.rows.items()]}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    db.session.rollback()
    return report


# --- import ---------------------------------------------------------------------------------


def _decoder(column):
    """How a JSON value of this column becomes its Python value again (None: as it is)."""
    kind = column.type
    if isinstance(kind, TypeDecorator):  # app.timestamps.Timestamp: stored as the type it wraps
        kind = kind.impl_instance
    try:
        kind = kind.python_type
    except NotImplementedError:
        return None
    return {datetime: datetime.fromisoformat, date: date.fromisoformat, time: time.fromisoformat,
            bytes: base64.b64decode, Decimal: Decimal}.get(kind)


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise TransferError(f"{path} not found: give the folder made by `flask data export`.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise TransferError(f"{path}: unknown format {manifest.get('format')!r} (expected {FORMAT}).")
    return manifest


def non_empty_tables() -> list[str]:
    return [t.name for t in tables() if db.session.scalar(select(func.count()).select_from(t))]


def _check_target(manifest: dict) -> None:
    revision = current_revision()
    if revision is None:
        raise TransferError("The target database is not migrated: run `flask db upgrade` on it first.")
    if revision != manifest["alembic_revision"]:
        raise TransferError(
            f"The export is at migration {manifest['alembic_revision']}, this database at {revision}: "
            "bring both to the same revision (`flask db upgrade`) and export again.")
    filled = non_empty_tables()
    if filled:
        raise TransferError(
            "The target database is not empty (rows in " + ", ".join(filled[:5])
            + (" …" if len(filled) > 5 else "") + "): import only into a new, migrated database.")
    known = {t.name for t in tables()}
    unknown = [t["name"] for t in manifest["tables"] if t["name"] not in known]
    if unknown:
        raise TransferError(f"The export has tables this version does not know: {', '.join(unknown)}.")


def _rows(path: Path, decoders: dict):
    with path.open(encoding="utf-8") as source:
        for line in source:
            if not line.strip():
                continue
            row = json.loads(line)
            for name, decode in decoders.items():
                if row.get(name) is not None:
                    row[name] = decode(row[name])
            yield row


def _import_table(connection, table: Table, path: Path, progress=None) -> int:
    decoders = {c.name: d for c in table.columns if (d := _decoder(c)) is not None}
    # Columns pointing into their own table are set after all its rows exist.
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    keys = [c.name for c in table.primary_key.columns]
    later: list[dict] = []
    batch: list[dict] = []
    count = 0
    for row in _rows(path, decoders):
        if self_refs and any(row.get(name) is not None for name in self_refs):
            later.append({**{k: row[k] for k in keys}, **{n: row[n] for n in self_refs}})
            row = {**row, **dict.fromkeys(self_refs)}
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
        if progress:
            progress(len(batch))
    for row in later:
        where = [table.c[k] == row[k] for k in keys]
        connection.execute(table.update().where(*where).values({n: row[n] for n in self_refs}))
    return count


def _reset_sequences(connection) -> None:
    """PostgreSQL hands out ids from sequences: start them after the imported ids."""
    for table in tables():
        for column in table.primary_key.columns:
            sequence = connection.scalar(text("select pg_get_serial_sequence(:t, :c)"),
                                         {"t": table.name, "c": column.name})
            if sequence:
                connection.execute(text(
                    f'select setval(:s, coalesce((select max("{column.name}") from "{table.name}"), 0) + 1, false)'),
                    {"s": sequence})


def import_database(folder: Path, progress=None) -> TransferReport:
    """Load an export into this (empty, migrated) database, in one transaction; `progress(n)`
    is called as rows are inserted (the manifest's row counts give the total)."""
    manifest = read_manifest(folder)
    _check_target(manifest)
    db.session.rollback()
    expected = {t["name"]: t["rows"] for t in manifest["tables"]}
    report = TransferReport(revision=manifest["alembic_revision"])
    with db.engine.begin() as connection:
        for table in tables():
            path = folder / f"{table.name}.jsonl"
            if table.name not in expected or not path.is_file():
                raise TransferError(f"{path} is missing from the export.")
            count = _import_table(connection, table, path, progress)
            if count != expected[table.name]:
                raise TransferError(f"{path}: {count} rows, the manifest says {expected[table.name]}.")
            report.rows[table.name] = count
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return report
