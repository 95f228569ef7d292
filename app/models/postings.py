"""The kinds of posting, as joined-table inheritance on `postings`.

Common columns live on Posting; each kind's own fields live on its table, whose model class
is made from the kind's entry in the registry (app/models/kinds.py). Lists that are only
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
    REGISTRY,
    REQUEST_STATUSES,
    STAFF_EXCHANGE,
    Detail,
    Kind,
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
        """The kind's own free text, for the search index: its searched fields, a choice by
        its label."""
        kind = REGISTRY.get(self.kind)
        if kind is None:
            return ""
        return kind.text_joiner.join(_text_of(d, getattr(self, d.name)) for d in kind.details if d.searched)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.title[:20]}>"


def _text_of(detail: Detail, value) -> str:
    if detail.type is list:
        return " ".join(detail.choices[v] for v in value or [] if v in detail.choices)
    if detail.choices:
        return detail.choices.get(value, "")
    return value or ""


def _column(detail: Detail):
    """A kind's field as its table's column (the rules are in app/models/kinds.py's docstring)."""
    if detail.month:
        return mapped_column(String(7))
    if detail.type is date:
        return mapped_column(Date)
    if detail.type is int:
        return mapped_column(Integer, default=detail.default, nullable=detail.default is None)
    if detail.type is list:
        return mapped_column(JSON, default=list, nullable=False)
    if detail.choices:
        return mapped_column(String(20), default=detail.default, nullable=False, index=detail.indexed)
    text_type = Text if detail.multiline else String(detail.max_length)
    return mapped_column(text_type, default="", nullable=False, index=detail.indexed)


def _label(detail: Detail) -> property:
    return property(lambda self: detail.choices.get(getattr(self, detail.name), ""),
                    doc=f"The Japanese label of {detail.name} (N_: pages translate it).")


def _kind_model(kind: Kind) -> type[Posting]:
    """The model class of a kind, made from its registry entry: its table joined to
    `postings`, a column per field, and `<field>_label` for each choice."""
    attrs = {
        "__module__": __name__,
        "__doc__": kind.about,
        "__tablename__": kind.table,
        "__mapper_args__": {"polymorphic_identity": kind.key},
        "id": mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    }
    for detail in kind.details:
        attrs[detail.name] = _column(detail)
        if detail.choices and detail.type is str:
            attrs[f"{detail.name}_label"] = _label(detail)
    return type(kind.model, (Posting,), attrs)


POSTING_CLASSES: dict[str, type[Posting]] = {key: _kind_model(kind) for key, kind in REGISTRY.items()}
# The kinds by class name, for code that names one.
CaseStudy = POSTING_CLASSES[CASE_STUDY.key]
PartnershipRequest = POSTING_CLASSES[PARTNERSHIP_REQUEST.key]
DisasterOffer = POSTING_CLASSES[DISASTER_OFFER.key]
StaffExchange = POSTING_CLASSES[STAFF_EXCHANGE.key]
