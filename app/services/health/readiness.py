"""Is this web process ready for traffic? The checks behind `/readyz`.

One SQL statement answers the database, schema and worker checks together (scalar subqueries
over indexed columns); the search check opens the index, at most every SEARCH_CHECK_EVERY
seconds per process. The
report holds names, booleans and ages in seconds only: nothing about people, no error text
(which could carry a connection string), so a load balancer may poll it every few seconds.

A check that depends on the database is reported as skipped, not failing, when the database
itself is unreachable: the failing check named is then the one to fix.
"""

import logging
import time
import weakref
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import column, func, select, table

from app.extensions import db
from app.models import BoardIndexQueue, IndexQueue, JobRun, OutboxMail
from app.services.follow.digests import JOB_NAME as DIGEST_JOB
from app.timestamps import utcnow

log = logging.getLogger(__name__)

_HEADS: dict[str, frozenset[str]] = {}  # migrations directory -> head revisions (per process)
STARTED_KEY = "kakehashi_started_at"
ALEMBIC_VERSION = table("alembic_version", column("version_num"))  # Alembic's own table


def mark_started(app) -> None:
    """When this process started (a fresh install's digest job is not late before its period)."""
    app.extensions.setdefault(STARTED_KEY, utcnow())


def migration_heads() -> frozenset[str]:
    """The migrations' head revision(s), read from the scripts once per process."""
    directory = str(current_app.extensions["migrate"].directory)
    if directory not in _HEADS:
        from alembic.config import Config as AlembicConfig
        from alembic.script import ScriptDirectory

        config = AlembicConfig()
        config.set_main_option("script_location", directory)
        _HEADS[directory] = frozenset(ScriptDirectory.from_config(config).get_heads())
    return _HEADS[directory]


def _age(now: datetime, then: datetime | None) -> int:
    return max(0, int((now - then).total_seconds())) if then is not None else 0


def _minutes(name: str) -> int:
    return int(float(current_app.config[name]) * 60)


def _state(now: datetime):
    """(database versions, oldest index-queue entry, oldest due mail, digest job's last run)."""
    due_mail = select(func.min(OutboxMail.next_attempt_at)).where(
        OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None),
        OutboxMail.digest.is_(False), OutboxMail.next_attempt_at <= now)
    rows = db.session.execute(select(
        ALEMBIC_VERSION.c.version_num,
        select(func.min(IndexQueue.queued_at)).scalar_subquery(),
        select(func.min(BoardIndexQueue.queued_at)).scalar_subquery(),
        due_mail.scalar_subquery(),
        select(JobRun.finished_at).where(JobRun.name == DIGEST_JOB).scalar_subquery(),
    )).all()
    if not rows:
        return set(), (None, None, None, None)
    return {r[0] for r in rows}, tuple(rows[0][1:])


def _versions_alone() -> set[str] | None:
    """The schema's versions when the full check's statement failed; None if unreachable."""
    try:
        versions = set(db.session.scalars(select(ALEMBIC_VERSION.c.version_num)))
        db.session.commit()
        return versions
    except Exception:
        db.session.rollback()
        return None


# What a web host needs to serve pages; the other checks watch the worker, which every host
# shares: a load balancer that removed hosts for those would take the whole site down.
SERVING = ("database", "migrations", "search_index")
SCOPES = ("all", "web")


def check(scope: str = "all") -> tuple[bool, dict]:
    """(ready, report). scope "web" fails only on SERVING checks (the others are still
    reported). Never raises."""
    started = time.perf_counter()
    now = utcnow()
    checks: dict[str, dict] = {}
    try:
        versions, (index_oldest, board_oldest, mail_oldest, digest_run) = _state(now)
        db.session.commit()  # end the read transaction at once
        checks["database"] = {"ok": True}
    except Exception as exc:
        db.session.rollback()
        log.warning("readiness: database check failed (%s)", type(exc).__name__)
        versions = _versions_alone()
        checks["database"] = {"ok": versions is not None}
        if versions is not None:  # reachable, but a table the check reads is missing or broken
            checks["migrations"] = {"ok": versions == set(migration_heads())}
        for name in ("migrations", "index_queue", "mail", "digest_job"):
            checks.setdefault(name, {"ok": None, "skipped": True})
        versions = None
    if versions is not None:
        checks["migrations"] = {"ok": versions == set(migration_heads())}
        queue_age = max(_age(now, index_oldest), _age(now, board_oldest))
        checks["index_queue"] = {"ok": queue_age <= _minutes("READYZ_INDEX_QUEUE_MAX_MINUTES"),
                                 "oldest_age_s": queue_age}
        mail_age = _age(now, mail_oldest)
        checks["mail"] = {"ok": mail_age <= _minutes("READYZ_MAIL_DUE_MAX_MINUTES"),
                          "oldest_due_age_s": mail_age}
        checks["digest_job"] = _digest_check(now, digest_run)
    checks["search_index"] = {"ok": _search_healthy()}
    failing = [name for name, result in checks.items()
               if result["ok"] is False and (scope == "all" or name in SERVING)]
    report = {"status": "failing" if failing else "ok", "failing": failing, "scope": scope,
              "checks": checks,
              "took_ms": round((time.perf_counter() - started) * 1000, 1)}
    return not failing, report


def _digest_check(now: datetime, last_run: datetime | None) -> dict:
    """The follow-digest pass records itself at least every jobs.HEARTBEAT seconds (more often
    when it sends); on a fresh install with no record yet, time counts from this process's start."""
    allowed = timedelta(minutes=float(current_app.config["READYZ_DIGEST_MAX_MINUTES"]))
    if last_run is None:
        since = current_app.extensions.get(STARTED_KEY, now)
        return {"ok": now - since <= allowed, "never_ran": True, "age_s": _age(now, since)}
    return {"ok": now - last_run <= allowed, "age_s": _age(now, last_run)}


# Opening the Whoosh index and reading a little of every segment costs ~20 ms: a load balancer
# polling every few seconds gets this process's answer of the last SEARCH_CHECK_EVERY seconds.
SEARCH_CHECK_EVERY = 30.0
_SEARCH_CHECKED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # engine -> (when, healthy)


def _search_healthy() -> bool:
    """The postings' engine opens and reads (Whoosh: the index directory; postgres: its tables)."""
    from app.services.search.indexing import get_engine

    try:
        engine = get_engine()
        checked = _SEARCH_CHECKED.get(engine)
        if checked is None or time.monotonic() - checked[0] > SEARCH_CHECK_EVERY:
            checked = _SEARCH_CHECKED[engine] = (time.monotonic(), bool(engine.healthy()))
        return checked[1]
    except Exception as exc:
        log.warning("readiness: search index check failed (%s)", type(exc).__name__)
        return False
