"""Case studies as stories for residents: featured, newest, related."""

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Category, Municipality, Posting
from app.services.postings.listing import ListFilters, filtered_postings


def newest_stories(user, limit: int = 6, exclude: set[int] | None = None) -> list[Posting]:
    stmt = filtered_postings(user, ListFilters(kind="case_study"))
    if exclude:
        stmt = stmt.where(Posting.id.not_in(exclude))
    return db.session.scalars(stmt.limit(limit)).unique().all()


def featured_stories(user, limit: int = 3, pool: int = 30) -> list[Posting]:
    """Among recent stories, those with a photo and with the most partner towns go first."""
    return _featured(newest_stories(user, limit=pool), limit)


def _featured(recent: list[Posting], limit: int) -> list[Posting]:
    ranked = sorted(recent, key=lambda p: (bool(p.image_url), len(p.partners)), reverse=True)
    return ranked[:limit]


def home_stories(user, featured: int = 3, newest: int = 6, pool: int = 30):
    """(featured, newest) for the home page from one query: the newest stories that are not
    featured come from the same pool of recent ones."""
    recent = newest_stories(user, limit=max(pool, featured + newest))
    chosen = _featured(recent, featured)
    shown = {p.id for p in chosen}
    return chosen, [p for p in recent if p.id not in shown][:newest]


def related_stories(user, posting: Posting, limit: int = 3) -> list[Posting]:
    """Visible stories sharing a theme or a town with `posting`; shared towns rank first."""
    towns = {posting.municipality_id} | {m.id for m in posting.partners}
    themes = [c.id for c in posting.categories]
    stmt = (
        filtered_postings(user, ListFilters(kind="case_study"))
        .where(Posting.id != posting.id)
        .where(
            or_(
                Posting.municipality_id.in_(towns),
                Posting.partners.any(Municipality.id.in_(towns)),
                Posting.categories.any(Category.id.in_(themes)),
            )
        )
        .limit(30)
    )
    candidates = db.session.scalars(stmt).unique().all()

    def score(p: Posting) -> int:
        shared_towns = len(({p.municipality_id} | {m.id for m in p.partners}) & towns)
        shared_themes = len({c.id for c in p.categories} & set(themes))
        return shared_towns * 2 + shared_themes

    return sorted(candidates, key=score, reverse=True)[:limit]


def lead_category(posting: Posting) -> str | None:
    return posting.categories[0].code if posting.categories else None


def categories() -> list[Category]:
    return db.session.scalars(select(Category).order_by(Category.position)).all()
