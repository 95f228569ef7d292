"""`flask board …`: the board's search index (derived from the database, like `flask search`)."""

import click
from flask import current_app
from flask.cli import AppGroup

board_cli = AppGroup("board", help="The officials' board: its search index.")


@board_cli.command("sync")
def sync():
    """Replay pending board index changes; rebuild if the index is missing, broken or out of step."""
    from app.services.board import search

    rebuilt = search.ensure_index()
    if rebuilt is not None:
        click.echo(f"Board index was missing, broken or out of step: rebuilt with {rebuilt} topics.")
    remaining = search.sync()
    click.echo(f"{remaining} board change(s) still pending." if remaining else "Board index is up to date.")
    if remaining:
        raise SystemExit(1)


@board_cli.command("rebuild")
def rebuild():
    """Rebuild the board index from the database."""
    from app.services.board import search

    count = search.rebuild()
    where = ("PostgreSQL" if current_app.config["SEARCH_BACKEND"] == "postgres"
             else current_app.config["BOARD_INDEX_DIR"])
    click.echo(f"Indexed {count} board topics into {where}")
