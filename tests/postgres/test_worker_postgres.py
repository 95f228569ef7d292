"""`flask worker` on PostgreSQL: one pass records every job; a job's lease keeps a second
worker out until it is given back or expires."""

from datetime import timedelta

from flask_migrate import upgrade
from sqlalchemy import select

from app.extensions import db
from app.models import JobRun
from app.models.base import utcnow
from app.services.mail import jobs


def test_worker_once_and_job_leases(pg_app):
    upgrade()
    result = pg_app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    runs = {row.name: row for row in db.session.scalars(select(JobRun))}
    assert {"mail_delivery", "escalation", "search_sync", "index_check"} <= set(runs)
    assert all(row.ok and row.lease_until is None for row in runs.values()), runs

    db.session.get(JobRun, "escalation").lease_owner = "other-host:1"
    db.session.get(JobRun, "escalation").lease_until = utcnow() + timedelta(minutes=5)
    db.session.commit()
    with jobs.lease("escalation", 60) as mine:
        assert mine is False
    db.session.get(JobRun, "escalation").lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with jobs.lease("escalation", 60) as mine:
        assert mine is True
        with jobs.lease("escalation", 60) as again:  # held: even by this process
            assert again is False
    db.session.expire_all()
    assert db.session.get(JobRun, "escalation").lease_until is None
