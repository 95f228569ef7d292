"""The registry of posting kinds: each kind declared once.

A kind is its key (the `kind` column, the model's polymorphic identity, the search facet
value), its URL slug, its Japanese label (stored data, search documents, mail; marked with
`N_`, so pages show it translated: `kind_name`) and its own fields with their type, allowed
values, bounds and how the form asks for them (label, help, required, length). The forms
(app/postings/forms.py builds one per kind), importer, exporter, API, templates' labels and
search facets derive from here; tests/test_kinds.py fails when one of them misses a kind.

The model classes and their tables' columns are made from here too (app/models/postings.py):
a month is String(7) (YYYY-MM), a date Date, a whole number Integer, a list JSON, a choice
String(20), one line of text String(max_length), a text area Text.

Adding a kind: a `Kind` below and a migration for its table; the tests name whatever else is
missing.
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
    """One of a kind's own fields (a column of its table), and how its form asks for it."""

    name: str
    label: str  # the form's label (N_: translated where shown)
    type: type = str  # str, int, date, or list (of `choices`)
    choices: dict[str, str] | None = None  # the values allowed (for str and list) -> Japanese label
    bounds: tuple[int, int] | None = None  # whole numbers: lowest, highest
    month: bool = False  # a year and month, written YYYY-MM
    required: bool = False
    max_length: int | None = None  # characters, for text
    multiline: bool = False  # text in a text area rather than one line
    default: object = None  # what a new form shows
    short: str = ""  # names the field in messages when the label is long (「人数（…）」→「人数」)
    unit: str = ""  # of whole numbers, in messages (人, か月)
    hint: str = ""  # the form's help under the field
    indexed: bool = False  # a database index on the column (the field is filtered on)
    searched: bool = False  # part of the kind's own text in search documents (a choice: its label)


@dataclass(frozen=True)
class Kind:
    key: str
    model: str  # the model class's name (app.models.postings); its table is `table`
    table: str
    slug: str
    label: str  # Japanese, as stored, indexed and mailed (N_: pages translate it)
    about: str  # what a posting of the kind is (the model class's docstring)
    intro: str  # what the form's fieldset of the kind's own fields says first
    details: tuple[Detail, ...]
    text_joiner: str = "\n"  # between the searched fields in the kind's own text

    @property
    def fields(self) -> dict[str, type]:
        return {d.name: d.type for d in self.details}

    def detail(self, name: str) -> Detail:
        return next(d for d in self.details if d.name == name)


CASE_STUDY = Kind(
    "case_study", "CaseStudy", "case_studies", "cases", N_("連携・交流事例"),
    "連携・交流事例: what two or more governments did together, and what came of it.", N_(
    "実際に行った交流の記録です。いつから、何をして、どうなったかを書くと、ほかの自治体の参考になります。"), (
    Detail("period_start", N_("開始年月"), month=True, hint=N_("例: 2024-04")),
    Detail("period_end", N_("終了年月"), month=True, hint=N_("続いている場合は空欄にします。")),
    Detail("activities", N_("取り組んだこと"), required=True, max_length=10000, multiline=True, searched=True),
    Detail("outcomes", N_("成果"), max_length=10000, multiline=True, searched=True,
           hint=N_("数字があれば入れてください（参加者数、売上など）。")),
    Detail("challenges", N_("課題・今後"), max_length=10000, multiline=True, searched=True),
))
PARTNERSHIP_REQUEST = Kind(
    "partnership_request", "PartnershipRequest", "partnership_requests", "requests", N_("連携の募集"),
    "連携の募集: a municipality looking for partners.", N_(
    "連携の相手を探す募集です。求めていることと、希望する相手・地域を書いてください。締切は投稿の作成日から10年先までの日付です。"), (
    Detail("sought", N_("求めていること"), required=True, max_length=10000, multiline=True, searched=True,
           hint=N_("どんな相手と、何を一緒にしたいか。")),
    Detail("partner_type", N_("希望する相手"), choices=PARTNER_TYPES, default="any"),
    Detail("wished_regions", N_("希望地域"), list, choices={r: r for r in REGIONS},
           hint=N_("選ばなければ「指定なし」になります。")),
    Detail("deadline", N_("締切"), date, hint=N_("例: 2027-03-31（空欄なら締切なし）")),
    Detail("request_status", N_("募集状況"), choices=REQUEST_STATUSES, default="open", indexed=True),
))
DISASTER_OFFER = Kind(
    "disaster_offer", "DisasterOffer", "disaster_offers", "disaster", N_("災害時相互協力"),
    "災害時相互協力: supplies, staff, funds, accepting evacuees, evacuation sites (疎開先).", N_(
    "災害のときに提供できる協力です。協力の種類、規模、対象地域、条件を書いてください。"), (
    Detail("offer_types", N_("協力の種類"), list, choices=OFFER_TYPES, required=True, searched=True),
    Detail("capacity", N_("規模（人数・数量など）"), short=N_("規模"), max_length=2000, multiline=True,
           searched=True),
    Detail("capacity_people", N_("受け入れられる人数（避難者・疎開の場合、任意）"), int,
           bounds=(1, MAX_CAPACITY_PEOPLE), short=N_("受け入れられる人数"), unit=N_("人"),
           hint=N_("数字があると、受け入れ先を探す自治体が人数で比べられます。")),
    Detail("regions_covered", N_("対象地域"), list,
           choices={NATIONWIDE: N_("全国（地域を限らない）"), **{r: r for r in REGIONS}},
           hint=N_("「全国」を選ぶか何も選ばなければ、地域を限りません。")),
    Detail("conditions", N_("条件"), max_length=5000, multiline=True, searched=True),
    Detail("valid_until", N_("有効期限"), date, hint=N_("例: 2028-03-31（空欄なら定めなし）")),
))
STAFF_EXCHANGE = Kind(
    "staff_exchange", "StaffExchange", "staff_exchanges", "staff", N_("人事交流・職員派遣"),
    "人事交流・職員派遣: sending or accepting staff for a period.", N_(
    "職員を派遣したい、または受け入れたいという募集です。業務分野、人数、期間を書いてください。"), (
    Detail("direction", N_("派遣・受入"), choices=DIRECTIONS, default="dispatch", searched=True),
    Detail("work_field", N_("業務分野"), required=True, max_length=200, searched=True,
           hint=N_("例: 観光振興、税務、土木")),
    Detail("headcount", N_("人数"), int, bounds=(1, 100), required=True, default=1, unit=N_("人")),
    Detail("duration_months", N_("期間（か月）"), int, bounds=(1, 120), required=True, default=12,
           short=N_("期間"), unit=N_("か月")),
    Detail("start_date", N_("開始日"), date, hint=N_("例: 2027-04-01（空欄なら調整による）")),
), text_joiner=" ")

REGISTRY: dict[str, Kind] = {k.key: k for k in (CASE_STUDY, PARTNERSHIP_REQUEST, DISASTER_OFFER, STAFF_EXCHANGE)}

# Views of the registry that callers index by key.
KINDS = {k.key: k.label for k in REGISTRY.values()}
KIND_SLUGS = {k.key: k.slug for k in REGISTRY.values()}
DETAIL_FIELDS: dict[str, dict[str, type]] = {k.key: k.fields for k in REGISTRY.values()}


def kind_name(key: str) -> str:
    """The interface name of a posting kind, in the visitor's language."""
    return translated(KINDS.get(key, key))
