"""Public query/result types and the query-string parser.

The parser turns the user's string into a small backend-neutral plan (nested tuples) that a
backend evaluates into exact match bitmasks, per field: the whole text for matching, title and
head (summary, places, labels) for ranking. Syntax: AND by default, `OR` / `|` between terms, `-word` excludes,
"…" / 「…」 / “…” are phrases.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from .analysis import WORD_PREFIX, WordTokenizer, bigrams, display_spellings, expansions, normalize

FACET_NAMES = ("kind", "category", "prefecture", "region", "field", "status", "year", "request_status")


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


@dataclass
class Hit:
    id: int
    score: float
    snippet: str
    fields: dict = field(default_factory=dict)


@dataclass
class SearchResult:
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


# Plan nodes (tuples keep them hashable, so plans can key caches):
#   ("term", token) ("phrase", (tokens…)) ("prefix", text) ("and", (nodes…)) ("or", (nodes…))
#   ("syn", (as typed, synonym…))  -- matches like "or"; ranks the first member higher
#   ("maybe", required, optional)  -- optional only adds to the rank (word-boundary bonus)
#   ("andnot", positive, negative) ("all",)

_SEGMENTER = WordTokenizer()
_QUOTES = re.compile(r'"([^"]*)"?|「([^」]*)」?|“([^”]*)”?')


@dataclass
class ParsedQuery:
    groups: list[list[tuple[str, bool]]]  # AND of OR-groups of (normalised text, is_phrase)
    excluded: list[tuple[str, bool]]

    def highlight_terms(self) -> list[str]:
        """Strings to mark in snippets: positive terms with their synonym/alias expansions."""
        out: list[str] = []
        for group in self.groups:
            for text, is_phrase in group:
                out.extend([text] if is_phrase else expansions(text))
                if not is_phrase and len(text) > 2:
                    out.extend(_SEGMENTER.content_segments(text))
        return [t for t in dict.fromkeys(out) if t]


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
    join_next = False
    for raw, is_phrase, negated in parts:
        if not is_phrase and raw in ("OR", "|"):
            join_next = bool(groups)
            continue
        text = normalize(raw)
        if not bigrams(text):
            continue
        if negated:
            excluded.append((text, is_phrase))
        elif join_next:
            groups[-1].append((text, is_phrase))
        else:
            groups.append([(text, is_phrase)])
        join_next = False
    return ParsedQuery(groups, excluded)


def related_terms(q: str) -> list[str]:
    """What the search also matches for the query's (non-phrase, non-excluded) terms: the
    other members of their synonym groups and the current name of a former municipality name,
    spelled as in the data files, without the terms as typed."""
    parsed = parse(q)
    typed = [(text, is_phrase) for group in parsed.groups for text, is_phrase in group]
    own = {text for text, _ in typed}
    spellings = display_spellings()
    out: list[str] = []
    for text, is_phrase in typed:
        if is_phrase:
            continue  # phrases are matched as written, never expanded
        out.extend(spellings.get(alt, alt) for alt in expansions(text) if alt not in own)
    return list(dict.fromkeys(out))


def _words(chunk: str) -> list[tuple[str, bool, bool]]:
    out = []
    for w in chunk.split():
        if w == "-":
            out.append(("", False, True))  # a dangling "-" right before a quoted phrase
        elif w.startswith("-") and len(w) > 1:
            out.append((w[1:], False, True))
        else:
            out.append((w, False, False))
    return out


def _term_plan(text: str, is_phrase: bool, words: WordTokenizer):
    if is_phrase:
        toks = bigrams(text)
        return ("phrase", tuple(toks)) if len(toks) > 1 else ("term", toks[0])
    alts = []
    for alt in expansions(text):
        toks = list(dict.fromkeys(t for seg in words.content_segments(alt) for t in bigrams(seg)))
        if not toks:
            continue
        if len(toks) == 1 and len(toks[0]) == 1 and toks[0] > "z":
            # A one-character CJK term is only indexed inside bigrams: match those too.
            alts.append(("or", (("term", toks[0]), ("prefix", toks[0]))))
            continue
        node = ("term", toks[0]) if len(toks) == 1 else ("and", tuple(("term", t) for t in toks))
        wtoks = [WORD_PREFIX + w for w in dict.fromkeys(words.words(alt))]
        if wtoks:  # dictionary words reward real word boundaries (京都 vs 東京都)
            node = ("maybe", node, ("or", tuple(("term", w) for w in wtoks)))
        alts.append(node)
    if not alts:
        return None
    # "syn" matches like "or"; the ranker favours its first member, the term as typed.
    return alts[0] if len(alts) == 1 else ("syn", tuple(alts))


def build_plan(parsed: ParsedQuery, words: WordTokenizer):
    """(plan for the text part of a query or None when there is no text, positive clauses).

    Each positive clause is one AND-ed query group; the ranker scores documents by the
    section in which each clause matches."""
    clauses = []
    for group in parsed.groups:
        nodes = [n for n in (_term_plan(t, p, words) for t, p in group) if n]
        if nodes:
            clauses.append(nodes[0] if len(nodes) == 1 else ("or", tuple(nodes)))
    nots = [n for n in (_term_plan(t, p, words) for t, p in parsed.excluded) if n]
    if not clauses and not nots:
        return None, []
    positive = ("all",) if not clauses else clauses[0] if len(clauses) == 1 else ("and", tuple(clauses))
    if nots:
        return ("andnot", positive, nots[0] if len(nots) == 1 else ("or", tuple(nots))), clauses
    return positive, clauses
