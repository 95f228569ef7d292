"""Declaring, changing and ending disasters (disaster mode), each step in the audit log.

Which declarations are active is asked on every page (the banner): the answer is kept for a
few seconds per process, and forgotten at once when this process declares, changes or ends one.
"""

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from app import permissions
from app.cleantext import single_line
from app.extensions import db
from app.models import AuditLog, DisasterDeclaration
from app.services.matching.disasters import Scenario
from app.timestamps import now_jst, utcnow

ACTIVE_CACHE_SECONDS = 10.0
_active_cache: dict = {}


@dataclass
class DeclarationInput:
    name: str
    prefectures: list[str]
    needs: list[str]
    starts_on: date
    ends_on: date | None = None
    people: int | None = None
    note: str = ""


def declare(data: DeclarationInput, actor) -> DisasterDeclaration:
    permissions.require(permissions.can_declare_disaster(actor))
    declaration = DisasterDeclaration(created_by_id=getattr(actor, "id", None))
    _apply(declaration, data)
    db.session.add(declaration)
    db.session.flush()
    _audit(actor, "disaster.declare", declaration)
    return _commit(declaration)


def update(declaration: DisasterDeclaration, data: DeclarationInput, actor) -> DisasterDeclaration:
    permissions.require(permissions.can_declare_disaster(actor))
    before = _summary(declaration)
    _apply(declaration, data)
    _audit(actor, "disaster.update", declaration, before=before)
    return _commit(declaration)


def end(declaration: DisasterDeclaration, actor) -> DisasterDeclaration:
    permissions.require(permissions.can_declare_disaster(actor))
    if declaration.ended_at is None:
        declaration.ended_at = utcnow()
        _audit(actor, "disaster.end", declaration)
    return _commit(declaration)


def _apply(declaration: DisasterDeclaration, data: DeclarationInput) -> None:
    Scenario(tuple(data.prefectures), tuple(data.needs), data.people)  # the same checks as the API
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise ValueError("ends before it starts")
    # The name is one line (banner, page titles, audit log): a pasted break or tab becomes a space.
    name = single_line(data.name or "")
    if not name:
        raise ValueError("a declaration needs a name")
    declaration.name = name
    declaration.prefectures = list(dict.fromkeys(data.prefectures))
    declaration.needs = list(dict.fromkeys(data.needs))
    declaration.people = data.people
    declaration.starts_on = data.starts_on
    declaration.ends_on = data.ends_on
    declaration.note = (data.note or "").strip()


def _summary(declaration: DisasterDeclaration) -> dict:
    return {
        "name": declaration.name, "prefectures": declaration.prefectures, "needs": declaration.needs,
        "people": declaration.people, "starts_on": declaration.starts_on.isoformat(),
        "ends_on": declaration.ends_on.isoformat() if declaration.ends_on else None,
    }


def _audit(actor, action: str, declaration: DisasterDeclaration, **details) -> None:
    db.session.add(AuditLog(actor_user_id=getattr(actor, "id", None), action=action,
                            target_type="disaster", target_id=declaration.id,
                            details={**_summary(declaration), **details}))


def _commit(declaration: DisasterDeclaration) -> DisasterDeclaration:
    db.session.commit()
    _active_cache.clear()
    return declaration


@dataclass(frozen=True)
class ActiveDisaster:
    """What the banner and the search page need of an active declaration (safe to cache)."""

    id: int
    name: str
    prefectures: tuple[str, ...]
    needs: tuple[str, ...]
    people: int | None

    def scenario(self) -> Scenario:
        return Scenario(self.prefectures, self.needs, self.people, self.name)


def scenario_of(declaration: DisasterDeclaration) -> Scenario:
    return Scenario(tuple(declaration.prefectures), tuple(declaration.needs), declaration.people,
                    declaration.name)


def today() -> date:
    return now_jst().date()


def active() -> list[ActiveDisaster]:
    """Declarations in force today, newest first (kept a few seconds per process)."""
    day = today()
    key = (str(db.engine.url), day)
    hit = _active_cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < ACTIVE_CACHE_SECONDS:
        return hit[1]
    found = [
        ActiveDisaster(d.id, d.name, tuple(d.prefectures), tuple(d.needs), d.people)
        for d in db.session.scalars(
            select(DisasterDeclaration)
            .where(DisasterDeclaration.ended_at.is_(None), DisasterDeclaration.starts_on <= day,
                   or_(DisasterDeclaration.ends_on.is_(None), DisasterDeclaration.ends_on >= day))
            .order_by(DisasterDeclaration.starts_on.desc(), DisasterDeclaration.id.desc())
        )
    ]
    _active_cache.clear()
    _active_cache[key] = (time.monotonic(), found)
    return found


def all_declarations() -> list[DisasterDeclaration]:
    return db.session.scalars(
        select(DisasterDeclaration).order_by(DisasterDeclaration.starts_on.desc(), DisasterDeclaration.id.desc())
    ).all()
