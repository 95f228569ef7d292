"""Counting the SQL statements a piece of work sends (statement budgets in tests, bench/load.py)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def counting_statements(engine) -> Iterator[list[str]]:
    """Collects the text of every statement sent through `engine` inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
