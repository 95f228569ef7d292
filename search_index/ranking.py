"""Relevance ranking with bitmask arithmetic instead of per-document scoring loops.

Score of a document = sum over the query's groups (words) of the best of its features that
the document matches:  weight(feature) x idf(group) x section,  section = 3 in the title,
2 in the head (summary, places, labels), 1 elsewhere; idf is BM25's, of the postings that
match the group's word (or its synonyms), so a rare word counts more than a common one and a
posting matching 3 of 4 words scores above one matching 2. Postings that match every word
(strict matches) rank above all partial ones. Ties go to the newest posting.

Scores are integers held as bit planes (one mask per bit, bit-sliced addition), so a query
costs a few hundred big-int operations whatever the number of matches, and the top k are
found by descending the bit planes, not by sorting every match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .facets import ids_to_mask, mask_to_ids

SECTION = {"title_text": 3, "head_text": 2, "text": 1}
SCALE = 2.0  # score units per weight x (1 + idf); idf at 100k postings is at most ~12
MAX_VALUE = 127


def _add(a: list[int], b: list[int]) -> list[int]:
    """Bit-sliced addition of two per-document integers (lists of bit planes, LSB first)."""
    out, carry = [], 0
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else 0
        y = b[i] if i < len(b) else 0
        out.append(x ^ y ^ carry)
        carry = (x & y) | (carry & (x ^ y))
    if carry:
        out.append(carry)
    return out


def _constant(value: int, mask: int) -> list[int]:
    """Bit planes of `value` on the documents of `mask`, 0 elsewhere."""
    return [mask if value >> i & 1 else 0 for i in range(value.bit_length())]


def idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5)) if n else 0.0


@dataclass
class GroupMatch:
    any: int  # live documents matching the group through a feature that makes a candidate
    strong: int  # … through a feature that counts as the word being found
    features: list  # (feature, mask of live documents it matches in the text)


def match_group(view, group) -> GroupMatch:
    masks = [(f, view.plan_mask(f.node, "text") & view.live) for f in group.features]
    strong = anym = 0
    for f, m in masks:
        if f.strong:
            strong |= m
        if f.candidate:
            anym |= m
    return GroupMatch(anym, strong, masks)


def group_planes(view, match: GroupMatch, candidates: int) -> list[int]:
    """Each candidate's score for one group: its best feature x section only."""
    concept = match.strong or match.any
    weight_idf = 1 + idf(concept.bit_count(), view.live.bit_count())
    entries: list[tuple[int, int]] = []
    for f, m in match.features:
        m &= candidates
        if not m:
            continue
        title = view.plan_mask(f.node, "title_text") & m
        head = view.plan_mask(f.node, "head_text") & m & ~title
        for section, sm in (("title_text", title), ("head_text", head), ("text", m & ~title & ~head)):
            if sm:
                value = round(f.weight * weight_idf * SECTION[section] * SCALE)
                entries.append((min(MAX_VALUE, max(1, value)), sm))
    entries.sort(key=lambda e: -e[0])
    planes: list[int] = []
    remaining = candidates
    for value, m in entries:
        m &= remaining
        if m:
            planes = _add(planes, _constant(value, m))
            remaining &= ~m
    return planes


def rank_planes(view, groups, matches: list[GroupMatch], candidates: int, strict: int) -> list[int]:
    """Bit planes of every candidate's total score; `strict` documents (every word found) get
    one more bit above the rest when some candidates are partial."""
    planes: list[int] = []
    for match in matches:
        planes = _add(planes, group_planes(view, match, candidates))
    while planes and not planes[-1]:
        planes.pop()
    if strict and strict != candidates:
        planes.append(strict)
    return planes


def scores_of(planes: list[int], docnums: list[int], size: int) -> dict[int, int]:
    """{docnum: score} of the documents: one pass per plane over their mask, rather than a
    shift of every plane per document (each costs the size of the index)."""
    scores = dict.fromkeys(docnums, 0)
    chosen = ids_to_mask(docnums, size)
    for b, plane in enumerate(planes):
        for d in mask_to_ids(plane & chosen):
            scores[d] += 1 << b
    return scores


def top(view, planes: list[int], candidates: int, count: int) -> list[tuple[float, int]]:
    """Top `count` (score, docnum) among `candidates`, best first, newest first within a score."""
    if count <= 0 or not candidates:
        return []
    chosen = 0  # documents certainly in the top `count`
    need = count
    pool = candidates
    for plane in reversed(planes):
        hi = pool & plane
        n = hi.bit_count()
        if n >= need:
            pool = hi
        else:
            chosen |= hi
            need -= n
            pool &= ~plane
        if not need:
            break
    ts = view.timestamps()
    ids = mask_to_ids(chosen)
    if need and pool:
        ids += view.newest(pool, need, pool.bit_count())  # ties at the cut: newest first
    scores = scores_of(planes, ids, view.size)
    scored = [(scores[d], d) for d in ids]
    scored.sort(key=lambda sd: (sd[0], ts[sd[1]], sd[1]), reverse=True)
    return [(float(s), d) for s, d in scored[:count]]
