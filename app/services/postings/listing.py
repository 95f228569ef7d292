"""Listing postings with filters: the list pages, feeds and stories build on this."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import aliased, contains_eager

from app.extensions import db
from app.models import Category, Municipality, Posting, Tag
from app.models.postings import (
    PartnershipRequest,
    posting_categories,
    posting_partners,
    posting_tags,
)
from app.permissions import visible_postings


@dataclass
class ListFilters:
    kind: str | None = None
    category: str | None = None
    prefecture: str | None = None
    region: str | None = None
    status: str | None = None  # publication status; request status for partnership requests
    municipality_id: int | None = None
    sort: str = "newest"


def filtered_postings(user, filters: ListFilters) -> Select:
    stmt = visible_postings(user)
    if filters.kind:
        stmt = stmt.where(Posting.kind == filters.kind)
    if filters.category:
        stmt = stmt.where(Posting.categories.any(Category.code == filters.category))
    # A place filter matches the owner or any partner: an exchange belongs to both towns' areas.
    if filters.prefecture:
        stmt = stmt.where(_involves(Municipality.prefecture == filters.prefecture))
    if filters.region:
        stmt = stmt.where(_involves(Municipality.region == filters.region))
    if filters.municipality_id:
        stmt = stmt.where(Posting.id.in_(ids_involving(filters.municipality_id)))
    if filters.status in ("open", "matched", "closed"):
        stmt = stmt.where(PartnershipRequest.request_status == filters.status)
    elif filters.status in ("draft", "published", "archived"):
        stmt = stmt.where(Posting.status == filters.status)
    elif not filters.status:
        stmt = stmt.where(Posting.status != "archived")
    order = func.coalesce(Posting.published_at, Posting.created_at).desc()
    return stmt.order_by(order, Posting.id.desc())


def ids_involving(municipality_id: int):
    """Ids of the postings a town owns or is a partner of, found by key: a test of every
    posting in the lists' order would read them all for a town with few postings."""
    postings = Posting.__table__
    return union(
        select(postings.c.id).where(postings.c.municipality_id == municipality_id),
        select(posting_partners.c.posting_id).where(posting_partners.c.municipality_id == municipality_id),
    )


def _involves(condition):
    return or_(Posting.municipality.has(condition), Posting.partners.any(condition))


def count_visible(user, **criteria) -> int:
    stmt = visible_postings(user).filter_by(**criteria)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def get_posting(posting_id: int) -> Posting | None:
    """One posting with every relation its page shows, in one query (the caller checks who
    may see it).

    The link tables are joined flat, on their keys: the nested outer joins an eager load of a
    `secondary` relation makes (`LEFT JOIN (posting_categories JOIN categories)`) had SQLite
    read each link table whole for one posting. Ordering by each collection's own order keeps
    every collection in that order across the rows the joins multiply.
    """
    partner = aliased(Municipality)
    stmt = (
        select(Posting)
        .where(Posting.id == posting_id)
        .outerjoin(posting_categories, posting_categories.c.posting_id == Posting.id)
        .outerjoin(Category, Category.id == posting_categories.c.category_id)
        .outerjoin(posting_partners, posting_partners.c.posting_id == Posting.id)
        .outerjoin(partner, partner.id == posting_partners.c.municipality_id)
        .outerjoin(posting_tags, posting_tags.c.posting_id == Posting.id)
        .outerjoin(Tag, Tag.id == posting_tags.c.tag_id)
        .options(contains_eager(Posting.categories), contains_eager(Posting.partners.of_type(partner)),
                 contains_eager(Posting.tags))
        .order_by(Category.position, partner.code, Tag.name)
    )
    return db.session.scalars(stmt).unique().first()
