"""The officials' exchange board (意見交換の場): topics under the survey's categories, answers
with the author's marks, reports, inbox notices, and the board's own search-index queue.

Nothing here is ever public: every page, search and count goes through the board scopes in
app/permissions/ (residents, who have no account, see none of it).
"""

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

TOPIC_KINDS = {"question": "質問", "challenge": "課題の共有"}
TOPIC_STATUSES = {"open": "受付中", "solved": "解決済み"}
ANSWER_MARKS = {"helpful": "参考になった", "solution": "解決"}
REPORT_REASONS = {
    "inappropriate": "不適切な内容",
    "personal": "個人情報が含まれている",
    "advert": "宣伝・勧誘",
    "off_topic": "掲示板の目的に合わない",
    "other": "その他",
}

board_topic_categories = Table(
    "board_topic_categories",
    db.metadata,
    Column("topic_id", ForeignKey("board_topics.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)
board_topic_tags = Table(
    "board_topic_tags",
    db.metadata,
    Column("topic_id", ForeignKey("board_topics.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)
# Postings an answer points to ("this case study shows how we did it").
board_answer_postings = Table(
    "board_answer_postings",
    db.metadata,
    Column("answer_id", ForeignKey("board_answers.id", ondelete="CASCADE"), primary_key=True),
    Column("posting_id", ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
)


class _Authored:
    """Who wrote it, named as pages show people: municipality, department, name. The
    municipality and department are kept as they were when it was written (staff move)."""

    author_department: Mapped[str] = mapped_column(String(120), default="")
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[datetime | None]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def author_label(self) -> str:
        """「長野県 小海町 総務課 佐藤 花子」: never an address."""
        place = self.municipality.display_name if self.municipality is not None else ""
        name = self.author.name if self.author is not None else ""
        return " ".join(p for p in (place, self.author_department, name) if p)


class BoardTopic(_Authored, db.Model):
    __tablename__ = "board_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="question")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # The author agrees that a summary may later be published as a public case study.
    summary_publishable: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the topic grew into (linked both ways: the posting pages look these up).
    request_posting_id: Mapped[int | None] = mapped_column(
        ForeignKey("postings.id", ondelete="SET NULL"), index=True)
    case_posting_id: Mapped[int | None] = mapped_column(
        ForeignKey("postings.id", ondelete="SET NULL"), index=True)
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    # What every list of topics shows: the writer and their town, in the same query.
    author = relationship("User", lazy="joined")
    municipality = relationship("Municipality", lazy="joined")
    categories = relationship("Category", secondary=board_topic_categories, order_by="Category.position")
    tags = relationship("Tag", secondary=board_topic_tags, order_by="Tag.name")
    answers = relationship("BoardAnswer", back_populates="topic", order_by="BoardAnswer.id",
                           cascade="all, delete-orphan")
    request_posting = relationship("Posting", foreign_keys=[request_posting_id])
    case_posting = relationship("Posting", foreign_keys=[case_posting_id])

    @property
    def kind_label(self) -> str:
        return TOPIC_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return TOPIC_STATUSES.get(self.status, self.status)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def __repr__(self) -> str:
        return f"<BoardTopic {self.id} {self.title[:20]}>"


class BoardAnswer(_Authored, db.Model):
    __tablename__ = "board_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("board_topics.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # Set by the topic's author: 参考になった (helpful) or 解決 (solution); None = not marked.
    mark: Mapped[str | None] = mapped_column(String(20))
    marked_at: Mapped[datetime | None]

    topic = relationship("BoardTopic", back_populates="answers")
    author = relationship("User", lazy="joined")
    municipality = relationship("Municipality", lazy="joined")
    postings = relationship("Posting", secondary=board_answer_postings, order_by="Posting.id")

    @property
    def mark_label(self) -> str:
        return ANSWER_MARKS.get(self.mark or "", "")


class BoardReport(db.Model):
    """An official telling the moderators (desks, admins) that a topic or answer needs a look."""

    __tablename__ = "board_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("board_topics.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("board_answers.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")

    topic = relationship("BoardTopic")
    answer = relationship("BoardAnswer")
    reporter = relationship("User", foreign_keys=[reporter_id])

    @property
    def reason_label(self) -> str:
        return REPORT_REASONS.get(self.reason, self.reason)


class BoardNotice(db.Model):
    """A line in an official's inbox: an answer to their topic, a mark on their answer, a
    moderation decision about what they wrote."""

    __tablename__ = "board_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("board_topics.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("board_answers.id", ondelete="CASCADE"))
    # answer | marked | hidden | closed | report
    event: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    # Each line shows the topic and the answer: in the same query.
    topic = relationship("BoardTopic", lazy="joined")
    answer = relationship("BoardAnswer", lazy="joined")


class BoardIndexQueue(db.Model):
    """Pending changes of the board's search index (one row per topic, as IndexQueue)."""

    __tablename__ = "board_index_queue"

    topic_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
