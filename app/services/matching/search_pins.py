"""Disaster mode on the search page: for a disaster query, the offers that fit the active
disaster come first (pinned at the top of the first page, with their reasons), the rest of the
results follow without them."""

from dataclasses import dataclass, field, replace

from app.services.matching import declarations, needs
from app.services.matching.disasters import fitting
from app.services.search import query as search

PINNED = 5


@dataclass
class Pins:
    disaster: declarations.ActiveDisaster
    suggestions: list = field(default_factory=list)

    @property
    def ids(self) -> set[int]:
        return {s.posting.id for s in self.suggestions}


def _about_disaster(params, disaster) -> bool:
    if params.kind not in (None, "disaster_offer"):
        return False
    q = params.q or ""
    if not q:
        return params.kind == "disaster_offer"
    return (needs.mentions_disaster(q) or disaster.name in q
            or any(p in q or (p.endswith("県") and p[:-1] in q) for p in disaster.prefectures))


def disaster_pins(user, params) -> Pins | None:
    """The fitting offers to show first for this search, or None (no disaster, other query)."""
    for disaster in declarations.active():
        if not _about_disaster(params, disaster):
            continue
        among = None
        if params.q:  # only offers the search itself finds
            found = search.search(user, replace(params, kind="disaster_offer", page=1, per_page=100))
            among = {item.posting.id for item in found.items}
        best, _ = fitting(disaster.scenario(), user, PINNED, today=declarations.today(), among=among)
        return Pins(disaster, best) if best else None
    return None
