"""`flask worker`: the one background process. In one loop it runs every job the web processes
leave to it: mail delivery, the follow digests and the daily notice digest, escalation of
unanswered threads, and the search indexes' sync (the postings' and the board's).

Run it on one host while the web runs on as many as needed. Started twice by mistake, nothing
happens twice: each mail is leased by its sender (outbox), each follow digest is unique per
person and period, index replays hold the index's replay lock, and escalation, the notice
digest and the index check hold a lease on their job (job_runs) so they never run at the same
time. Each job records its runs in job_runs (admins' page, /readyz). SIGTERM or SIGINT end the
loop after the job being run, so a mail is never cut off mid-send.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import current_app

from app.extensions import db


@dataclass(frozen=True)
class Job:
    name: str  # its row in job_runs
    every: float  # seconds between runs in the loop
    run: Callable[[object], str | None]  # gets the run's record (sent, error); says what it did
    exclusive: bool = False  # held under a lease: one worker at a time
    records_itself: bool = False  # the service records its own runs under this name


def _deliver(record) -> str | None:
    from app.services.mail import outbox

    report = outbox.deliver_due()
    record.sent = report.sent
    if report.failed:
        record.error = f"{report.failed} not sent"  # the reasons are on the rows (/admin/mail)
    if report.sent or report.failed:
        given_up = f", {report.gave_up} given up (see /admin/mail)" if report.gave_up else ""
        return f"{report.sent} sent, {report.failed} failed{given_up}."
    return None


def _follow_digests(_record) -> str | None:
    from app.services.follow import digests

    sent = sum(r.digests for r in digests.run().values())
    return f"{sent} follow digest(s) queued." if sent else None


def _escalate(record) -> str | None:
    from app.services.contact import escalation

    threads = escalation.escalate()
    record.sent = len(threads)
    return f"{len(threads)} thread(s) escalated." if threads else None


def _notice_digest(record) -> str | None:
    """The daily notice digest, from DIGEST_HOUR_JST (each user at most once a day)."""
    from app.services.mail import digest
    from app.timestamps import now_jst

    if now_jst().hour < int(current_app.config["DIGEST_HOUR_JST"]):
        return None
    record.sent = digest.send_digests(min_interval_hours=23)
    return f"{record.sent} notice digest(s) queued." if record.sent else None


def _sync(feed: str) -> Callable[[object], str | None]:
    def run(record) -> str | None:
        remaining = _feed(feed).sync()
        if remaining:
            record.error = f"{remaining} change(s) still pending"
            return f"{feed} index: {remaining} change(s) still pending."
        return None

    return run


def _index_check(record) -> str | None:
    """Rebuild an index that is missing, broken or out of step with the database."""
    done = []
    for feed in ("search", "board"):
        rebuilt = _feed(feed).ensure_index()
        if rebuilt is not None:
            done.append(f"{feed} index rebuilt with {rebuilt} document(s)")
    return "; ".join(done) + "." if done else None


def _feed(name: str):
    from app.services.board import search as board_search
    from app.services.search import indexing

    return {"search": indexing, "board": board_search}[name]


def jobs(interval: float, housekeeping: float) -> list[Job]:
    every_follow = float(current_app.config["FOLLOW_DIGEST_EVERY"])
    return [
        Job("mail_delivery", interval, _deliver),
        Job("follow_digests", every_follow, _follow_digests, records_itself=True),
        Job("escalation", housekeeping, _escalate, exclusive=True),
        Job("notice_digest", housekeeping, _notice_digest, exclusive=True),
        Job("search_sync", interval, _sync("search")),
        Job("board_sync", interval, _sync("board")),
        Job("index_check", housekeeping, _index_check, exclusive=True),  # last: it may rebuild
    ]


MAIL_JOBS = ("mail_delivery", "follow_digests", "escalation", "notice_digest")  # `flask mail deliver`


LEASE_SECONDS = 3600  # an exclusive job's lease if its worker dies (a rebuild can be long)


def run_job(job: Job) -> None:
    """Run one job once, recorded in job_runs; errors are recorded and reported, not raised."""
    from app.services.mail import jobs as job_runs

    try:
        if job.exclusive:
            with job_runs.lease(job.name, LEASE_SECONDS) as mine:
                if mine:
                    _recorded(job)
        else:
            _recorded(job)
    except Exception as exc:  # keep the worker alive through a DB hiccup or a broken job
        db.session.rollback()
        click.echo(f"{job.name}: {type(exc).__name__}: {exc}", err=True)
    finally:
        db.session.remove()


def _recorded(job: Job) -> None:
    from app.services.mail import jobs as job_runs
    from app.services.mail.jobs import Record

    if job.records_itself:
        said = job.run(Record())
    else:
        with job_runs.recorded(job.name) as record:
            said = job.run(record)
    if said:
        click.echo(f"{job.name}: {said}")


def run_loop(job_list: list[Job], interval: float) -> None:
    stopping = stop_on_sigterm()
    last_run = {job.name: float("-inf") for job in job_list}
    while not stopping:
        for job in job_list:
            if stopping:
                break
            if time.monotonic() - last_run[job.name] >= job.every:
                last_run[job.name] = time.monotonic()
                run_job(job)
        sleep(interval, stopping)


def stop_on_sigterm() -> list:
    """SIGTERM/SIGINT end the loop between jobs, so a mail is never cut off mid-send
    (which would leave it to be sent again after its lease)."""
    import signal

    stopping: list = []

    def handler(_signum, _frame):
        stopping.append(True)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stopping


def sleep(seconds: float, stopping: list) -> None:
    end = time.monotonic() + seconds
    while not stopping and time.monotonic() < end:
        time.sleep(min(0.2, seconds))


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job once, then exit.")
@click.option("--interval", default=5.0, show_default=True,
              help="Seconds between passes (mail delivery, index sync).")
@click.option("--housekeeping-every", default=600.0, show_default=True,
              help="Seconds between escalation, notice-digest and index-check runs.")
def worker(once: bool, interval: float, housekeeping_every: float):
    """The background worker: mail, digests, escalation and index sync in one loop."""
    job_list = jobs(interval, housekeeping_every)
    if once:
        for job in job_list:
            run_job(job)
        return
    click.echo(f"Worker: {', '.join(job.name for job in job_list)}; every {interval}s "
               f"(SMTP {current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']})")
    run_loop(job_list, interval)
    click.echo("Worker stopped.")
