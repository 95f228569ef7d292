"""What the follow digests (saved searches, followed categories) read from the board.

    new_board_items_since(user, since, categories) -> list[BoardItem]

New topics and new answers since `since` in any of the category codes (all categories when
`categories` is None), as the user may see them: nothing for residents, never a hidden topic
or answer. The digest composes its own mail from the items' `title`, `summary` and `path`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, true
from sqlalchemy.orm import selectinload

from app import permissions
from app.extensions import db
from app.models import BoardAnswer, BoardTopic, Category, DigestItem
from app.services.follow.entries import Entry
from app.services.follow.matching import window_start
from search_index import markdown_to_text

LIMIT = 50


@dataclass
class BoardItem:
    kind: str  # "topic" | "answer"
    topic: BoardTopic
    answer: BoardAnswer | None
    at: datetime

    @property
    def title(self) -> str:
        return self.topic.title

    @property
    def summary(self) -> str:
        text = markdown_to_text(self.answer.body if self.answer else self.topic.body)
        text = " ".join(text.split())
        return text if len(text) <= 120 else text[:119] + "…"

    @property
    def who(self) -> str:
        return (self.answer or self.topic).author_label

    @property
    def path(self) -> str:
        anchor = f"#answer-{self.answer.id}" if self.answer else ""
        return f"/board/topics/{self.topic.id}{anchor}"


def new_board_items_since(user, since: datetime, categories: list[str] | None = None,
                          limit: int = LIMIT) -> list[BoardItem]:
    if not permissions.can_use_board(user):
        return []
    if categories is not None and not categories:
        return []
    in_categories = (BoardTopic.categories.any(Category.code.in_(categories))
                     if categories is not None else true())
    topics = db.session.scalars(
        select(BoardTopic)
        .where(permissions.public_board_topics(user), in_categories, BoardTopic.created_at > since,
               BoardTopic.author_id != user.id)
        .options(selectinload(BoardTopic.municipality), selectinload(BoardTopic.author))
        .order_by(BoardTopic.created_at.desc()).limit(limit)
    ).all()
    answers = db.session.scalars(
        select(BoardAnswer)
        .join(BoardTopic, BoardTopic.id == BoardAnswer.topic_id)
        .where(permissions.public_board_topics(user), in_categories, BoardAnswer.hidden_at.is_(None),
               BoardAnswer.created_at > since, BoardAnswer.author_id != user.id)
        .options(selectinload(BoardAnswer.topic), selectinload(BoardAnswer.municipality),
                 selectinload(BoardAnswer.author))
        .order_by(BoardAnswer.created_at.desc()).limit(limit)
    ).all()
    items = [BoardItem("topic", t, None, t.created_at) for t in topics]
    items += [BoardItem("answer", a.topic, a, a.created_at) for a in answers]
    return sorted(items, key=lambda i: i.at, reverse=True)[:limit]


SOURCES = {"topic": "board_topic", "answer": "board_answer"}  # DigestItem.source


def board_entries(user, follows, now, urgent_only: bool) -> list[Entry]:
    """Digest entries: new board topics and answers in the categories the user follows,
    once each per person (DigestItem). Nothing urgent: they come with the daily or weekly
    digest, never in an immediate one."""
    if urgent_only or not permissions.can_use_board(user):
        return []
    sent = {(source, ref) for source, ref in db.session.execute(
        select(DigestItem.source, DigestItem.ref_id).where(
            DigestItem.user_id == user.id, DigestItem.source.in_(SOURCES.values())))}
    out, seen = [], set()
    for follow in follows:
        code = (follow.filters or {}).get("category") if follow.target == "category" else None
        if not code:
            continue
        for item in new_board_items_since(user, window_start(follow, now), [code]):
            key = (SOURCES[item.kind], item.answer.id if item.answer else item.topic.id)
            if key in sent or key in seen:
                continue
            seen.add(key)
            what = "回答" if item.answer else "話題"
            out.append(Entry(
                source=key[0], ref_id=key[1], follow=follow, group=follow.name,
                title=f"［職員掲示板の{what}］{item.title}", path=item.path, when=item.at,
                meta=item.who,
                why=(f"フォロー中のカテゴリ「{follow.name}」の職員掲示板に新しい{what}がありました"
                     "（内容は架け橋にログインして読めます）。"),
            ))
    return out
