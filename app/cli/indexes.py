"""What `flask search sync` and `flask board sync` share: both indexes are derived from the
database through a queue of pending changes, and are repaired the same way."""

from collections.abc import Callable

import click
from flask import current_app


def index_location(directory_setting: str) -> str:
    """Where an index is, for the commands' reports: its directory, or the PostgreSQL database."""
    if current_app.config["SEARCH_BACKEND"] == "postgres":
        return "PostgreSQL"
    return str(current_app.config[directory_setting])


def sync_index(ensure_index: Callable[[], int | None], sync: Callable[[], int], *,
               index: str, items: str, changes: str) -> None:
    """Rebuild the index if it is missing, broken or out of step, then replay the pending
    changes; exit 1 while some remain (a cron job or a deploy step notices)."""
    rebuilt = ensure_index()
    if rebuilt is not None:
        click.echo(f"{index} was missing, broken or out of step: rebuilt with {rebuilt} {items}.")
    remaining = sync()
    click.echo(f"{remaining} {changes} still pending." if remaining else f"{index} is up to date.")
    if remaining:
        raise SystemExit(1)
