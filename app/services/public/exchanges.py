"""Counts for the map and the exchange records, all through visible_postings (one rule)."""

from sqlalchemy import distinct, func, select, union_all

from app.extensions import db
from app.models import Municipality, Posting
from app.models.geo import PREFECTURES
from app.models.postings import posting_partners
from app.permissions import visible_postings
from app.services.postings.listing import ids_involving


def _involvement(user, among=None):
    """(posting_id, municipality_id) for every owner and partner of a posting the user may see
    (of the postings whose ids `among` selects, if given)."""
    visible = visible_postings(user).with_only_columns(Posting.id, Posting.municipality_id)
    if among is not None:
        visible = visible.where(Posting.id.in_(among))
    visible = visible.subquery()
    owners = select(visible.c.id.label("posting_id"), visible.c.municipality_id.label("muni_id"))
    partners = select(
        posting_partners.c.posting_id.label("posting_id"),
        posting_partners.c.municipality_id.label("muni_id"),
    ).where(posting_partners.c.posting_id.in_(select(visible.c.id)))
    return union_all(owners, partners).subquery()


def prefecture_counts(user) -> dict[str, int]:
    """Exchanges per prefecture: postings owned by or partnering with its municipalities.

    A posting counts once per prefecture, however many of its towns are there.
    """
    inv = _involvement(user)
    rows = db.session.execute(
        select(Municipality.prefecture, func.count(distinct(inv.c.posting_id)))
        .join(inv, inv.c.muni_id == Municipality.id)
        .group_by(Municipality.prefecture)
    ).all()
    counts = dict.fromkeys(PREFECTURES, 0)
    counts.update({pref: n for pref, n in rows})
    return counts


def shade_steps(counts: dict[str, int], steps: int = 4) -> list[tuple[int, int]]:
    """Legend bins (low, high) for counts above zero, split at quantiles so that one busy
    prefecture (Tokyo) does not wash every other one out. Zero has its own colour."""
    values = sorted(v for v in counts.values() if v > 0)
    if not values:
        return []
    cuts = sorted({values[min(len(values) - 1, (len(values) * i) // steps)] for i in range(1, steps)})
    bins, low = [], 1
    for cut in cuts:
        if cut >= low and cut < values[-1]:
            bins.append((low, cut))
            low = cut + 1
    bins.append((low, values[-1]))
    return bins


def shade_level(count: int, bins: list[tuple[int, int]]) -> int:
    """0 for none, else the 1-based bin the count falls in."""
    for level, (low, high) in enumerate(bins, start=1):
        if low <= count <= high:
            return level
    return 0


def partners_of(user, muni: Municipality) -> list[tuple[Municipality, int]]:
    """Municipalities that share a posting with `muni` the user may see, with how many."""
    inv = _involvement(user, among=ids_involving(muni.id))
    rows = db.session.execute(
        select(Municipality, func.count(distinct(inv.c.posting_id)).label("n"))
        .join(inv, inv.c.muni_id == Municipality.id)
        .where(Municipality.id != muni.id)
        .group_by(Municipality.id)
    ).all()
    return sorted(((m, n) for m, n in rows), key=lambda x: (-x[1], x[0].code))


def ward_exchange_record(user) -> dict[str, list[tuple[Municipality, list[Municipality], int]]]:
    """特別区と交流実績がある市町村一覧: non-ward municipalities sharing a posting with a ward.

    By prefecture (official order): (municipality, the wards, number of shared postings).
    """
    inv = _involvement(user)
    ward_side = select(inv.c.posting_id, inv.c.muni_id).join(
        Municipality, Municipality.id == inv.c.muni_id
    ).where(Municipality.kind == "special_ward").subquery()
    inv2 = _involvement(user)
    rows = db.session.execute(
        select(inv2.c.muni_id, ward_side.c.muni_id, inv2.c.posting_id)
        .join(ward_side, ward_side.c.posting_id == inv2.c.posting_id)
        .join(Municipality, Municipality.id == inv2.c.muni_id)
        .where(Municipality.kind != "special_ward")
    ).all()
    wards_of: dict[int, set[int]] = {}
    postings_of: dict[int, set[int]] = {}
    for muni_id, ward_id, posting_id in rows:
        wards_of.setdefault(muni_id, set()).add(ward_id)
        postings_of.setdefault(muni_id, set()).add(posting_id)
    ids = set(wards_of) | {w for ws in wards_of.values() for w in ws}
    munis = {m.id: m for m in db.session.scalars(select(Municipality).where(Municipality.id.in_(ids)))}
    record: dict[str, list] = {}
    for muni_id in sorted(wards_of, key=lambda i: munis[i].code):
        m = munis[muni_id]
        wards = sorted((munis[w] for w in wards_of[muni_id]), key=lambda w: w.code)
        record.setdefault(m.prefecture, []).append((m, wards, len(postings_of[muni_id])))
    return {pref: record[pref] for pref in PREFECTURES if pref in record}


def participating(user) -> list[tuple[Municipality, int]]:
    """Municipalities that own or partner in a posting the user may see, with how many."""
    inv = _involvement(user)
    rows = db.session.execute(
        select(Municipality, func.count(distinct(inv.c.posting_id)))
        .join(inv, inv.c.muni_id == Municipality.id)
        .group_by(Municipality.id)
        .order_by(Municipality.code)
    ).all()
    return [(m, n) for m, n in rows]
