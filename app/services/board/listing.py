"""Lists of board topics: the front page, category pages, related topics. Everything builds on
the board scopes in app/permissions/, so a list never shows what a topic page would refuse."""

from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from app import permissions
from app.extensions import db
from app.models import BoardAnswer, BoardTopic, Category, Posting, Tag
from app.models.board import TOPIC_STATUSES, board_topic_categories, board_topic_tags

RELATED = 5


@dataclass
class TopicFilters:
    category: str | None = None
    status: str | None = None  # open | solved
    tag: str | None = None


def topics(user, filters: TopicFilters | None = None) -> Select:
    """Visible topics, most recently active first."""
    filters = filters or TopicFilters()
    stmt = permissions.visible_topics(user).options(
        selectinload(BoardTopic.municipality), selectinload(BoardTopic.categories),
        selectinload(BoardTopic.tags), selectinload(BoardTopic.author),
    )
    if filters.category:
        stmt = stmt.where(BoardTopic.categories.any(Category.code == filters.category))
    if filters.status in TOPIC_STATUSES:
        stmt = stmt.where(BoardTopic.status == filters.status)
    if filters.tag:
        stmt = stmt.where(BoardTopic.tags.any(Tag.name == filters.tag))
    return stmt.order_by(BoardTopic.last_activity_at.desc(), BoardTopic.id.desc())


def answers_of(topic: BoardTopic) -> list[BoardAnswer]:
    """A topic's answers with what their page shows, in a fixed number of queries."""
    return db.session.scalars(
        select(BoardAnswer).where(BoardAnswer.topic_id == topic.id).order_by(BoardAnswer.id).options(
            selectinload(BoardAnswer.author), selectinload(BoardAnswer.municipality),
            selectinload(BoardAnswer.postings).selectinload(Posting.municipality),
        )
    ).all()


def answer_counts(topic_ids: list[int]) -> dict[int, int]:
    """Visible answers per topic, for a page of topics in one query."""
    if not topic_ids:
        return {}
    rows = db.session.execute(
        select(BoardAnswer.topic_id, func.count(BoardAnswer.id))
        .where(BoardAnswer.topic_id.in_(topic_ids), BoardAnswer.hidden_at.is_(None))
        .group_by(BoardAnswer.topic_id)
    ).all()
    return dict(rows)


@dataclass
class CategoryCount:
    category: Category
    topics: int
    open: int


def category_counts(user) -> list[CategoryCount]:
    """Every survey category with how many (open) topics it has, in one query."""
    counted = (
        select(
            board_topic_categories.c.category_id.label("category_id"),
            func.count().label("topics"),
            func.sum(case((BoardTopic.status == "open", 1), else_=0)).label("open"),
        )
        .join(BoardTopic, BoardTopic.id == board_topic_categories.c.topic_id)
        .where(permissions.public_board_topics(user))
        .group_by(board_topic_categories.c.category_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Category, counted.c.topics, counted.c.open)
        .outerjoin(counted, counted.c.category_id == Category.id)
        .order_by(Category.position)
    ).all()
    return [CategoryCount(c, n or 0, o or 0) for c, n, o in rows]


def related(user, topic: BoardTopic, limit: int = RELATED) -> list[BoardTopic]:
    """Topics sharing this one's words (board search) and a category or tag, topped up with
    those sharing the most categories and tags."""
    from app.services.board import search

    found = search.similar(user, topic, limit) or []
    if len(found) < limit:
        seen = {t.id for t in found}
        found += [t for t in sharing_labels(user, topic, limit + len(seen)) if t.id not in seen]
    return found[:limit]


def sharing_labels(user, topic: BoardTopic, limit: int = RELATED) -> list[BoardTopic]:
    """Other topics sharing the most field tags (worth two) and categories, solved first."""
    category_ids = [c.id for c in topic.categories]
    tag_ids = [t.id for t in topic.tags]
    if not category_ids and not tag_ids:
        return []
    shared = (
        select(board_topic_categories.c.topic_id.label("topic_id"), func.count().label("score"))
        .where(board_topic_categories.c.category_id.in_(category_ids))
        .group_by(board_topic_categories.c.topic_id)
        .union_all(
            select(board_topic_tags.c.topic_id, func.count() * 2)
            .where(board_topic_tags.c.tag_id.in_(tag_ids))
            .group_by(board_topic_tags.c.topic_id)
        )
        .subquery()
    )
    score = func.sum(shared.c.score).label("score")
    ranked = (
        select(shared.c.topic_id, score)
        .group_by(shared.c.topic_id)
        .subquery()
    )
    stmt = (
        select(BoardTopic)
        .join(ranked, ranked.c.topic_id == BoardTopic.id)
        .where(BoardTopic.id != topic.id, permissions.public_board_topics(user))
        .order_by(ranked.c.score.desc(), case((BoardTopic.status == "solved", 0), else_=1),
                  BoardTopic.last_activity_at.desc())
        .limit(limit)
        .options(selectinload(BoardTopic.municipality))
    )
    return db.session.scalars(stmt).all()


def topics_from_posting(user, posting) -> list[BoardTopic]:
    """Board topics a posting grew out of (shown on the posting page, to officials only)."""
    if not permissions.can_use_board(user):
        return []
    return db.session.scalars(
        select(BoardTopic).where(
            permissions.public_board_topics(user),
            (BoardTopic.request_posting_id == posting.id) | (BoardTopic.case_posting_id == posting.id),
        ).order_by(BoardTopic.id)
    ).all()
