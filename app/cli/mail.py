"""`flask mail …`: the delivery worker, escalation, the digests (notices, follows) and the dev SMTP sink."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.cli.refusals import as_command_error
from app.extensions import db
from app.models import OutboxMail

mail_cli = AppGroup("mail", help="Contact mail: outbox delivery, escalation, digests, dev sink.")


@mail_cli.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between outbox polls.")
@click.option("--escalate-every", default=600.0, show_default=True,
              help="Seconds between escalation runs in the loop.")
def deliver(once: bool, interval: float, escalate_every: float):
    """Send pending outbox mail with retries and back-off (loops unless --once). The loop is
    `flask worker`'s mail jobs only (delivery, digests, escalation): deploy `flask worker`."""
    from app.cli.worker import MAIL_JOBS, jobs, run_loop
    from app.services.mail import outbox

    if once:
        report = outbox.deliver_due(limit=10_000)
        click.echo(f"{report.sent} sent, {report.failed} failed, {outbox.pending_count()} pending.")
        if report.gave_up:
            click.echo(f"{report.gave_up} given up (failed): see `flask mail status` or /admin/mail.", err=True)
        return
    click.echo(f"Mail worker: polling every {interval}s "
               f"(SMTP {current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']})")
    run_loop([job for job in jobs(interval, escalate_every) if job.name in MAIL_JOBS], interval)
    click.echo("Mail worker stopped.")


@mail_cli.command("escalate")
@click.option("--days", type=int, default=None, help="Working days (default ESCALATION_WORKING_DAYS).")
def escalate(days):
    """Escalate threads unanswered for N working days to the responsible desk."""
    from app.services.contact import escalation

    threads = escalation.escalate(days=days)
    click.echo(f"{len(threads)} thread(s) escalated.")


@mail_cli.command("digest")
def digest():
    """Queue the daily digest for users who chose it (then `flask mail deliver` sends it)."""
    from app.services.mail import digest

    click.echo(f"{digest.send_digests()} digest(s) queued.")


@mail_cli.command("follow-digests")
@click.option("--now", "now_text", default=None,
              help="Run as if at this time (ISO 8601; UTC if it has no offset).")
def follow_digests(now_text):
    """Queue the due digests of follows and saved searches (the worker loop does this too)."""
    from datetime import UTC, datetime

    from app.services.follow import digests

    now = None
    if now_text:
        now = datetime.fromisoformat(now_text)
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
    reports = digests.run(now)
    for frequency, report in reports.items():
        click.echo(f"{frequency}: {report.digests} digest(s), {report.items} item(s)"
                   + (f", {len(report.errors)} error(s)" if report.errors else ""))
    if not reports:
        click.echo("Nothing due.")


@mail_cli.command("status")
def status():
    """Pending mail, mail being retried (with the last error) and failed mail (given up)."""
    from app.services.mail import failures, outbox
    from app.timestamps import to_jst

    retrying = db.session.scalars(failures.retrying_query().order_by(OutboxMail.id)).all()
    failed = db.session.scalars(failures.failed_query().order_by(OutboxMail.id)).all()
    click.echo(f"{outbox.pending_count()} pending, {len(retrying)} retrying, {len(failed)} failed.")
    for row in retrying:
        click.echo(f"  retrying #{row.id} {row.to_addr} attempts={row.attempts} "
                   f"next={to_jst(row.next_attempt_at):%Y-%m-%d %H:%M} JST  {row.last_error[:100]}")
    for row in failed:
        click.echo(f"  FAILED   #{row.id} {row.to_addr} attempts={row.attempts} "
                   f"at={to_jst(row.failed_at):%Y-%m-%d %H:%M} JST  {row.last_error[:100]}")
    if failed:
        click.echo("Failed mail is not retried: resend or drop it at /admin/mail.")


@mail_cli.command("sink")
@click.option("--host", default=None, help="Default MAIL_SERVER.")
@click.option("--port", type=int, default=None, help="Default MAIL_PORT.")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=None,
              help="Default instance/mail.")
def sink(host, port, directory):
    """Development SMTP sink storing every mail under instance/mail/."""
    from app.services.mail.devsink import PortInUse, mail_dir, serve

    with as_command_error(PortInUse):
        serve(host or current_app.config["MAIL_SERVER"], port or current_app.config["MAIL_PORT"],
              directory or mail_dir())
