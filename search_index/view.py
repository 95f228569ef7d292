"""What every backend's reader offers the engine: bitmasks of one index generation.

A backend's view provides `live` (mask of live documents), `term_mask(field, token)`,
`terms_with_prefix(field, prefix)`, `facet_values()`, `timestamps()` and `newest()`; this base
class evaluates match nodes (see plan.py) and date ranges on top of them, with a cache per
generation.
"""

from __future__ import annotations

from collections import OrderedDict

from .facets import ids_to_mask

PREFIX_TERMS = 1024


class LRU(OrderedDict):
    """A small least-recently-used cache: get_or(key, make)."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or(self, key, make):
        try:
            self.move_to_end(key)
            return self[key]
        except KeyError:
            value = self[key] = make()
            if len(self) > self.size:
                self.popitem(last=False)
            return value



class MaskView:
    live: int
    size: int
    cache: LRU

    def range_mask(self, lo: int, hi: int) -> int:
        def make():
            return ids_to_mask((d for d, t in enumerate(self.timestamps()) if lo <= t <= hi), self.size)

        return self.cache.get_or(("range", lo, hi), make)

    def plan_mask(self, plan, field: str = "text") -> int:
        kind = plan[0]
        if kind == "term":
            return self.term_mask(field, plan[1])
        if kind == "and":
            mask = -1
            for sub in plan[1]:
                mask &= self.plan_mask(sub, field)
                if not mask:
                    break
            return mask & self.live
        if kind in ("or", "syn"):
            mask = 0
            for sub in plan[1]:
                mask |= self.plan_mask(sub, field)
            return mask
        if kind == "maybe":
            return self.plan_mask(plan[1], field)
        if kind == "andnot":
            return self.plan_mask(plan[1], field) & ~self.plan_mask(plan[2], field)
        if kind == "all":
            return self.live
        if kind == "prefix":
            def prefix_mask():
                mask = 0
                # Bounded: a one-character query must not read the whole vocabulary.
                for t in self.terms_with_prefix(field, plan[1], limit=PREFIX_TERMS):
                    mask |= self.term_mask(field, t)
                return mask

            return self.cache.get_or(("prefix", field, plan[1]), prefix_mask)
        if kind == "phrase":
            # All overlapping bigrams of the phrase: equal to substring matching except when
            # every bigram occurs separately, which is rare for real phrases (see docs/search.md).
            mask = -1
            for tok in plan[1]:
                mask &= self.term_mask(field, tok)
            return mask & self.live
        raise ValueError(f"unknown plan node {kind!r}")

