"""The systems compared: the matcher (app/services/matching), its text part alone (the search
engine's more_like with the same candidates and rules), and the two baselines:

- tag overlap: postings of the kinds the matcher would suggest, sharing a theme (category) or
  a field tag with the query posting, newest first;
- region + offer type (disasters): offers giving a kind of help needed and covering a region
  of the affected prefectures, newest first.

Every system sees the same postings (visible to the query's officer, published, not the query's
own municipality, open / valid as of the judging day).
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import DisasterOffer, Posting
from app.models.geo import covers
from app.permissions import visible_postings
from app.services.matching import disasters, suggestions
from app.services.matching.disasters import Scenario

from .world import JUDGED_ON, official_of


def matcher(posting, k: int) -> list[str]:
    user = official_of(posting.municipality_id)
    return [s.posting.external_id for s in suggestions.suggest(posting, user, k, today=JUDGED_ON)]


@contextmanager
def text_weights_only():
    """The matcher with every structured part weighed 0: what the text similarity does alone."""
    saved_w = dict(suggestions.W)
    saved_targets = {kind: list(targets) for kind, targets in suggestions.TARGETS.items()}
    try:
        for key in suggestions.W:
            suggestions.W[key] = 1.0 if key == "text" else 0.0
        for kind, targets in suggestions.TARGETS.items():
            suggestions.TARGETS[kind] = [suggestions.Target(t.kind, 0.0) for t in targets]
        yield
    finally:
        suggestions.W.clear()
        suggestions.W.update(saved_w)
        suggestions.TARGETS.clear()
        suggestions.TARGETS.update(saved_targets)


def text_only(posting, k: int) -> list[str]:
    with text_weights_only():
        return matcher(posting, k)


def tag_overlap(posting, k: int) -> list[str]:
    user = official_of(posting.municipality_id)
    source = suggestions._Source(posting)
    kinds = [t.kind for t in suggestions.TARGETS[posting.kind] if suggestions._wanted(source, t)]
    categories = {c.id for c in posting.categories}
    tags = {t.id for t in posting.tags}
    stmt = (
        visible_postings(user)
        .where(Posting.kind.in_(kinds), Posting.status == "published",
               Posting.municipality_id != posting.municipality_id)
        .options(selectinload(Posting.categories), selectinload(Posting.tags))
        .order_by(Posting.published_at.desc(), Posting.id.desc())
    )
    out = []
    for candidate in db.session.scalars(stmt):
        shares = categories & {c.id for c in candidate.categories} or tags & {t.id for t in candidate.tags}
        if shares and suggestions._eligible(source, candidate, JUDGED_ON):
            out.append(candidate.external_id)
            if len(out) == k:
                break
    return out


def scenario_of(item: dict) -> Scenario:
    return Scenario(tuple(item["prefectures"]), tuple(item["needs"]), item.get("people"), item["name"])


def disaster(item: dict, k: int) -> list[str]:
    found = disasters.fitting_offers(scenario_of(item), official_of(None), k, today=JUDGED_ON)
    return [s.posting.external_id for s in found]


def region_type(item: dict, k: int) -> list[str]:
    scenario = scenario_of(item)
    stmt = (
        visible_postings(official_of(None))
        .with_only_columns(DisasterOffer)
        .where(Posting.kind == "disaster_offer", Posting.status == "published",
               or_(DisasterOffer.valid_until.is_(None), DisasterOffer.valid_until >= JUDGED_ON))
        .order_by(Posting.published_at.desc(), Posting.id.desc())
    )
    out = []
    for offer in db.session.scalars(stmt):
        if set(offer.offer_types or []) & set(scenario.needs) and any(
                covers(offer.regions_covered, r) for r in scenario.regions):
            out.append(offer.external_id)
            if len(out) == k:
                break
    return out


def disaster_text(item: dict, k: int) -> list[str]:
    """Pooling only: the engine's similarity to the scenario's description, among all offers."""
    from app.services.matching.text import TextQuery, similar

    found = similar(scenario_of(item).text(), TextQuery(kind="disaster_offer", audience="official"))
    ids = sorted(found, key=lambda i: -found[i])[: k * 2]
    rows = db.session.scalars(select(Posting).where(Posting.id.in_(ids))).all()
    by_id = {p.id: p.external_id for p in rows}
    return [by_id[i] for i in ids if i in by_id][:k]


POSTING_SYSTEMS = {"matcher": matcher, "text_only": text_only, "tag_overlap": tag_overlap}
SCENARIO_SYSTEMS = {"disaster": disaster, "region_type": region_type}
