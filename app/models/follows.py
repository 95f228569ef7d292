"""Following what matters: saved searches and follows, the digests they produce, job runs.

A `Follow` is either a saved search (words and search filters, matched through the search
engine) or a plain follow of a category, region, prefecture, municipality or kind (matched
with database filters). New postings that match reach their owner in one digest per period;
`DigestItem` rows make sure an item reaches a person at most once.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.i18n import N_, translated
from app.models.base import utcnow

# What a follow is about (a saved search carries words and filters; the others one value).
# Labels are marked with N_: digests (written by the worker) keep them Japanese, pages translate.
TARGETS = {
    "search": N_("保存した検索"),
    "category": N_("カテゴリ"),
    "region": N_("地域"),
    "prefecture": N_("都道府県"),
    "municipality": N_("自治体"),
    "kind": N_("投稿の種類"),
}
FREQUENCIES = {"daily": N_("毎日"), "weekly": N_("毎週"), "immediate": N_("すぐに")}
# Immediate mail is only for what cannot wait; other matches of the same follow come daily.
URGENT_KINDS = ("partnership_request", "disaster_offer")


class Follow(db.Model):
    __tablename__ = "follows"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(20), default="search")
    # Saved search: the words. Follows: empty.
    q: Mapped[str] = mapped_column(String(200), default="")
    # Saved search: the search filters (kind, category, prefecture, region, field, …).
    # Follows: {target: value}, e.g. {"category": "A-1"} or {"municipality": "131041"}.
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    frequency: Mapped[str] = mapped_column(String(20), default="daily")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paused_at: Mapped[datetime | None]

    user = relationship("User")

    @property
    def is_search(self) -> bool:
        return self.target == "search"

    @property
    def target_label(self) -> str:
        return translated(TARGETS.get(self.target, self.target))

    @property
    def frequency_label(self) -> str:
        return translated(FREQUENCIES.get(self.frequency, self.frequency))

    def __repr__(self) -> str:
        return f"<Follow {self.id} {self.target} {self.name}>"


class Digest(db.Model):
    """One digest sent to one person for one period (`period_key`: daily:2026-12-01,
    weekly:2026-W49, immediate:…). The unique key is the claim that makes two workers
    send a period's digest once."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("user_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    frequency: Mapped[str] = mapped_column(String(20))
    period_key: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))

    items = relationship("DigestItem", back_populates="digest", order_by="DigestItem.position",
                         cascade="all, delete-orphan")


class DigestItem(db.Model):
    """An item as it was sent: what, under which follow, and why. (user, source, ref_id) is
    unique: an item is in at most one digest per person."""

    __tablename__ = "digest_items"
    __table_args__ = (UniqueConstraint("user_id", "source", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    follow_id: Mapped[int | None] = mapped_column(ForeignKey("follows.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="posting")  # posting | (board topic …)
    ref_id: Mapped[int] = mapped_column(Integer)
    group: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    why: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    digest = relationship("Digest", back_populates="items")


class JobRun(db.Model):
    """When a background job last ran and what it did, so that a silent failure is seen."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    sent: Mapped[int] = mapped_column(Integer, default=0)  # by the last run
    total_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_sent_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")
    # Held by the worker running the job now (app/services/mail/jobs.py `lease`): a second
    # worker started by mistake skips the job instead of running it at the same time.
    lease_until: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(100))
