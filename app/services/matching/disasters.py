"""Which disaster offers fit a disaster: affected prefectures, the kinds of help needed and the
people to move. Used by the disaster page, the API (also for planning, without a declaration)
and the search page while a declaration is active.

An offer fits when it is published and valid, gives at least one kind of help needed, covers a
region of the affected prefectures (or the whole country), and comes from outside the affected
prefectures (a municipality that is itself hit cannot be counted on). Best first: the share of
the needs it meets, room for the people to move, existing ties with the affected area, nearness,
then the search engine's text similarity with the disaster's description.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select, true
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import join_words, translated
from app.models import DisasterOffer, Municipality, PartnershipRequest, Posting
from app.models.geo import NATIONWIDE, PREFECTURES, covers, region_for_prefecture
from app.models.postings import OFFER_TYPES
from app.permissions import visible_postings
from app.services.matching import needs
from app.services.matching.capacity import People, people_of
from app.services.matching.suggestions import Suggestion, capacity_reason
from app.services.matching.text import TextQuery, TextUnavailable, similar
from app.services.search.query import audience_for
from app.timestamps import now_jst

HOUSING = {"evacuees", "evacuation_site"}
MAX_PEOPLE = 1_000_000  # more than this is not a number of people to move
W = {
    "help": 0.6,  # the offer meets a need
    "more_help": 0.3,  # … and all the others (in proportion)
    "capacity": 0.6,  # times the share of the people it can take in
    "capacity_unknown": 0.1,  # it houses people, but says not how many
    "ties": 0.15,
    "near": 0.1,
    "text": 0.3,
}


@dataclass(frozen=True)
class Scenario:
    prefectures: tuple[str, ...]
    needs: tuple[str, ...]
    people: int | None = None
    name: str = ""

    def __post_init__(self):
        if not self.prefectures or any(p not in PREFECTURES for p in self.prefectures):
            raise ValueError("unknown prefecture")
        if not self.needs or any(n not in OFFER_TYPES for n in self.needs):
            raise ValueError("unknown need")
        if self.people is not None and not 0 < self.people <= MAX_PEOPLE:
            raise ValueError("people out of range")

    @property
    def regions(self) -> set[str]:
        return {region_for_prefecture(p) for p in self.prefectures}

    def text(self) -> str:
        """The disaster in words, for the engine's similarity."""
        helps = " ".join(OFFER_TYPES[n] for n in self.needs)
        return f"{self.name} {' '.join(self.prefectures)} {helps} 被災地 支援"


@dataclass
class _Score:
    value: float = 0.0
    reasons: list[tuple[int, str]] = field(default_factory=list)

    def add(self, weight: float, reason: str | None, priority: int) -> None:
        self.value += weight
        if reason:
            self.reasons.append((priority, reason))


def fitting_offers(scenario: Scenario, user, limit: int | None = None, today: date | None = None
                   ) -> list[Suggestion]:
    """The offers that fit the scenario, best first, with reasons."""
    return fitting(scenario, user, limit, today)[0]


def fitting(scenario: Scenario, user, limit: int | None = None, today: date | None = None,
            among=None) -> tuple[list[Suggestion], int]:
    """(the best `limit` fitting offers with reasons, how many offers fit in all); `among`:
    only these posting ids (e.g. what a search found)."""
    today = today or now_jst().date()
    visible = visible_postings(user).where(Posting.kind == "disaster_offer").with_only_columns(Posting.id)
    # Sifted and scored on plain columns first (the kinds of help and the regions are JSON
    # lists): only the offers that can still make the top `limit` are loaded as objects.
    rows = [row for row in db.session.execute(
        select(DisasterOffer.id, DisasterOffer.offer_types, DisasterOffer.regions_covered,
               DisasterOffer.capacity, DisasterOffer.capacity_people, Municipality.prefecture, Municipality.region)
        .join(Municipality, DisasterOffer.municipality_id == Municipality.id)
        .where(DisasterOffer.id.in_(visible), DisasterOffer.status == "published",
               or_(DisasterOffer.valid_until.is_(None), DisasterOffer.valid_until >= today),
               Municipality.prefecture.not_in(scenario.prefectures),
               DisasterOffer.id.in_(list(among)) if among is not None else true())
    ) if _fits(row.offer_types, row.regions_covered, scenario)]
    if not rows:
        return [], 0
    text = _text_scores(scenario, user)
    first = {row.id: _score(row, scenario, text.get(row.id, 0.0)) for row in rows}
    wanted = list(first)
    if limit and len(wanted) > limit:
        # Ties with the affected area are all that the objects add: at most W["ties"].
        bar = sorted((s.value for s in first.values()), reverse=True)[limit - 1] - W["ties"]
        wanted = [pid for pid, s in first.items() if s.value >= bar]
    offers = db.session.scalars(
        select(DisasterOffer).where(DisasterOffer.id.in_(wanted))
        .options(selectinload(Posting.municipality), selectinload(Posting.partners),
                 selectinload(Posting.officer))
    ).all()
    ranked = [_with_ties(offer, first[offer.id], scenario) for offer in offers]
    ranked.sort(key=lambda s: (-s.score, s.posting.id))
    return (ranked[:limit] if limit else ranked), len(rows)


def _fits(offer_types, regions_covered, scenario: Scenario) -> bool:
    if not set(offer_types or []) & set(scenario.needs):
        return False
    return any(covers(regions_covered, region) for region in scenario.regions)


def _text_scores(scenario: Scenario, user) -> dict[int, float]:
    """Similarity with the disaster's description, 0 … 1 (0 for all if the index is down)."""
    try:
        found = similar(scenario.text(), TextQuery(kind="disaster_offer", audience=audience_for(user), per_page=100))
    except TextUnavailable:
        return {}
    top = max(found.values(), default=0.0)
    return {pid: score / top for pid, score in found.items()} if top > 0 else {}


def _score(row, scenario: Scenario, text: float) -> _Score:
    """Everything but the ties with the affected area, from the offer's plain columns."""
    score = _Score()
    types = set(row.offer_types or [])
    given = [n for n in scenario.needs if n in types]
    # Meeting one need is what counts; meeting more of them adds a little.
    score.add(W["help"] + W["more_help"] * (len(given) - 1) / max(1, len(scenario.needs) - 1),
              _("協力の種類: %(help)s", help=needs.help_labels(given)), priority=1)
    if HOUSING & set(scenario.needs) and HOUSING & types:
        room = people_of(row.capacity_people, row.capacity)
        needed = People(scenario.people, approximate=False, from_text=False) if scenario.people else None
        if room is None:
            score.add(W["capacity_unknown"], None, priority=2)
        else:
            share = min(1.0, room.count / needed.count) if needed else 1.0
            score.add(W["capacity"] * share, capacity_reason(room, needed), priority=2)
    coverage = row.regions_covered or []
    if not coverage or NATIONWIDE in coverage:
        score.add(0.0, _("対象地域: 全国"), priority=3)
    else:
        reached = [r for r in sorted(scenario.regions) if r in coverage]
        score.add(0.0, _("対象地域: %(region)sを含む", region=join_words(translated(r) for r in reached)), priority=3)
    if row.region in scenario.regions:
        score.add(W["near"], _("近隣（被災地域外）: %(prefecture)s", prefecture=row.prefecture), priority=5)
    else:
        score.add(0.0, _("被災地域外: %(prefecture)s", prefecture=row.prefecture), priority=5)
    score.add(W["text"] * text, None, priority=9)
    return score


def _with_ties(offer: DisasterOffer, first: _Score, scenario: Scenario) -> Suggestion:
    score = _Score(first.value, list(first.reasons))
    ties = [m for m in offer.partners if m.prefecture in scenario.prefectures]
    if ties:
        score.add(W["ties"], _("被災地に交流先: %(names)s", names=join_words(m.name for m in ties[:3])), priority=4)
    reasons = [text for _, text in sorted(score.reasons, key=lambda r: r[0])]
    return Suggestion(offer, score.value, reasons)


def affected_requests(scenario: Scenario, user) -> list[PartnershipRequest]:
    """Open, disaster-related requests of municipalities in the affected prefectures."""
    stmt = (
        visible_postings(user)
        .with_only_columns(PartnershipRequest)
        .where(Posting.kind == "partnership_request", Posting.status == "published",
               PartnershipRequest.request_status == "open",
               Posting.municipality_id.in_(
                   select(Municipality.id).where(Municipality.prefecture.in_(scenario.prefectures))))
        .options(selectinload(Posting.municipality), selectinload(Posting.categories),
                 selectinload(Posting.tags), selectinload(Posting.officer))
        .order_by(Posting.published_at.desc())
    )
    return [r for r in db.session.scalars(stmt) if needs.is_disaster_related(r)]
