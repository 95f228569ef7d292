"""`flask …` commands, all in this package: data, users, postings, search and domains here; the
background worker (worker.py: `flask worker`), the mail jobs (mail.py), the board index (board.py), matching (matching.py). Each
one is a thin wrapper around a service function."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.cli.indexes import index_location, sync_index
from app.cli.refusals import as_command_error
from app.extensions import db
from app.models import Desk, Municipality

data_cli = AppGroup("data", help="Reference and demo data.")
users_cli = AppGroup("users", help="User accounts.")
postings_cli = AppGroup("postings", help="Postings.")
search_cli = AppGroup("search", help="The search index (derived from the database).")
domains_cli = AppGroup("domains", help="Official e-mail domains per municipality (who may sign up).")


@data_cli.command("reference")
def load_reference():
    """Load municipalities, survey categories and liaison desks (idempotent)."""
    from app.services.data.reference import load_reference_data

    counts = load_reference_data()
    click.echo(", ".join(f"{name}: {n}" for name, n in counts.items()))


@data_cli.command("demo")
@click.option("--force", is_flag=True, help="Load even if the database already has postings.")
def load_demo(force: bool):
    """Load the demo postings, events and accounts into an empty database."""
    from app.services.data import demo
    from app.services.data.reference import load_reference_data

    load_reference_data()
    if not force and not demo.database_is_empty():
        click.echo("The database already has postings; demo data not loaded.")
        if demo.demo_board.board_is_empty():  # a database from before the officials' board
            topics = demo.demo_board.load_board(demo.DEMO_DIR / "board.jsonl", demo.DEMO_PASSWORD)
            click.echo(f"Demo board: {topics} topics.")
    else:
        with click.progressbar(length=_count_lines(demo.DEMO_DIR / "postings.jsonl"),
                               label="Demo postings") as bar:
            result = demo.load_demo(progress=bar.update)
        report = result["postings"]
        click.echo(f"Demo data: {report.created} postings created, {report.updated} updated, "
                   f"{len(report.errors)} errors, {result['events']} events, {result['board']} board topics.")
        for number, reason in report.errors:
            click.echo(f"  line {number}: {reason}", err=True)
    if current_app.config.get("SHOW_DEMO_ACCOUNTS"):
        _print_demo_accounts(demo.ensure_demo_accounts(), demo.DEMO_PASSWORD)


@data_cli.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_data(folder: Path):
    """Write every table (ids, timestamps, password hashes, the migration) to FOLDER as JSON Lines."""
    from app.services.data import transfer

    with as_command_error(transfer.TransferError):
        report = transfer.export_database(folder)
    click.echo(f"Exported {report.total} rows of {len(report.rows)} tables (migration {report.revision}) "
               f"to {folder}. The search indexes are not in it: `flask search rebuild` after import.")


@data_cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_data(folder: Path):
    """Load an export into this empty, migrated database (`flask db upgrade` first)."""
    from app.services.data import transfer

    with as_command_error(transfer.TransferError):
        total = sum(t["rows"] for t in transfer.read_manifest(folder)["tables"])
        with click.progressbar(length=total, label="Importing rows", show_eta=True) as bar:
            report = transfer.import_database(folder, progress=bar.update)
    click.echo(f"Imported {report.total} rows of {len(report.rows)} tables (migration {report.revision}). "
               "Now: `flask search rebuild` and `flask board rebuild`.")


def _print_demo_accounts(accounts: list[dict], password: str) -> None:
    from app.services.data.demo import DEMO_SIGNUP

    click.echo("\nDemo accounts (development only), password: " + password)
    for account in accounts:
        click.echo(f"  {account['role']:8} {account['email']:40} {account['who']}")
    click.echo(f"\nTry sign-up at /accounts/signup as {DEMO_SIGNUP['name']} ({DEMO_SIGNUP['email']}, "
               f"municipality {DEMO_SIGNUP['municipality']}); the verification mail is in "
               "/contact/dev/mailbox; the manager above approves at /staff/.")


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:  # bytes: the file may be Shift_JIS or UTF-16
        return sum(1 for line in f if line.strip())


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--role", type=click.Choice(["officer", "liaison", "admin"]), default="officer")
@click.option("--municipality", "code", help="Municipality code (officers), e.g. 131041.")
@click.option("--desk", "desk_code", help="Ward code of the liaison desk, or 'central'.")
@click.password_option(help="Password (asked for when omitted).")
def create_user(email, name, role, code, desk_code, password):
    """Create an approved account (officers can also sign up themselves at /accounts/signup)."""
    from app.services.accounts.users import AccountError
    from app.services.accounts.users import create_user as create

    municipality = desk = None
    if code:
        municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
        if municipality is None:
            raise click.BadParameter(f"unknown municipality code {code}", param_hint="--municipality")
    if desk_code:
        desk = _find_desk(desk_code)
    with as_command_error(AccountError):
        user = create(email, name, password, role, municipality=municipality, desk=desk)
    click.echo(f"Created {user.role} {user.email}")


@users_cli.command("manager")
@click.argument("email")
@click.option("--off", is_flag=True, help="Take the role back instead of granting it.")
def user_manager(email, off):
    """Make an officer (or a ward desk member) an account manager of their municipality."""
    from app.services.accounts.users import AccountError, find_by_email, set_manager

    user = find_by_email(email.strip())
    if user is None:
        raise click.ClickException(f"no account {email}")
    with as_command_error(AccountError):
        set_manager(user, not off, actor=None)
    click.echo(f"{user.email}: {'no longer an' if off else 'now an'} account manager")


def _find_desk(desk_code: str) -> Desk:
    if desk_code == "central":
        desk = db.session.scalar(select(Desk).where(Desk.municipality_id.is_(None)))
    else:
        desk = db.session.scalar(
            select(Desk).join(Municipality, Desk.municipality_id == Municipality.id).where(
                Municipality.code == desk_code
            )
        )
    if desk is None:
        raise click.BadParameter(f"no liaison desk for {desk_code}", param_hint="--desk")
    return desk


@postings_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_postings(path: Path):
    """Import postings from a JSON Lines (.jsonl) or CSV (.csv) file."""
    from app.services.postings import importer

    try:
        with click.progressbar(length=_count_lines(path), label=f"Importing {path.name}",
                               show_eta=True) as bar:
            report = importer.import_file(path, progress=bar.update)
    except importer.FileRefused as exc:
        click.echo("0 created, 0 updated, 0 rejected.")
        click.echo(f"{path.name}: {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"{report.created} created, {report.updated} updated, {len(report.errors)} rejected.")
    for number, reason in report.errors:
        click.echo(f"line {number}: {reason}", err=True)
    if report.pending_index:
        click.echo(f"{report.pending_index} index change(s) pending: run `flask search sync`.", err=True)
    if report.errors:
        raise SystemExit(1)


@search_cli.command("rebuild")
@click.option("--procs", type=int, default=None, help="Analysis processes (default SEARCH_REBUILD_PROCS).")
def search_rebuild(procs):
    """Rebuild the index from the database and swap it in (searches answer meanwhile)."""
    from app.services.search import indexing

    with click.progressbar(length=indexing.indexable_count(), label="Indexing postings",
                           show_eta=True) as bar:
        count = indexing.rebuild(progress=bar.update, procs=procs)
    click.echo(f"Indexed {count} postings into {index_location('SEARCH_INDEX_DIR')}")


@search_cli.command("sync")
def search_sync():
    """Replay pending index changes; rebuild if the index is missing, corrupt or out of step."""
    from app.services.search import indexing

    sync_index(indexing.ensure_index, indexing.sync, index="Index", items="postings", changes="change(s)")


@search_cli.command("status")
def search_status():
    """Show the index directory, its health, document count and pending changes."""
    from app.services.search import indexing

    info = indexing.status()
    click.echo(f"directory:  {info['directory']}")
    click.echo(f"healthy:    {'yes' if info['healthy'] else 'NO (run `flask search sync`)'}")
    click.echo(f"documents:  {info['documents']} (database has {info['indexable']} indexable postings)")
    click.echo(f"pending:    {info['pending']}")


@domains_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def domains_import(path: Path):
    """Import "code,domain" rows from a CSV file (UTF-8 or Shift_JIS; header optional)."""
    from app.services.accounts import domains

    with as_command_error(domains.DomainError):
        report = domains.import_csv(domains.decode(path.read_bytes()))
    click.echo(f"{report.created} added, {report.existing} already there, {len(report.errors)} rejected.")
    for number, reason in report.errors:
        click.echo(f"line {number}: {reason}", err=True)
    if report.errors:
        raise SystemExit(1)


@domains_cli.command("add")
@click.argument("code")
@click.argument("domain")
def domains_add(code: str, domain: str):
    """Add one official domain to a municipality, e.g. `flask domains add 046060 town.example.lg.jp`."""
    from app.services.accounts import domains

    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise click.BadParameter(f"unknown municipality code {code}", param_hint="CODE")
    with as_command_error(domains.DomainError):
        row = domains.add_domain(municipality, domain, actor=None)
    click.echo(f"{municipality.code} {municipality.name}: {row.domain}")


@domains_cli.command("list")
@click.argument("code")
def domains_list(code: str):
    """List a municipality's official domains."""
    from app.services.accounts import domains

    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise click.BadParameter(f"unknown municipality code {code}", param_hint="CODE")
    for domain in domains.domains_of(municipality):
        click.echo(domain)


def register(app) -> None:
    for group in (data_cli, users_cli, postings_cli, search_cli, domains_cli):
        app.cli.add_command(group)
    from app.cli.board import board_cli  # `flask board …`: the board's index
    from app.cli.mail import mail_cli  # `flask mail …`: the outbox worker and the mail jobs
    from app.cli.matching import matching_cli  # `flask matching …`: suggestions, disaster offers
    from app.cli.worker import worker  # `flask worker`: every background job in one loop

    for group in (mail_cli, board_cli, matching_cli, worker):
        app.cli.add_command(group)
