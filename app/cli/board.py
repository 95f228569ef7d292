"""`flask board …`: the board's search index (derived from the database, like `flask search`)."""

import click
from flask.cli import AppGroup

from app.cli.indexes import index_location, sync_index

board_cli = AppGroup("board", help="The officials' board: its search index.")


@board_cli.command("sync")
def sync():
    """Replay pending board index changes; rebuild if the index is missing, broken or out of step."""
    from app.services.board import search

    sync_index(search.ensure_index, search.sync, index="Board index", items="topics", changes="board change(s)")


@board_cli.command("rebuild")
def rebuild():
    """Rebuild the board index from the database."""
    from app.services.board import search

    count = search.rebuild()
    click.echo(f"Indexed {count} board topics into {index_location('BOARD_INDEX_DIR')}")
