"""Places in queries and texts: region names and their prefectures, and the municipalities a
text names (益城町 -> 熊本県), so that a prefecture or region finds postings about its towns."""

from __future__ import annotations

import re
from functools import lru_cache

from .analysis import _data_lines, normalize

# Municipality names end in one of these; scanning for them is much cheaper than matching
# 1,900 names everywhere.
_SUFFIX_RE = re.compile("[市町村区]")
_LONGEST_NAME = 8


@lru_cache(maxsize=1)
def regions() -> dict[str, tuple[str, ...]]:
    """normalised region name (東北, 北陸 …) -> its prefectures, as spelled in the data."""
    out = {}
    for line in _data_lines("places.tsv"):
        name, prefs = line.split("\t")
        out[normalize(name)] = tuple(prefs.split("|"))
    return out


@lru_cache(maxsize=1)
def prefecture_region() -> dict[str, str]:
    """prefecture -> its region among the eight of the app's facets (the first lines)."""
    out: dict[str, str] = {}
    for line in list(_data_lines("places.tsv"))[:8]:
        name, prefs = line.split("\t")
        for p in prefs.split("|"):
            out[p] = name
    return out


@lru_cache(maxsize=1)
def _normalized_prefectures() -> dict[str, str]:
    return {normalize(p): p for p in prefecture_region()}


def as_prefecture(term: str) -> str | None:
    """The prefecture a normalised query term names (熊本県, or 熊本 without 県/府/都), if any."""
    prefs = _normalized_prefectures()
    if term in prefs:
        return prefs[term]
    for suffix in ("県", "府", "都"):
        if term + suffix in prefs:
            return prefs[term + suffix]
    return None


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, tuple[str, ...]]:
    out = {}
    for line in _data_lines("gazetteer.tsv"):
        name, prefs = line.split("\t")
        out[normalize(name)] = tuple(prefs.split("|"))
    return out


def mentioned_prefectures(normalized_text: str) -> set[str]:
    """Prefectures of the municipalities named in the text (both, for a name two share)."""
    names = _gazetteer()
    found: set[str] = set()
    text = normalized_text
    for m in _SUFFIX_RE.finditer(text, 1):
        i = m.start()
        # The longest name ending here wins (北広島市 over 広島市).
        for start in range(max(0, i - _LONGEST_NAME + 1), i):
            prefs = names.get(text[start : i + 1])
            if prefs:
                found.update(prefs)
                break
    return found
