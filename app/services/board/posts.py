"""Writing on the board: topics, answers, the author's marks. The one write path for the
pages and the demo loader.

Views hand over input already validated for shape; who may do it and the rules that depend on
the database are checked here. Every change is committed together with its search-index queue
row and its inbox notices, then the index is brought up to date (a failed index write never
loses what was written).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import BoardAnswer, BoardTopic, Category, Posting
from app.models.base import utcnow
from app.models.board import ANSWER_MARKS, TOPIC_KINDS
from app.services.board import notices, search
from app.services.data.reference import CENTRAL_DESK_NAME
from app.services.postings.editing import tags_for

MAX_TITLE = 200
MAX_BODY = 10000
MAX_CATEGORIES = 3
MAX_TAGS = 8
MAX_LINKED_POSTINGS = 5
ADMIN_DEPARTMENT = "架け橋 運営事務局"


class BoardError(ValueError):
    """Input or a state the board rules refuse; the message is Japanese and shown as it is."""


@dataclass
class TopicInput:
    title: str
    body: str
    categories: list[Category]
    tags: list[str] = field(default_factory=list)
    kind: str = "question"
    summary_publishable: bool = False


def edit_window() -> timedelta:
    return timedelta(hours=current_app.config["BOARD_EDIT_WINDOW_HOURS"])


def can_edit(user, item, now: datetime | None = None) -> bool:
    return permissions.can_edit_board_item(user, item, now or utcnow(), edit_window())


def author_place(user) -> tuple[int | None, str]:
    """The municipality and department a board entry is signed with."""
    if user.role == "officer":
        officer = getattr(user, "officer", None)
        return user.municipality_id, officer.department if officer is not None else ""
    if user.role == "liaison" and user.desk is not None:
        if user.desk.is_central:
            return None, CENTRAL_DESK_NAME
        return user.desk.municipality_id, "連携窓口"
    return None, ADMIN_DEPARTMENT


def _check_topic(data: TopicInput) -> None:
    if not data.title.strip() or not data.body.strip():
        raise BoardError(_("タイトルと本文を入力してください。"))
    if len(data.title) > MAX_TITLE or len(data.body) > MAX_BODY:
        raise BoardError(_("タイトルは%(title)d文字以内、本文は%(body)d文字以内にしてください。",
                           title=MAX_TITLE, body=MAX_BODY))
    if not data.categories or len(data.categories) > MAX_CATEGORIES:
        raise BoardError(_("カテゴリを1〜%(max)dつ選んでください。", max=MAX_CATEGORIES))
    if len(data.tags) > MAX_TAGS or any(len(t) > 40 for t in data.tags):
        raise BoardError(_("分野タグは%(max)d個まで、1つ40文字以内にしてください。", max=MAX_TAGS))
    if data.kind not in TOPIC_KINDS:
        raise BoardError(_("種類の指定が正しくありません。"))


def _apply_topic(topic: BoardTopic, data: TopicInput) -> None:
    with db.session.no_autoflush:
        topic.kind = data.kind
        topic.title = " ".join(data.title.split())  # one line, whatever was pasted
        topic.body = data.body.strip()
        topic.categories = list(data.categories)
        topic.tags = tags_for(data.tags)
        topic.summary_publishable = data.summary_publishable


def create_topic(data: TopicInput, author, *, created_at: datetime | None = None) -> BoardTopic:
    permissions.require(permissions.can_use_board(author), hide=True)
    _check_topic(data)
    municipality_id, department = author_place(author)
    topic = BoardTopic(author=author, status="open", municipality_id=municipality_id,
                       author_department=department)
    _apply_topic(topic, data)
    if created_at is not None:  # the demo loader spreads its topics over past months
        topic.created_at = topic.last_activity_at = created_at
    db.session.add(topic)
    return _commit_and_index(topic)


def update_topic(topic: BoardTopic, data: TopicInput, actor) -> BoardTopic:
    permissions.require(can_edit(actor, topic), _("投稿から時間が経ったため、編集できません。"))
    _check_topic(data)
    _apply_topic(topic, data)
    topic.edited_at = utcnow()
    return _commit_and_index(topic)


def _check_answer(body: str) -> None:
    if not body.strip():
        raise BoardError(_("回答を入力してください。"))
    if len(body) > MAX_BODY:
        raise BoardError(_("回答は%(max)d文字以内にしてください。", max=MAX_BODY))


def linkable_postings(user, ids: list[int], already: list[Posting] = ()) -> list[Posting]:
    """The postings an answer may point to: ones the writer can see, published (a draft of
    theirs would be a dead link for everyone else). Links it `already` has are kept."""
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_LINKED_POSTINGS:
        raise BoardError(_("参考になる投稿は%(max)d件までにしてください。", max=MAX_LINKED_POSTINGS))
    by_id = {p.id: p for p in already if p.id in ids}
    wanted = [i for i in ids if i not in by_id]
    if wanted:
        by_id.update((p.id, p) for p in db.session.scalars(
            permissions.visible_postings(user).where(Posting.id.in_(wanted), Posting.status == "published")))
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise BoardError(_("見つからない投稿があります（番号: %(ids)s）。", ids="、".join(map(str, missing))))
    return [by_id[i] for i in ids]


def add_answer(topic: BoardTopic, body: str, author, posting_ids: list[int] | None = None, *,
               created_at: datetime | None = None) -> BoardAnswer:
    permissions.require(permissions.can_view_topic(author, topic), hide=True)
    if topic.is_closed or topic.is_hidden:
        raise BoardError(_("この話題は締め切られているため、回答できません。"))
    _check_answer(body)
    postings = linkable_postings(author, posting_ids or [])
    municipality_id, department = author_place(author)
    answer = BoardAnswer(topic=topic, author=author, body=body.strip(), postings=postings,
                         municipality_id=municipality_id, author_department=department,
                         created_at=created_at or utcnow())
    db.session.add(answer)
    topic.last_activity_at = answer.created_at
    db.session.flush()
    if topic.author_id != author.id:
        notices.answer_posted(topic, answer)
    _commit_and_index(topic)
    return answer


def update_answer(answer: BoardAnswer, body: str, actor, posting_ids: list[int] | None = None) -> BoardAnswer:
    permissions.require(can_edit(actor, answer), _("投稿から時間が経ったため、編集できません。"))
    _check_answer(body)
    postings = linkable_postings(actor, posting_ids or [], already=list(answer.postings))
    answer.body = body.strip()
    answer.postings = postings
    answer.edited_at = utcnow()
    _commit_and_index(answer.topic)
    return answer


def mark_answer(answer: BoardAnswer, mark: str | None, actor) -> BoardAnswer:
    """参考になった / 解決 / no mark. A topic with at least one 解決 answer is solved."""
    permissions.require(permissions.can_mark_answer(actor, answer), _("回答に印を付けられるのは、話題を投稿した人だけです。"))
    if mark is not None and mark not in ANSWER_MARKS:
        raise BoardError(_("印の指定が正しくありません。"))
    changed = answer.mark != mark
    answer.mark = mark
    answer.marked_at = utcnow() if mark else None
    topic = answer.topic
    topic.status = "solved" if any(a.mark == "solution" for a in topic.answers) else "open"
    if changed and mark:
        notices.answer_marked(answer)
    _commit_and_index(topic)
    return answer


def load_topic(topic_id: int, user) -> BoardTopic:
    """A topic the user may see; anything else is a 404 (nothing to probe)."""
    topic = db.session.get(BoardTopic, topic_id)
    permissions.require(topic is not None and permissions.can_view_topic(user, topic), hide=True)
    return topic


def load_answer(answer_id: int, user) -> BoardAnswer:
    answer = db.session.get(BoardAnswer, answer_id)
    permissions.require(answer is not None and permissions.can_view_topic(user, answer.topic), hide=True)
    return answer


def categories_by_code(codes: list[str]) -> list[Category]:
    if not codes:
        return []
    return db.session.scalars(select(Category).where(Category.code.in_(codes)).order_by(Category.position)).all()


def _commit_and_index(topic: BoardTopic) -> BoardTopic:
    db.session.flush()
    search.queue(topic.id)
    db.session.commit()
    search.apply_pending()
    return topic
