"""The numbers behind /stats, each a table (columns, rows) straight from the database.

Public figures count published postings anyone may see; logged-in officials also count
officials-only ones and see contact figures by municipality. Pages, charts and CSV downloads
all read these same tables, so what is drawn is what is downloaded.
"""

import statistics
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import permissions
from app.extensions import db
from app.i18n import category_label, translated
from app.models import REGIONS, Category, Municipality, Posting, Thread
from app.models.kinds import KINDS, kind_name
from app.models.postings import posting_categories
from app.permissions import visible_postings
from app.services.stats.outcomes import matches_made
from app.timestamps import to_jst


@dataclass
class Table:
    name: str  # URL slug of its CSV
    title: str
    columns: list[str]
    rows: list[list]
    chart: str = "bar"  # bar | grouped | column | none
    officials_only: bool = False
    note: str = ""
    series: list[int] = field(default_factory=lambda: [1])  # value columns drawn


def _published(user):
    return visible_postings(user).where(Posting.status == "published")


def by_kind(user) -> Table:
    counts = dict(db.session.execute(
        _published(user).with_only_columns(Posting.kind, func.count(Posting.id)).group_by(Posting.kind)
    ).all())
    return Table("kinds", _l("種類別の投稿数"), [_l("種類"), _l("投稿数")],
                 [[kind_name(kind), counts.get(kind, 0)] for kind in KINDS])


def by_category(user) -> Table:
    visible = _published(user).with_only_columns(Posting.id).subquery()
    counts = dict(db.session.execute(
        select(posting_categories.c.category_id, func.count(posting_categories.c.posting_id))
        .where(posting_categories.c.posting_id.in_(select(visible.c.id)))
        .group_by(posting_categories.c.category_id)
    ).all())
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    return Table(
        "categories", _l("カテゴリ別：アンケートで要望した自治体の数と、架け橋の投稿数"),
        [_l("コード"), _l("カテゴリ"), _l("アンケートで要望した自治体数"), _l("架け橋の投稿数")],
        [[c.code, category_label(c.code, c.label), c.survey_count, counts.get(c.id, 0)] for c in categories],
        chart="grouped", series=[2, 3],
        note=_l("アンケートの数は「全国市町村アンケート結果について（詳細版）」の提案分類ごとの回答数です。"
                "1件の投稿が複数のカテゴリに当たることがあります。"),
    )


def by_region(user) -> Table:
    counts = dict(db.session.execute(
        _published(user).join(Municipality, Posting.municipality_id == Municipality.id)
        .with_only_columns(Municipality.region, func.count(Posting.id)).group_by(Municipality.region)
    ).all())
    return Table("regions", _l("地域別の投稿数（投稿した自治体の地域）"), [_l("地域"), _l("投稿数")],
                 [[translated(region), counts.get(region, 0)] for region in REGIONS])


def by_month(user) -> Table:
    """Postings by month of publication (Japan time), from the first month to the last."""
    months: Counter = Counter()
    stmt = _published(user).with_only_columns(Posting.published_at).where(Posting.published_at.is_not(None))
    for (published,) in db.session.execute(stmt.execution_options(yield_per=2000)):
        local = to_jst(published)
        months[(local.year, local.month)] += 1
    rows = []
    if months:
        (year, month), last = min(months), max(months)
        while (year, month) <= last:
            rows.append([f"{year}-{month:02d}", months[(year, month)]])
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return Table("months", _l("月別の公開数"), [_l("月"), _l("公開された投稿数")], rows, chart="column")


def outcomes(user) -> Table:
    # One statement for the two counts (the page has several tables to draw).
    published = _published(user).with_only_columns(func.count(Posting.id))
    total, requests = db.session.execute(select(
        published.scalar_subquery(),
        published.where(Posting.kind == "partnership_request").scalar_subquery(),
    )).one()
    return Table("outcomes", _l("連携の成果"), [_l("項目"), _l("件数")], [
        [_l("公開中の投稿"), total or 0],
        [_l("連携の募集"), requests or 0],
        [_l("成立した連携（マッチング）"), matches_made(user)],
    ], chart="none")


def contact_by_municipality(user) -> Table:
    """Officials only: threads and the median hours to a first reply, per municipality."""
    rows = db.session.execute(
        select(Municipality.code, Municipality.name, Municipality.prefecture, Thread.created_at,
               Thread.first_reply_at)
        .join(Thread, Thread.municipality_id == Municipality.id)
        .order_by(Municipality.code)
    ).all()
    per: dict[str, dict] = {}
    for code, name, prefecture, created, replied in rows:
        entry = per.setdefault(code, {"name": name, "prefecture": prefecture, "threads": 0, "hours": []})
        entry["threads"] += 1
        if replied is not None:
            entry["hours"].append((replied - created).total_seconds() / 3600)
    table_rows = [
        [code, e["name"], e["prefecture"], e["threads"], len(e["hours"]),
         round(statistics.median(e["hours"]), 1) if e["hours"] else ""]
        for code, e in per.items()
    ]
    table_rows.sort(key=lambda r: (-r[3], r[0]))
    return Table("contact", _l("自治体別のお問い合わせと初回返信までの時間（中央値）"),
                 [_l("団体コード"), _l("自治体"), _l("都道府県"), _l("お問い合わせ"), _l("返信済み"), _l("初回返信までの時間（中央値・時間）")],
                 table_rows, chart="none", officials_only=True)


PUBLIC_TABLES = {"outcomes": outcomes, "kinds": by_kind, "categories": by_category,
                 "regions": by_region, "months": by_month}
OFFICIAL_TABLES = {"contact": contact_by_municipality}


def tables(user) -> list[Table]:
    builders = dict(PUBLIC_TABLES)
    if permissions.is_official(user):
        builders.update(OFFICIAL_TABLES)
    return [build(user) for build in builders.values()]


def table(user, name: str) -> Table | None:
    """One table by its name; None if unknown or not for this user."""
    build = PUBLIC_TABLES.get(name) or (OFFICIAL_TABLES.get(name) if permissions.is_official(user) else None)
    return build(user) if build else None
