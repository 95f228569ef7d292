"""Backend-neutral shape of an indexed posting: weighted text sections, facet terms, stored
fields. A backend maps this onto its own schema."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from .analysis import normalize
from .places import mentioned_prefectures, prefecture_region

# Sections whose matches rank above the body: the title first, then this "head". Places are
# here so that 石川県 ranks a posting whose partner is 輪島市 (石川県) like a summary match.
HEAD_SECTIONS = frozenset({"summary", "places", "labels"})
# Sections that also get dictionary words. The rest is bigram-only: word segmentation of every
# body costs more indexing time than it returns in ranking quality (see docs/search.md).
WORD_SECTIONS = frozenset({"title", "summary"})

# Facet name -> term prefix in the facet field. "visibility", "muni" and "owner" are filters only.
FACET_PREFIX = {
    "kind": "kind=",
    "category": "cat=",
    "prefecture": "pref=",
    "region": "region=",
    "field": "field=",
    "status": "status=",
    "year": "year=",
    "request_status": "req=",
}
# Version of what prepare() indexes. Bump it when documents get new terms (2: request_status,
# 3: readings and the places a text mentions):
# an index written with another version is unhealthy, so the app rebuilds it.
INDEX_FORMAT = "3"
FORMAT_FILE = "FORMAT"
VISIBILITY_PREFIX = "vis="
MUNI_PREFIX = "muni="

STORED_FIELDS = ("kind", "title", "municipality_code", "municipality_name", "external_id")

_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# Markers at the start of a line, emphasis and table marks, and HTML tags (only what looks
# like one: "50万円<100万円 … >" is text and stays).
_MD_MARKS = re.compile(r"(^|\n)\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+|[*_`~|]+|</?[A-Za-z][^>\n]*>")


def markdown_to_text(md: str) -> str:
    """Plain text of Markdown (not a renderer: syntax only), as typed: for the index and its
    snippets, and for the app's summaries and matching queries (one conversion everywhere)."""
    if not md:
        return ""
    text = _MD_IMAGE.sub(r"\1", md)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_MARKS.sub(lambda m: m.group(1) or " ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def mentioned_places(text: str) -> str:
    """Prefectures and regions of the municipalities a text names (益城町 -> 熊本県 九州・沖縄),
    so that a prefecture finds postings about its towns (matched like the body)."""
    prefs = sorted(mentioned_prefectures(normalize(text)))
    regions = sorted({prefecture_region()[p] for p in prefs})
    return " ".join(prefs + regions)


def _clean(value: str) -> str:
    return str(value).replace(",", " ").strip()


def published_timestamp(value) -> int:
    """Seconds since the epoch, 0 when unpublished (sorts last under "newest")."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp())
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp())
    return int(value)


def date_timestamp(value: date, end: bool = False) -> int:
    if isinstance(value, datetime):
        return published_timestamp(value)
    ts = published_timestamp(value)
    return ts + 86399 if end else ts


def prepare(doc: dict) -> dict:
    """Document dict (see README of the interface) -> sections, facet terms, stored fields."""
    body = markdown_to_text(doc.get("body") or "")
    places = [
        doc.get("municipality_name"), doc.get("municipality_kana"), doc.get("prefecture"),
        doc.get("region"), *(doc.get("partner_names") or []),
        *(doc.get("partner_prefectures") or []), *(doc.get("partner_regions") or []),
    ]
    labels = [*(doc.get("category_labels") or []), *(doc.get("fields") or [])]
    texts = [doc.get("title") or "", doc.get("summary") or "", doc.get("extra_text") or "", body]
    sections = [
        ("title", texts[0]),
        ("summary", texts[1]),
        ("places", " ".join(p for p in places if p)),
        ("labels", " ".join(labels)),
        ("extra", texts[2]),
        ("body", body),
        ("mentioned", mentioned_places("\n".join(texts))),
    ]
    published = doc.get("published_at")
    prefectures = {doc.get("prefecture"), *(doc.get("partner_prefectures") or [])}
    regions = {doc.get("region"), *(doc.get("partner_regions") or [])}
    codes = {doc.get("municipality_code"), *(doc.get("partner_codes") or [])}
    terms = [FACET_PREFIX["kind"] + _clean(doc.get("kind") or "")]
    terms += [FACET_PREFIX["category"] + _clean(c) for c in doc.get("categories") or []]
    terms += [FACET_PREFIX["prefecture"] + _clean(p) for p in prefectures if p]
    terms += [FACET_PREFIX["region"] + _clean(r) for r in regions if r]
    terms += [FACET_PREFIX["field"] + _clean(f) for f in doc.get("fields") or []]
    terms.append(FACET_PREFIX["status"] + _clean(doc.get("status") or "published"))
    terms.append(VISIBILITY_PREFIX + _clean(doc.get("visibility") or "officials"))
    if doc.get("request_status"):  # partnership requests only
        terms.append(FACET_PREFIX["request_status"] + _clean(doc["request_status"]))
    if published is not None:
        terms.append(FACET_PREFIX["year"] + str(published.year))
    terms += [MUNI_PREFIX + _clean(c) for c in codes if c]
    stored = {k: doc.get(k) for k in STORED_FIELDS}
    stored["summary"] = doc.get("summary") or ""
    stored["extra_text"] = doc.get("extra_text") or ""
    stored["body_text"] = body
    return {
        "id": int(doc["id"]),
        "sections": sections,
        "facet_terms": sorted(set(terms)),
        "stored": stored,
        "published_ts": published_timestamp(published),
    }
