"""The registry of posting kinds: each kind declared once.

A kind is its key (the `kind` column, the model's polymorphic identity, the search facet
value), its URL slug, its Japanese label (stored data, search documents, mail; marked with
`N_`, so pages show it translated: `kind_name`) and its own fields with their type, allowed
values and bounds. The models, forms, importer, exporter, API, templates' labels and
search facets derive from here; tests/test_kinds.py fails when one of them misses a kind.

Adding a kind: a `Kind` below, its model class in app/models/postings.py (with a migration
for its table), its form in app/postings/forms.py; the tests name whatever else is missing.
"""

from dataclasses import dataclass
from datetime import date

from app.i18n import N_, translated
from app.models.geo import NATIONWIDE, REGIONS

# Allowed values of the kinds' own fields (value -> Japanese label).
REQUEST_STATUSES = {"open": N_("募集中"), "matched": N_("成立"), "closed": N_("終了")}
PARTNER_TYPES = {"special_ward": N_("特別区"), "municipality": N_("市町村"), "any": N_("どちらでも")}
OFFER_TYPES = {
    "supplies": N_("物資の提供"),
    "staff": N_("職員の派遣"),
    "funds": N_("資金の支援"),
    "evacuees": N_("避難者の受け入れ"),
    "evacuation_site": N_("疎開先の提供"),
}
DIRECTIONS = {"dispatch": N_("派遣したい"), "accept": N_("受け入れたい")}
# The largest number of people one offer may state it can take in (a whole city's hotels).
MAX_CAPACITY_PEOPLE = 100_000


@dataclass(frozen=True)
class Detail:
    """One of a kind's own fields (a column of its table)."""

    name: str
    type: type = str  # str, int, date, or list (of `choices`)
    choices: tuple[str, ...] | None = None  # the values allowed (for str and list)
    bounds: tuple[int, int] | None = None  # whole numbers: lowest, highest
    month: bool = False  # a year and month, written YYYY-MM


@dataclass(frozen=True)
class Kind:
    key: str
    slug: str
    label: str  # Japanese, as stored, indexed and mailed (N_: pages translate it)
    details: tuple[Detail, ...]

    @property
    def fields(self) -> dict[str, type]:
        return {d.name: d.type for d in self.details}

    def detail(self, name: str) -> Detail:
        return next(d for d in self.details if d.name == name)


CASE_STUDY = Kind("case_study", "cases", N_("連携・交流事例"), (
    Detail("period_start", month=True),
    Detail("period_end", month=True),
    Detail("activities"),
    Detail("outcomes"),
    Detail("challenges"),
))
PARTNERSHIP_REQUEST = Kind("partnership_request", "requests", N_("連携の募集"), (
    Detail("sought"),
    Detail("partner_type", choices=tuple(PARTNER_TYPES)),
    Detail("wished_regions", list, choices=tuple(REGIONS)),
    Detail("deadline", date),
    Detail("request_status", choices=tuple(REQUEST_STATUSES)),
))
DISASTER_OFFER = Kind("disaster_offer", "disaster", N_("災害時相互協力"), (
    Detail("offer_types", list, choices=tuple(OFFER_TYPES)),
    Detail("capacity"),
    Detail("capacity_people", int, bounds=(1, MAX_CAPACITY_PEOPLE)),
    Detail("regions_covered", list, choices=(NATIONWIDE, *REGIONS)),
    Detail("conditions"),
    Detail("valid_until", date),
))
STAFF_EXCHANGE = Kind("staff_exchange", "staff", N_("人事交流・職員派遣"), (
    Detail("direction", choices=tuple(DIRECTIONS)),
    Detail("work_field"),
    Detail("headcount", int, bounds=(1, 100)),
    Detail("duration_months", int, bounds=(1, 120)),
    Detail("start_date", date),
))

REGISTRY: dict[str, Kind] = {k.key: k for k in (CASE_STUDY, PARTNERSHIP_REQUEST, DISASTER_OFFER, STAFF_EXCHANGE)}

# Views of the registry that callers index by key.
KINDS = {k.key: k.label for k in REGISTRY.values()}
KIND_SLUGS = {k.key: k.slug for k in REGISTRY.values()}
DETAIL_FIELDS: dict[str, dict[str, type]] = {k.key: k.fields for k in REGISTRY.values()}


def kind_name(key: str) -> str:
    """The interface name of a posting kind, in the visitor's language."""
    return translated(KINDS.get(key, key))
