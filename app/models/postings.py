"""The four kinds of posting, as joined-table inheritance on `postings`.

Common columns live on Posting; each kind's own fields live on its table. Lists that are only
ever read whole (offer types, regions) are JSON columns, which work on SQLite and PostgreSQL.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.i18n import N_
from app.models.base import utcnow
from app.models.kinds import (  # noqa: F401  (the kinds' registry; these names are imported from here)
    CASE_STUDY,
    DIRECTIONS,
    DISASTER_OFFER,
    KIND_SLUGS,
    KINDS,
    MAX_CAPACITY_PEOPLE,
    OFFER_TYPES,
    PARTNER_TYPES,
    PARTNERSHIP_REQUEST,
    REQUEST_STATUSES,
    STAFF_EXCHANGE,
)

STATUSES = {"draft": N_("下書き"), "published": N_("公開中"), "archived": N_("アーカイブ")}
VISIBILITIES = {"public": N_("一般公開"), "officials": N_("自治体職員のみ")}

posting_categories = Table(
    "posting_categories",
    db.metadata,
    Column("posting_id", ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)
posting_tags = Table(
    "posting_tags",
    db.metadata,
    Column("posting_id", ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)
posting_partners = Table(
    "posting_partners",
    db.metadata,
    Column("posting_id", ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_posting_partners_municipality_id", "municipality_id"),  # a town's postings as partner
)


class Category(db.Model):
    """A survey theme (A-1 … A-10 about residents and firms, B-1 … B-11 about governments)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    group: Mapped[str] = mapped_column(String(2))
    group_label: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(60))
    survey_count: Mapped[int] = mapped_column(Integer, default=0)
    examples: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<Category {self.code} {self.label}>"


class Tag(db.Model):
    """A free-form field tag (防災, 観光, 子育て …)."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


class Posting(db.Model):
    __tablename__ = "postings"
    __table_args__ = (
        UniqueConstraint("external_id"),
        # The lists' order (services/postings/listing.py): pages are read in order, not sorted.
        Index("ix_postings_shown_at", text("coalesce(published_at, created_at)"), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    visibility: Mapped[str] = mapped_column(String(20), default="public", index=True)
    image_url: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # Every card of a posting shows its towns and themes: the owner and the contact come in the
    # same query ("joined"), the lists one query each for a whole page ("selectin"), so a page's
    # statement count does not grow with the postings it shows.
    municipality = relationship("Municipality", lazy="joined", innerjoin=True)
    officer = relationship("Officer", lazy="joined", innerjoin=True)
    created_by = relationship("User")
    categories = relationship("Category", secondary=posting_categories, order_by="Category.position",
                              lazy="selectin")
    tags = relationship("Tag", secondary=posting_tags, order_by="Tag.name")
    partners = relationship("Municipality", secondary=posting_partners, order_by="Municipality.code",
                            lazy="selectin")

    __mapper_args__ = {"polymorphic_on": "kind", "with_polymorphic": "*"}

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def visibility_label(self) -> str:
        return VISIBILITIES[self.visibility]

    @property
    def is_public(self) -> bool:
        """Visible to anyone without logging in."""
        return self.status == "published" and self.visibility == "public"


    def detail_text(self) -> str:
        """The kind's own free text, for the search index."""
        return ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.title[:20]}>"



class CaseStudy(Posting):
    """連携・交流事例: what two or more governments did together, and what came of it."""

    __tablename__ = "case_studies"
    __mapper_args__ = {"polymorphic_identity": CASE_STUDY.key}

    id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    period_start: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM
    period_end: Mapped[str | None] = mapped_column(String(7))
    activities: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")


    def detail_text(self) -> str:
        return "\n".join([self.activities, self.outcomes, self.challenges])


class PartnershipRequest(Posting):
    """連携の募集: a municipality looking for partners."""

    __tablename__ = "partnership_requests"
    __mapper_args__ = {"polymorphic_identity": PARTNERSHIP_REQUEST.key}

    id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    sought: Mapped[str] = mapped_column(Text, default="")
    partner_type: Mapped[str] = mapped_column(String(20), default="any")
    wished_regions: Mapped[list] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    request_status: Mapped[str] = mapped_column(String(20), default="open", index=True)

    @property
    def request_status_label(self) -> str:
        return REQUEST_STATUSES[self.request_status]


    def detail_text(self) -> str:
        return self.sought


class DisasterOffer(Posting):
    """災害時相互協力: supplies, staff, funds, accepting evacuees, evacuation sites (疎開先)."""

    __tablename__ = "disaster_offers"
    __mapper_args__ = {"polymorphic_identity": DISASTER_OFFER.key}

    id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    offer_types: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[str] = mapped_column(Text, default="")
    # People the offer can take in (evacuees, 疎開先), when the municipality states a number.
    capacity_people: Mapped[int | None] = mapped_column(Integer)
    regions_covered: Mapped[list] = mapped_column(JSON, default=list)
    conditions: Mapped[str] = mapped_column(Text, default="")
    valid_until: Mapped[date | None] = mapped_column(Date)

    @property
    def offer_type_labels(self) -> list[str]:
        return [OFFER_TYPES[t] for t in self.offer_types or [] if t in OFFER_TYPES]


    def detail_text(self) -> str:
        return "\n".join([" ".join(self.offer_type_labels), self.capacity, self.conditions])


class StaffExchange(Posting):
    """人事交流・職員派遣: sending or accepting staff for a period."""

    __tablename__ = "staff_exchanges"
    __mapper_args__ = {"polymorphic_identity": STAFF_EXCHANGE.key}

    id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(20), default="dispatch")
    work_field: Mapped[str] = mapped_column(String(200), default="")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    duration_months: Mapped[int] = mapped_column(Integer, default=12)
    start_date: Mapped[date | None] = mapped_column(Date)


    def detail_text(self) -> str:
        return f"{DIRECTIONS.get(self.direction, '')} {self.work_field}"


POSTING_CLASSES: dict[str, type[Posting]] = {
    cls.__mapper_args__["polymorphic_identity"]: cls
    for cls in (CaseStudy, PartnershipRequest, DisasterOffer, StaffExchange)
}
