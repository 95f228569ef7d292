"""Document-number bitmasks (Python ints) for exact totals, filters and facet counts.

Bit i of a mask is document number i of one index generation. AND/OR/popcount on ints run
in C, so counting 100k documents against ~150 facet values costs well under a millisecond,
where iterating the matched documents in Python would cost tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable


def ids_to_mask(ids: Iterable[int], size: int) -> int:
    if size <= 0:
        return 0
    digits = bytearray(b"0" * size)
    last = size - 1
    for i in ids:
        digits[last - i] = 49  # "1"; int(…, 2) parses base 2 in linear time
    return int(digits, 2)


def full_mask(size: int) -> int:
    return (1 << size) - 1


def mask_to_ids(mask: int) -> list[int]:
    """Ascending document numbers of the set bits."""
    if not mask:
        return []
    s = format(mask, "b")
    last = len(s) - 1
    out = []
    find = s.find
    i = find("1")
    while i != -1:
        out.append(last - i)
        i = find("1", i + 1)
    out.reverse()
    return out


class MaskSet:
    """Read-only set view of a mask with O(1) membership (for a backend's result filter)."""

    def __init__(self, mask: int):
        self._bits = format(mask, "b") if mask else ""
        self._last = len(self._bits) - 1
        self._count = mask.bit_count()

    def __contains__(self, docnum: int) -> bool:
        return 0 <= docnum <= self._last and self._bits[self._last - docnum] == "1"

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return True  # an empty filter still filters everything out

    def __iter__(self):
        return iter(mask_to_ids(int(self._bits, 2) if self._bits else 0))


def facet_counts(
    base_by_facet: dict[str, int], values: dict[str, dict[str, int]]
) -> dict[str, list[tuple[str, int]]]:
    """Counts per facet value; base_by_facet[f] is the match set with every filter but f's."""
    out: dict[str, list[tuple[str, int]]] = {}
    for facet, base in base_by_facet.items():
        counts = [(v, (base & m).bit_count()) for v, m in values.get(facet, {}).items()]
        counts = [c for c in counts if c[1]]
        if facet == "year":
            counts.sort(key=lambda c: c[0], reverse=True)
        else:
            counts.sort(key=lambda c: (-c[1], c[0]))
        out[facet] = counts
    return out
