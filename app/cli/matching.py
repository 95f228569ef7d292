"""`flask matching …`: the suggestions and the disaster ranking from the command line (as the
public sees them, unless --official)."""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models import Posting, User
from app.models.geo import PREFECTURES
from app.models.postings import OFFER_TYPES

matching_cli = AppGroup("matching", help="Suggested partners and disaster offers.")


def _viewer(official: bool):
    # A logged-in official of no municipality: sees officials-only postings, no drafts.
    return User(id=0, email="cli@localhost", name="cli", role="officer", active=True, approval="approved") if official else None


@matching_cli.command("suggest")
@click.argument("posting_id", type=int)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 50))
@click.option("--official", is_flag=True, help="Include officials-only postings.")
def suggest(posting_id: int, limit: int, official: bool):
    """Print the suggestions for a posting, best first, with their reasons."""
    from app.services import matching

    posting = db.session.get(Posting, posting_id)
    if posting is None:
        raise click.BadParameter(f"no posting {posting_id}", param_hint="POSTING_ID")
    for s in matching.suggest(posting, _viewer(official), limit):
        click.echo(f"{s.score:6.3f}  #{s.posting.id} {s.posting.municipality.name}  {s.posting.title}")
        click.echo(f"        {' / '.join(s.reasons)}")


@matching_cli.command("offers")
@click.option("--prefecture", "prefectures", multiple=True, required=True, type=click.Choice(PREFECTURES))
@click.option("--need", "needs", multiple=True, type=click.Choice(list(OFFER_TYPES)))
@click.option("--people", type=click.IntRange(1, 1_000_000))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 200))
@click.option("--official", is_flag=True, help="Include officials-only offers.")
def offers(prefectures, needs, people, limit, official):
    """Print the disaster offers that fit affected prefectures and needs (no declaration needed)."""
    from app.services.matching.disasters import Scenario, fitting_offers

    scenario = Scenario(tuple(prefectures), tuple(needs or OFFER_TYPES), people)
    for s in fitting_offers(scenario, _viewer(official), limit):
        click.echo(f"{s.score:6.3f}  #{s.posting.id} {s.posting.municipality.display_name}  {s.posting.title}")
        click.echo(f"        {' / '.join(s.reasons)}")
