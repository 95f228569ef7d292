"""The databases tests run on: SQLite files or PostgreSQL databases, made from templates.

The suite runs on either (`pytest --db=sqlite|postgres`, tests/conftest.py). A template (the
migrated schema with reference data, or the demo world) is built once per session; each test
gets a copy: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. The PostgreSQL
server is installed and started by scripts/install-test-deps.d/postgres.sh (run by `make test`).
"""

import os
import shutil
import sqlite3
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

SERVER_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://kakehashi:kakehashi@127.0.0.1:5432/postgres"
)


def admin_engine():
    return create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")


def server_problem() -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it can."""
    try:
        with closing(admin_engine().connect()) as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        return f"PostgreSQL not reachable at {make_url(SERVER_URL).render_as_string()}: {exc}"
    return None


def database_url(name: str) -> str:
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def new_name(kind: str) -> str:
    return f"kakehashi_{kind}_{uuid.uuid4().hex[:12]}"


def create_database(admin, name: str, template: str | None = None, attempts: int = 20) -> None:
    """CREATE DATABASE, from `template` if given. A template must have no session open on it
    (an autovacuum worker may briefly be one): retry while it is "being accessed"."""
    sql = f'create database "{name}"' + (f' template "{template}"' if template else "")
    for attempt in range(attempts):
        try:
            with admin.connect() as conn:
                conn.execute(text(sql))
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.25)


def drop_database(admin, name: str, attempts: int = 20) -> None:
    """Drop a test database. FORCE may not end an autovacuum worker (a superuser's process):
    that is refused with InsufficientPrivilege, so wait for the worker to finish and retry."""
    for attempt in range(attempts):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'drop database if exists "{name}" with (force)'))
            return
        except ProgrammingError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


def seal_template(admin, name: str) -> None:
    """Make `name` copyable: vacuum it (so autovacuum has no reason to visit), end every session
    of ours on it (the app's pools, the search index's readers) and let no new one in, so
    `CREATE DATABASE … TEMPLATE` does not find it in use."""
    own = create_engine(database_url(name), isolation_level="AUTOCOMMIT")
    with own.connect() as conn:
        conn.execute(text("vacuum analyze"))
    own.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'alter database "{name}" allow_connections false'))
        conn.execute(text("select pg_terminate_backend(pid) from pg_stat_activity where datname = :name"
                          " and usename = current_user and pid <> pg_backend_pid()"), {"name": name})


@dataclass(frozen=True)
class Template:
    """A database to copy per test (`url`: sqlite:///file or postgresql+psycopg://…/name) and,
    in `folder`, the Whoosh indexes that go with its rows (search_index, board_index), if any."""

    url: str
    folder: Path

    @property
    def postgres(self) -> bool:
        return self.url.startswith("postgresql")

    def copy(self, folder: Path) -> str:
        """A copy of the database (and its Whoosh indexes into `folder`); returns its URL."""
        for index in ("search_index", "board_index"):
            if (self.folder / index).is_dir():
                shutil.copytree(self.folder / index, folder / index)
        if self.postgres:
            name = new_name("test")
            admin = admin_engine()
            try:
                create_database(admin, name, template=make_url(self.url).database)
            finally:
                admin.dispose()
            COPIES.add(name)
            return database_url(name)
        db_path = folder / "test.sqlite3"
        # The backup API copies committed pages whatever the journal mode (WAL) left where.
        source = self.url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(db_path)) as dst:
            src.backup(dst)
        return f"sqlite:///{db_path}"


# PostgreSQL copies not dropped yet: the `app` fixture drops its own at once, the rest
# (copies made by module- and session-wide fixtures) go at the end of the session.
COPIES: set[str] = set()


def drop_copy(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    name = make_url(url).database
    admin = admin_engine()
    try:
        drop_database(admin, name)
    finally:
        admin.dispose()
    COPIES.discard(name)
