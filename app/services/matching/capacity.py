"""How many people an offer can take in: the stated number, or one read from the free text
(「避難者最大約300人（宿泊施設5施設）」 → about 300), so that offers without the number still rank
and say where the figure came from."""

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _

# A number of people: 300人, 約1,000人, 1.5万人 (not 人/月, 2人1組, 2人×3班: rates and teams).
_PEOPLE = re.compile(r"(約|およそ|概ね)?\s*(\d[\d,]*(?:\.\d+)?)\s*(万)?\s*人(?!\s*(?:/|／|1組|×|x|程度/))")
_CLAUSE = re.compile(r"[、。;；()【】・]|,\s")  # after NFKC: （）→() and ，→,
# Clauses about staff or teams: their head counts are not people to take in.
_STAFF_WORDS = re.compile(r"職員|保健師|技師|判定士|調査員|先遣隊|班|窓口|派遣|チーム|講師|スタッフ|支援員")


@dataclass(frozen=True)
class People:
    count: int
    approximate: bool  # 「約」 in the text
    from_text: bool  # read from the free text, not stated as a number

    def label(self) -> str:
        if self.approximate:
            return _("約%(count)s人", count=f"{self.count:,}")
        return _("%(count)s人", count=f"{self.count:,}")


def people_in_text(text: str | None) -> People | None:
    """The largest number of people named in the text outside clauses about staff, or None."""
    if not text:
        return None
    normalized = unicodedata.normalize("NFKC", text)
    best: People | None = None
    for clause in _CLAUSE.split(normalized):
        if _STAFF_WORDS.search(clause):
            continue
        for match in _PEOPLE.finditer(clause):
            number = float(match.group(2).replace(",", ""))
            if match.group(3):
                number *= 10_000
            count = int(number)
            if count <= 0:
                continue
            if best is None or count > best.count:
                approximate = bool(match.group(1)) or "約" in clause[: match.start(2)]
                best = People(count, approximate, from_text=True)
    return best


def offer_people(offer) -> People | None:
    """People a disaster offer can take in: `capacity_people` when stated, else from the text."""
    return people_of(getattr(offer, "capacity_people", None), offer.capacity)


def people_of(capacity_people: int | None, capacity: str | None) -> People | None:
    if capacity_people:
        return People(capacity_people, approximate=False, from_text=False)
    return people_in_text(capacity)
