"""Suggested partners for a posting: the postings of other municipalities that could answer it,
best first, each with the reasons why it fits (in the reader's language: gettext, Japanese
without a request).

- a partnership request: case studies showing that someone has done what is sought, staff
  exchanges in the sought field, disaster offers (for disaster-related requests) and requests on
  the other side of the same need;
- a staff exchange: the opposite direction in the same job, and requests for such staff;
- a disaster offer: the (disaster-related, open) requests it could serve;
- a case study: the open requests its municipality could answer.

The ranking adds the search engine's text similarity (text.py) to what the structured fields
say: kind, wished partner type and regions, shared themes and fields, validity, capacity, job.
Visibility is re-checked in the database through `visible_postings`: never the posting's own
municipality, drafts, archived postings or, for the public, officials-only postings.
"""

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import category_label, translated
from app.models import Posting
from app.models.geo import NATIONWIDE, covers
from app.models.postings import PARTNER_TYPES
from app.permissions import visible_postings
from app.services.matching import needs
from app.services.matching.capacity import People, offer_people, people_in_text
from app.services.matching.text import (
    TextQuery,
    posting_text,
    self_query,
    self_similarity,
    similar_hits_each,
)
from app.services.search.query import audience_for
from app.timestamps import now_jst

# Weights of the parts of a score (text similarity is 0 … 1 before weighting).
W = {
    "text": 1.0,
    "partner_type": 0.15,
    "partner_type_miss": -0.15,
    "region": 0.1,
    "region_miss": -0.05,
    "tag": 0.06,  # per shared field tag, up to two
    "category": 0.05,  # per shared theme, up to two
    "coverage_miss": -0.3,  # a disaster offer that does not reach the requester's region
    "help": 0.15,  # the offer gives (one of) the kinds of help asked for
    "help_miss": -0.2,
    "capacity": 0.1,  # enough room for the people to move
    "job": 0.15,
    "job_miss": -0.1,
    "size": 0.05,  # headcount and duration alike
    "other_side": 0.1,
    "same_side": -0.15,
    "repeat_municipality": -0.08,  # the same municipality again in one list
}
MAX_REASONS = 4
MAX_SUGGESTIONS = 50  # the most one list (page or API answer) shows
SHORTLIST = 80  # candidates rated in full, the best by text and kind (bench/matching: no loss)


@dataclass(frozen=True)
class Target:
    kind: str
    base: float  # how much this kind of posting answers the source's kind, before the rest


# What each kind of posting is matched with, and a base for each pairing.
TARGETS: dict[str, list[Target]] = {
    "partnership_request": [
        Target("case_study", 0.1),
        Target("partnership_request", 0.05),
        Target("staff_exchange", 0.0),
        Target("disaster_offer", 0.1),
    ],
    "staff_exchange": [Target("staff_exchange", 0.15), Target("partnership_request", 0.0)],
    "disaster_offer": [Target("partnership_request", 0.1), Target("staff_exchange", 0.05)],
    "case_study": [Target("partnership_request", 0.05)],
}


# Kinds whose pages show suggestions (a case study has 「あわせて読みたい」 instead).
PANEL_KINDS = ("partnership_request", "staff_exchange", "disaster_offer")


def suggestible(posting: Posting) -> bool:
    """Suggestions are made for live postings: not archived, a request still open."""
    if posting.status == "archived":
        return False
    return posting.kind != "partnership_request" or posting.request_status == "open"


def looks_for_partners(posting: Posting) -> bool:
    """The posting's page shows suggestions (and the owner is taken there after saving)."""
    return posting.kind in PANEL_KINDS and suggestible(posting)


@dataclass
class Suggestion:
    posting: Posting
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Score:
    value: float = 0.0
    reasons: list[tuple[int, str]] = field(default_factory=list)  # (priority, text)

    def add(self, weight: float, reason: str | None = None, priority: int = 5) -> None:
        self.value += weight
        if reason:
            self.reasons.append((priority, reason))

    def ordered_reasons(self) -> list[str]:
        return [text for _, text in sorted(self.reasons, key=lambda r: r[0])][:MAX_REASONS]


class _Source:
    """The facts about the source posting that every candidate is compared with."""

    def __init__(self, posting: Posting):
        self.posting = posting
        self.kind = posting.kind
        self.municipality = posting.municipality
        self.is_ward = posting.municipality.is_special_ward
        self.tags = {t.name for t in posting.tags}
        self.categories = {c.code: c.label for c in posting.categories}
        self.disaster = needs.is_disaster_related(posting)
        self.help: set[str] = set()
        self.people: People | None = None
        if self.kind == "partnership_request":
            self.help = needs.requested_help(posting) if self.disaster else set()
            self.people = people_in_text(posting.sought) if self.disaster else None
        elif self.kind == "disaster_offer":
            self.help = set(posting.offer_types or [])
            self.people = offer_people(posting)
        self.jobs = needs.jobs(_job_text(posting))


def _job_text(posting: Posting) -> str:
    if posting.kind == "staff_exchange":
        return posting.work_field
    if posting.kind == "partnership_request":
        return " ".join([posting.title, posting.sought])
    if posting.kind == "disaster_offer":
        return " ".join([posting.title, posting.capacity])
    return ""


def suggest(posting: Posting, user, limit: int = 5, today: date | None = None) -> list[Suggestion]:
    """The best `limit` suggestions for the posting, as seen by `user` (TextUnavailable if the
    search index cannot be read). `today` decides deadlines and validity (default: today)."""
    if not suggestible(posting):
        return []
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    source = _Source(posting)
    targets = [t for t in TARGETS.get(posting.kind, []) if _wanted(source, t)]
    audience = audience_for(user)
    text = posting_text(posting)
    scores: dict[int, float] = {}
    base: dict[int, float] = {}
    own_kind_scores: dict[int, float] | None = None
    own, own_of = posting.municipality.code, {}
    queries = [TextQuery(kind=t.kind, audience=audience,
                         request_status="open" if t.kind == "partnership_request" else None) for t in targets]
    itself = self_query(posting, audience)  # asked in the same pass, for the norm below
    answers = similar_hits_each(text, queries + ([itself] if itself else []))
    for target, hits in zip(targets, answers, strict=False):
        if target.kind == posting.kind:
            own_kind_scores = {pid: score for pid, score, _ in hits}
        for posting_id, score, code in hits:
            scores[posting_id] = score
            base[posting_id] = target.base
            own_of[posting_id] = code
    own_scores = {pid: score for pid, score, _ in answers[-1]} if itself else None
    norm = (self_similarity(posting, text, audience, own_kind_scores, own_scores)
            or max(scores.values(), default=1.0))
    scores.pop(posting.id, None)
    # The structured parts reorder what the text found; only the best part of it is worth loading.
    # (The engine's stored municipality code leaves the own municipality out before that.)
    shortlist = sorted(
        (pid for pid in scores if own_of.get(pid) != own),
        key=lambda pid: -(min(1.0, scores[pid] / norm) + base[pid]),
    )[:SHORTLIST]
    if not shortlist:
        return []
    candidates = db.session.scalars(
        visible_postings(user)
        .where(Posting.id.in_(shortlist), Posting.status == "published",
               Posting.municipality_id != posting.municipality_id)
        .options(selectinload(Posting.tags))  # towns and themes load by default
    ).all()
    today = today or now_jst().date()
    ranked = []
    for candidate in candidates:
        suggestion = _rate(source, candidate, min(1.0, scores[candidate.id] / norm), base[candidate.id], today)
        if suggestion is not None:
            ranked.append(suggestion)
    return _spread(ranked)[:limit]


def rate(posting: Posting, candidate: Posting, similarity: float) -> Suggestion | None:
    """How well `candidate` answers `posting`, given their text similarity (0 … 1); None when
    it is not a candidate at all (wrong kind, expired, closed, own municipality …)."""
    if candidate.municipality_id == posting.municipality_id or candidate.status != "published":
        return None
    source = _Source(posting)
    target = next((t for t in TARGETS.get(posting.kind, []) if t.kind == candidate.kind), None)
    if target is None or not _wanted(source, target):
        return None
    return _rate(source, candidate, similarity, target.base, now_jst().date())


def _rate(source, candidate, similarity: float, base: float, today: date) -> Suggestion | None:
    if not _eligible(source, candidate, today):
        return None
    result = _Score(W["text"] * similarity + base)
    _compare(source, candidate, result)
    return Suggestion(candidate, result.value, result.ordered_reasons() or [_fallback_reason(candidate)])


def _wanted(source: _Source, target: Target) -> bool:
    if target.kind == "disaster_offer":
        return source.disaster and bool(source.help)  # a request that asks for some kind of help
    if source.kind == "disaster_offer" and target.kind == "staff_exchange":
        return "staff" in source.help
    return True


def _eligible(source: _Source, candidate: Posting, today: date) -> bool:
    if candidate.kind == "partnership_request":
        if candidate.request_status != "open" or (candidate.deadline and candidate.deadline < today):
            return False
        if source.kind == "disaster_offer" and not needs.is_disaster_related(candidate):
            return False
    if candidate.kind == "disaster_offer" and candidate.valid_until and candidate.valid_until < today:
        return False
    if source.kind == "staff_exchange" and candidate.kind == "staff_exchange":
        return candidate.direction != source.posting.direction
    if candidate.kind == "staff_exchange" and ("staff" in source.help or source.kind == "disaster_offer"):
        # Who asks for (or offers) staff is answered by the other direction only.
        wanted = "accept" if source.kind == "disaster_offer" else "dispatch"
        return candidate.direction == wanted
    return True


# --- comparing one candidate with the source ---------------------------------------------------


def _compare(source: _Source, candidate: Posting, score: _Score) -> None:
    _shared_fields(source, candidate, score)
    request = source.posting if source.kind == "partnership_request" else (
        candidate if candidate.kind == "partnership_request" else None)
    if request is not None:
        other = candidate if request is source.posting else source.posting
        _partner_fit(request, other, score, about_candidate=request is source.posting)
    pair = (source.kind, candidate.kind)
    if pair == ("partnership_request", "disaster_offer"):
        _disaster_fit(source.posting, source.help, source.people, candidate, score, offer_side=False)
    elif pair == ("disaster_offer", "partnership_request"):
        asked = needs.requested_help(candidate)
        _disaster_fit(candidate, asked, people_in_text(candidate.sought), source.posting, score,
                      offer_side=True)
    elif pair == ("partnership_request", "partnership_request"):
        _other_side(source.posting, candidate, score)
    if "staff_exchange" in pair:
        _staff_fit(source, candidate, score)


def _shared_fields(source: _Source, candidate: Posting, score: _Score) -> None:
    tags = [t.name for t in candidate.tags if t.name in source.tags]
    if tags:
        score.add(W["tag"] * min(2, len(tags)), _("同じ分野: %(tags)s", tags="・".join(tags[:3])), priority=4)
    themes = [c for c in candidate.categories if c.code in source.categories]
    if themes:
        score.add(W["category"] * min(2, len(themes)), _("同じテーマ: %(theme)s", theme=category_label(themes[0].code, themes[0].label)), priority=6)


def _towns(posting: Posting) -> list:
    """The municipalities a posting speaks for: its owner, and for a case study its partners."""
    if posting.kind == "case_study":
        return [posting.municipality, *posting.partners]
    return [posting.municipality]


def _partner_fit(request, other: Posting, score: _Score, about_candidate: bool) -> None:
    """Does `other` come from the kind of partner, and the region, that the request wishes?"""
    towns = [m for m in _towns(other) if m.id != request.municipality_id] or [other.municipality]
    wished = request.partner_type
    if wished in ("special_ward", "municipality"):
        fitting = [m for m in towns if m.is_special_ward == (wished == "special_ward")]
        if fitting:
            partner = translated(PARTNER_TYPES[wished])
            if not about_candidate:
                label = _("%(partner)sとの連携を募集", partner=partner)
            elif other.kind == "case_study":
                label = _("%(partner)sの取組", partner=partner)
            else:
                label = _("%(partner)s（%(name)s）", partner=partner, name=fitting[0].name)
            score.add(W["partner_type"], label, priority=2)
        else:
            score.add(W["partner_type_miss"])
    regions = request.wished_regions or []
    if regions:
        town = next((m for m in towns if m.region in regions), None)
        if town is not None:
            where = {"region": translated(town.region), "prefecture": town.prefecture}
            label = (_("希望地域: %(region)s（%(prefecture)s）", **where) if about_candidate
                     else _("募集の希望地域: %(region)s（%(prefecture)s）", **where))
            score.add(W["region"], label, priority=3)
        else:
            score.add(W["region_miss"])


def _disaster_fit(request, asked: set[str], needed: People | None, offer, score: _Score,
                  offer_side: bool) -> None:
    """A disaster offer and a request it could serve: reach, kind of help, room for people."""
    region = request.municipality.region
    coverage = offer.regions_covered or []
    if covers(coverage, region):
        label = (_("対象地域: 全国") if not coverage or NATIONWIDE in coverage
                 else _("対象地域: %(region)sを含む", region=translated(region)))
        score.add(W["region"], label, priority=3)
    else:
        score.add(W["coverage_miss"])
    given = set(offer.offer_types or []) & asked
    if given:
        score.add(W["help"], _("協力の種類: %(help)s", help=needs.help_labels(given)), priority=1)
    else:
        score.add(W["help_miss"])  # the offer does not give what the request asks for
    # Room for people matters when people are to move: asked for, or a number is known.
    housing = {"evacuees", "evacuation_site"}
    if housing & set(offer.offer_types or []) and (housing & asked or needed is not None):
        room = offer_people(offer)
        if room is not None:
            score.add(W["capacity"] if needed is None or room.count >= needed.count else 0.0,
                      capacity_reason(room, needed), priority=1)


def capacity_reason(room: People, needed: People | None) -> str:
    """「受入可能 約300人（必要 200人、規模の記載から）」"""
    notes = [_("必要 %(people)s", people=needed.label())] if needed is not None else []
    if room.from_text:
        notes.append(_("規模の記載から"))
    if not notes:
        return _("受入可能 %(people)s", people=room.label())
    return _("受入可能 %(people)s（%(notes)s）", people=room.label(), notes=_("、").join(notes))


def _other_side(source, candidate, score: _Score) -> None:
    """Two requests fit when each one's owner is the kind of partner the other wishes."""
    def kind_of(muni) -> str:
        return "special_ward" if muni.is_special_ward else "municipality"

    wants_them = source.partner_type in ("any", kind_of(candidate.municipality))
    wants_us = candidate.partner_type in ("any", kind_of(source.municipality))
    if kind_of(source.municipality) == kind_of(candidate.municipality) and "any" not in (
            source.partner_type, candidate.partner_type):
        score.add(W["same_side"])
    elif wants_them and wants_us:
        label = PARTNER_TYPES[kind_of(source.municipality)]
        score.add(W["other_side"], _("相手も%(partner)sとの連携を募集", partner=translated(label)), priority=2)
    elif not wants_us:
        score.add(W["same_side"])


def _staff_fit(source: _Source, candidate: Posting, score: _Score) -> None:
    """Job, direction, headcount and duration of a staff exchange and its counterpart."""
    if candidate.kind == "staff_exchange":
        theirs = needs.jobs(candidate.work_field)
        verb = "dispatch" if candidate.direction == "dispatch" else "accept"
    else:  # a request that asks for staff
        theirs, verb = needs.jobs(_job_text(candidate)), "request"
    ours = source.jobs
    shared = [j for j in ours if j in theirs]
    if shared:
        job = translated(shared[0])
        score.add(W["job"], {"dispatch": _("同じ職種で派遣可: %(job)s", job=job),
                             "accept": _("同じ職種で受入可: %(job)s", job=job),
                             "request": _("同じ職種で応援を募集: %(job)s", job=job)}[verb], priority=1)
    elif ours and theirs:
        score.add(W["job_miss"])
    if source.kind == "disaster_offer" and candidate.kind == "staff_exchange" and needs.is_recovery(candidate):
        score.add(W["help"], _("被災地で応援職員を受入れ"), priority=1)
    if source.kind == "staff_exchange" and candidate.kind == "staff_exchange":
        mine, other = source.posting, candidate
        if not mine.municipality.is_special_ward and not other.municipality.is_special_ward and (
                _ward_bound(mine) or _ward_bound(other)):
            score.add(W["same_side"])  # e.g. two towns that each look to the special wards
        alike = (min(mine.headcount, other.headcount) / max(mine.headcount, other.headcount, 1)
                 + min(mine.duration_months, other.duration_months)
                 / max(mine.duration_months, other.duration_months, 1)) / 2
        score.add(W["size"] * alike, _("%(people)d人・%(months)dか月（こちらは %(our_people)d人・%(our_months)dか月）",
                                       people=other.headcount, months=other.duration_months,
                                       our_people=mine.headcount, our_months=mine.duration_months), priority=2)


_TO_WARDS = re.compile(r"特別区|区の|区へ|区に|区で")


def _ward_bound(exchange) -> bool:
    """A municipality's staff exchange that names the special wards as the other side."""
    return bool(_TO_WARDS.search(" ".join([exchange.title, exchange.summary, exchange.work_field])))


def _fallback_reason(candidate: Posting) -> str:
    return _("内容が近い%(kind)s", kind=translated(candidate.kind_label))


def _spread(ranked: list[Suggestion]) -> list[Suggestion]:
    """Best first; a municipality's second and later postings step down, so that one list
    names several possible partners."""
    ranked.sort(key=lambda s: (-s.score, -(s.posting.published_at.timestamp() if s.posting.published_at else 0)))
    seen: Counter = Counter()
    for suggestion in ranked:
        suggestion.score += W["repeat_municipality"] * seen[suggestion.posting.municipality_id]
        seen[suggestion.posting.municipality_id] += 1
    ranked.sort(key=lambda s: -s.score)
    return ranked


# --- the posting pages' panel: the same suggestions, kept a minute ------------------------------

PANEL_CACHE_SECONDS = 60.0
_panel_cache: dict = {}


def suggest_for_page(posting: Posting, user, limit: int) -> list[Suggestion]:
    """`suggest`, remembered for a minute per posting version and audience (a posting page is
    read far more often than the index changes); visibility is checked again on every read."""
    key = (str(db.engine.url), posting.id, posting.updated_at, audience_for(user), limit, now_jst().date(),
           str(get_locale()))  # the reasons are in the reader's language
    hit = _panel_cache.get(key)
    if hit is None or time.monotonic() - hit[0] > PANEL_CACHE_SECONDS:
        found = suggest(posting, user, limit)
        if len(_panel_cache) > 512:
            _panel_cache.clear()
        _panel_cache[key] = (time.monotonic(), [(s.posting.id, s.score, s.reasons) for s in found])
        return found
    ids = [pid for pid, _, _ in hit[1]]
    postings = {p.id: p for p in db.session.scalars(
        visible_postings(user).where(Posting.id.in_(ids), Posting.status == "published")
        .options(selectinload(Posting.municipality)))}
    return [Suggestion(postings[pid], score, list(reasons)) for pid, score, reasons in hit[1] if pid in postings]
