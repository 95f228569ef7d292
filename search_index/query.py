"""Public query/result types and the query-string parser.

Syntax: words separated by spaces (postings with every word rank first; when fewer than a
handful have them all, postings with some of them follow, marked partial), `OR` / `|` between
words, `+word` must be present, `-word` excludes, "…" / 「…」 / “…” are phrases (adjacent, as
written, required). plan.py turns the parsed query into weighted feature groups.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from .analysis import bigrams, normalize

FACET_NAMES = ("kind", "category", "prefecture", "region", "field", "status", "year", "request_status")
# The statuses an indexed document may have (documents of any other status, e.g. drafts, are
# not indexed). A search finds published ones unless it asks for status="archived"; the public
# audience never sees archived ones.
INDEXED_STATUSES = ("published", "archived")


@dataclass
class SearchQuery:
    q: str = ""
    kind: str | None = None
    category: str | None = None
    prefecture: str | None = None
    region: str | None = None
    field: str | None = None
    status: str | None = None  # None = published only
    year: int | None = None
    request_status: str | None = None  # partnership requests: open | matched | closed
    date_from: date | None = None
    date_to: date | None = None
    municipality_code: str | None = None  # owner or partner
    audience: str = "public"  # "public" | "official"
    sort: str = "relevance"  # "relevance" | "newest"
    page: int = 1
    per_page: int = 20
    expand: bool = True  # also match related terms (listed in SearchResult.related)


@dataclass
class Hit:
    id: int
    score: float
    snippet: str
    fields: dict = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # query words this posting lacks

    @property
    def partial(self) -> bool:
        return bool(self.missing)


@dataclass
class SearchResult:
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    strict_total: int | None = None  # postings with every word (None: no words searched)
    related: list[str] = field(default_factory=list)  # synonyms and related terms also searched
    readings: list[str] = field(default_factory=list)  # words a kana query was read as


_QUOTES = re.compile(r'"([^"]*)"?|「([^」]*)」?|“([^”]*)”?')


@dataclass
class ParsedQuery:
    groups: list[list[tuple[str, bool]]]  # AND of OR-groups of (normalised text, is_phrase)
    excluded: list[tuple[str, bool]]
    required: set[str] = field(default_factory=set)  # words typed as +word


def parse(q: str) -> ParsedQuery:
    q = unicodedata.normalize("NFKC", q or "")
    parts: list[tuple[str, bool, bool]] = []  # (raw text, is_phrase, negated)
    pos = 0
    for m in _QUOTES.finditer(q):
        parts.extend(_words(q[pos : m.start()]))
        negated = m.start() > 0 and q[m.start() - 1] == "-"
        if negated and parts and parts[-1][0] == "":
            parts.pop()
        phrase = next(g for g in m.groups() if g is not None)
        parts.append((phrase, True, negated))
        pos = m.end()
    parts.extend(_words(q[pos:]))

    groups: list[list[tuple[str, bool]]] = []
    excluded: list[tuple[str, bool]] = []
    required: set[str] = set()
    join_next = False
    for raw, is_phrase, negated in parts:
        if not is_phrase and raw in ("OR", "|"):
            join_next = bool(groups)
            continue
        plus = not is_phrase and raw.startswith("+")
        text = normalize(raw[1:] if plus else raw)
        if plus:
            required.add(text)
        if not bigrams(text):
            continue
        if negated:
            excluded.append((text, is_phrase))
        elif join_next:
            groups[-1].append((text, is_phrase))
        else:
            groups.append([(text, is_phrase)])
        join_next = False
    return ParsedQuery(groups, excluded, required)


def _words(chunk: str) -> list[tuple[str, bool, bool]]:
    out = []
    for w in chunk.split():
        if w.startswith("+") and len(w) > 1:
            out.append((w, False, False))  # kept with its "+": parse() marks it required
        elif w == "-":
            out.append(("", False, True))  # a dangling "-" right before a quoted phrase
        elif w.startswith("-") and len(w) > 1:
            out.append((w[1:], False, True))
        else:
            out.append((w, False, False))
    return out
