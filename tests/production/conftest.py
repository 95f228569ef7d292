"""Production-shaped tests: the PostgreSQL server fixture of tests/postgres, shared here."""

from tests.postgres.conftest import postgres_server  # noqa: F401 (a fixture)
