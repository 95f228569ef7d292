"""Partnerships made: what the platform led to, the figure municipalities asked to see.

Until the matching records (issue 12) land, a partnership made is a partnership request marked
matched (`request_status="matched"`). `matches_made` is the one place to switch to them.
"""

from sqlalchemy import func

from app.extensions import db
from app.models import PartnershipRequest, Posting
from app.permissions import visible_postings


def matches_made(user) -> int:
    """How many partnerships were made, counted over the postings `user` may see."""
    stmt = visible_postings(user).where(
        Posting.kind == "partnership_request", Posting.status != "draft",
        PartnershipRequest.request_status == "matched",
    ).with_only_columns(func.count(Posting.id))
    return db.session.scalar(stmt) or 0
