"""Digests of what people follow: one mail per person per period, never empty.

Each pass (immediate, daily, weekly) looks, for every person with an active follow of that
frequency and no digest yet for the period, at what the *sources* offer: today the new
postings matching their follows (`posting_entries`); another kind of item (e.g. exchange-board
topics) is one more function in SOURCES returning `Entry` rows with their 「なぜ届いたか」 line.

Exactly once: the digest row (unique per person and period), its items (unique per person and
item) and its outbox mail are one transaction. A second worker composing the same digest
fails on those keys and rolls back; the outbox then sends the one mail once. Visibility is
re-checked when the digest is composed, which is when it is sent: an item that became
officials-only, archived or a draft is not offered.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import N_
from app.models import Digest, DigestItem, Follow, Posting, User
from app.models.base import utcnow
from app.models.follows import URGENT_KINDS
from app.permissions import visible_postings
from app.services.board import digest as board_digest
from app.services.follow import matching, tokens
from app.services.follow.entries import Entry
from app.services.follow.follows import describe
from app.services.mail import jobs, outbox
from app.services.mail.notify import render_mail, site
from app.template_helpers import format_date
from app.timestamps import to_jst

log = logging.getLogger(__name__)

JOB_NAME = "follow_digests"
PASSES = ("immediate", "daily", "weekly")
PERIOD_LABELS = {"immediate": N_("新着のお知らせ"), "daily": N_("毎日のまとめ"), "weekly": N_("毎週のまとめ")}


@dataclass
class PassReport:
    digests: int = 0
    items: int = 0
    skipped: int = 0  # claimed by another worker meanwhile
    errors: list[str] = field(default_factory=list)


# --- sources -----------------------------------------------------------------------------


def _why(follows: list[Follow]) -> str:
    reasons = []
    for follow in follows:
        if follow.is_search:
            reasons.append(f"保存した検索「{follow.name}」（{describe(follow)}）に一致しました")
        else:
            reasons.append(f"フォロー中の{follow.target_label}「{follow.name}」に該当します")
    return "。".join(reasons) + "。"


def posting_entries(user: User, follows: list[Follow], now: datetime, urgent_only: bool) -> list[Entry]:
    """New public postings matching the follows; one entry per posting, under the first
    follow that matched it, with every matching follow in its why-line."""
    matched: dict[int, list[Follow]] = {}
    for follow in follows:
        try:
            ids = matching.matching_ids(follow, now, kinds=URGENT_KINDS if urgent_only else None)
        except matching.EngineUnavailable:
            continue  # its postings stay unsent and come with the next digest
        for posting_id in ids:
            matched.setdefault(posting_id, []).append(follow)
    if not matched:
        return []
    # The re-check at send time: only what is public and published now.
    stmt = visible_postings(None).where(Posting.id.in_(matched), Posting.status == "published")
    postings = db.session.scalars(stmt.options(selectinload(Posting.municipality))).all()
    return [
        Entry(
            source="posting", ref_id=p.id, follow=matched[p.id][0], group=matched[p.id][0].name,
            title=p.title, path=f"/postings/{p.id}", why=_why(matched[p.id]), when=p.published_at,
            meta=f"{p.municipality.display_name}／{p.kind_label}", summary=p.summary,
        )
        for p in postings
    ]


Source = Callable[[User, list[Follow], datetime, bool], list[Entry]]
# New postings; new topics and answers of the officials' board in followed categories.
SOURCES: list[Source] = [posting_entries, board_digest.board_entries]


# --- periods ------------------------------------------------------------------------------


def _jst(now: datetime) -> datetime:
    return to_jst(now)


def period_key(frequency: str, now: datetime) -> str:
    local = _jst(now)
    if frequency == "daily":
        return f"daily:{local:%Y-%m-%d}"
    if frequency == "weekly":
        year, week, _day = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return f"immediate:{now:%Y-%m-%dT%H:%M:%S.%f}"


def is_due(frequency: str, now: datetime) -> bool:
    """Daily from DIGEST_HOUR_JST each day; weekly from that hour on DIGEST_WEEKDAY (0 =
    Monday) until the week ends, so a worker that was down catches up the same week."""
    if frequency == "immediate":
        return True
    local = _jst(now)
    hour = int(current_app.config["DIGEST_HOUR_JST"])
    if frequency == "daily":
        return local.hour >= hour
    return (local.weekday(), local.hour) >= (int(current_app.config["DIGEST_WEEKDAY"]), hour)


def _pass_follows(frequency: str) -> list[str]:
    # Immediate follows send urgent kinds at once; the rest of their matches come daily.
    return {"daily": ["daily", "immediate"], "weekly": ["weekly"], "immediate": ["immediate"]}[frequency]


# --- composing ----------------------------------------------------------------------------


def entries_for(user: User, frequency: str, now: datetime) -> list[Entry]:
    follows = db.session.scalars(
        select(Follow).where(Follow.user_id == user.id, Follow.paused.is_(False),
                             Follow.frequency.in_(_pass_follows(frequency)))
        .order_by(Follow.id)
    ).all()
    if not follows:
        return []
    seen: set[tuple[str, int]] = set()
    out: list[Entry] = []
    for source in SOURCES:
        for entry in source(user, list(follows), now, frequency == "immediate"):
            if (entry.source, entry.ref_id) not in seen:
                seen.add((entry.source, entry.ref_id))
                out.append(entry)
    return out


def group(entries: list[Entry]) -> list[tuple[str, Follow | None, list[Entry]]]:
    """Groups in follow order, items newest first within each."""
    groups: dict[tuple, tuple[str, Follow | None, list[Entry]]] = {}
    for entry in entries:
        key = (entry.follow.id if entry.follow is not None else 0, entry.group)
        groups.setdefault(key, (entry.group, entry.follow, []))[2].append(entry)
    out = [groups[k] for k in sorted(groups, key=lambda k: (k[0] == 0, k[0], k[1]))]
    for _name, _follow, items in out:
        items.sort(key=lambda e: (e.when.timestamp() if e.when else 0, e.ref_id), reverse=True)
    return out


def compose(user: User, frequency: str, now: datetime, entries: list[Entry] | None = None
            ) -> Digest | None:
    """Write one digest (row, items, outbox mail) for the user's period and commit it.

    None when there is nothing to send (no empty digest), or when another worker has just
    written this period's digest or one of its items (the keys refuse a second one).
    `entries` are those of `entries_for` unless given (tests give them to race two writers)."""
    entries = entries_for(user, frequency, now) if entries is None else entries
    if not entries:
        return None
    groups = group(entries)
    follow_ids = sorted({e.follow.id for e in entries if e.follow is not None})
    digest = Digest(user_id=user.id, frequency=frequency, period_key=period_key(frequency, now),
                    created_at=now, item_count=len(entries))
    position = 0
    for name, follow, items in groups:
        for entry in items:
            position += 1
            digest.items.append(DigestItem(
                user_id=user.id, follow_id=follow.id if follow else None, source=entry.source,
                ref_id=entry.ref_id, group=name[:120], title=entry.title[:200], url=entry.path,
                why=entry.why, position=position,
            ))
    mail = _mail(user, frequency, now, groups, follow_ids, len(entries))
    try:
        db.session.add(digest)
        db.session.flush()
        digest.outbox_id = mail.id if mail is not None else None
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return digest


def unsubscribe_url(user_id: int, follow_ids: list[int]) -> str:
    return f"{site()}/follows/unsubscribe/{tokens.unsubscribe_token(user_id, follow_ids)}"


def _mail(user: User, frequency: str, now: datetime, groups, follow_ids: list[int], count: int):
    all_url = unsubscribe_url(user.id, follow_ids)
    address = current_app.config["MAIL_UNSUBSCRIBE_ADDRESS"] or (
        "unsubscribe@" + parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2])
    token = all_url.rsplit("/", 1)[1]
    headers = {
        # RFC 2369 + RFC 8058: mail clients offer a one-click "unsubscribe" that POSTs here.
        "List-Unsubscribe": f"<{all_url}>, <mailto:{address}?subject=unsubscribe%20{token}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"架け橋 フォローのお知らせ <follows.{address.rpartition('@')[2]}>",
    }
    label = PERIOD_LABELS[frequency]
    body = render_mail(
        "follow/mail/digest.txt", user=user, label=label, count=count, site=site(),
        date=_jst(now), date_ja=format_date, groups=[
            (name, follow, items, unsubscribe_url(user.id, [follow.id]) if follow else None)
            for name, follow, items in groups
        ], unsubscribe_all=all_url,
    )
    reason = f"フォロー・保存した検索の{label}"
    return outbox.enqueue(user.email, f"【架け橋】{label}（{count}件）", body, reason=reason,
                          user=user, force_immediate=True, headers=headers)


# --- the job ------------------------------------------------------------------------------


def _waiting_users(frequency: str, now: datetime) -> list[User]:
    key = period_key(frequency, now)
    has_digest = exists().where(Digest.user_id == User.id, Digest.period_key == key)
    has_follow = exists().where(Follow.user_id == User.id, Follow.paused.is_(False),
                                Follow.frequency.in_(_pass_follows(frequency)))
    stmt = select(User).where(User.active.is_(True), has_follow)
    if frequency != "immediate":
        stmt = stmt.where(~has_digest)
    return list(db.session.scalars(stmt.order_by(User.id)))


def run_pass(frequency: str, now: datetime) -> PassReport:
    report = PassReport()
    for user in _waiting_users(frequency, now):
        try:
            digest = compose(user, frequency, now)
        except Exception as exc:  # one person's trouble must not stop everyone's digest
            db.session.rollback()
            log.exception("digest for user %s failed", user.id)
            report.errors.append(f"user {user.id}: {type(exc).__name__}: {exc}")
            continue
        if digest is not None:
            report.digests += 1
            report.items += digest.item_count
    return report


def run(now: datetime | None = None) -> dict[str, PassReport]:
    """Every due pass; recorded in job_runs (admins see when it last ran and what it sent)."""
    now = now or utcnow()
    with jobs.recorded(JOB_NAME) as record:
        reports = {f: run_pass(f, now) for f in PASSES if is_due(f, now)}
        record.sent = sum(r.digests for r in reports.values())
        errors = [e for r in reports.values() for e in r.errors]
        if errors:
            record.error = "; ".join(errors)[:2000]
    return reports


def next_run_hint(now: datetime) -> datetime:
    """When the next daily digest goes out (for the follows page)."""
    local = _jst(now)
    hour = int(current_app.config["DIGEST_HOUR_JST"])
    target = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if local >= target:
        target += timedelta(days=1)
    return target
