"""Listing postings with filters: the list pages, feeds and stories build on this."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Category, Municipality, Posting
from app.models.postings import PartnershipRequest
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
        stmt = stmt.where(
            or_(
                Posting.municipality_id == filters.municipality_id,
                Posting.partners.any(Municipality.id == filters.municipality_id),
            )
        )
    if filters.status in ("open", "matched", "closed"):
        stmt = stmt.where(PartnershipRequest.request_status == filters.status)
    elif filters.status in ("draft", "published", "archived"):
        stmt = stmt.where(Posting.status == filters.status)
    elif not filters.status:
        stmt = stmt.where(Posting.status != "archived")
    order = func.coalesce(Posting.published_at, Posting.created_at).desc()
    return stmt.order_by(order, Posting.id.desc())


def _involves(condition):
    return or_(Posting.municipality.has(condition), Posting.partners.any(condition))


def count_visible(user, **criteria) -> int:
    stmt = visible_postings(user).filter_by(**criteria)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def get_posting(posting_id: int) -> Posting | None:
    """One posting with every relation its page shows, in one query (the caller checks who
    may see it)."""
    return db.session.get(Posting, posting_id, options=[
        joinedload(Posting.categories), joinedload(Posting.partners), joinedload(Posting.tags)
    ])
