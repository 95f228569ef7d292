"""Inbox notices of the board: the topic's author learns of each answer, an answerer of the
author's mark, a writer of a moderator's decision. Each notice is a row in the same
transaction as its cause, and is also mailed as the user chose (outbox.enqueue)."""

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import BoardAnswer, BoardNotice, BoardTopic, User
from app.models.base import utcnow
from app.services.mail import board as board_mail

NOTICES_SHOWN = 50


def _notice(user: User | None, event: str, topic: BoardTopic, answer: BoardAnswer | None = None,
            at=None) -> bool:
    if user is None or not user.active:
        return False
    db.session.add(BoardNotice(user_id=user.id, topic_id=topic.id, event=event, created_at=at or utcnow(),
                               answer_id=answer.id if answer is not None else None))
    return True


def answer_posted(topic: BoardTopic, answer: BoardAnswer) -> None:
    if _notice(topic.author, "answer", topic, answer, at=answer.created_at):
        board_mail.send_notice(
            topic.author, f"【架け橋 掲示板】回答がありました: {topic.title}",
            f"あなたが掲示板に投稿した話題に、{answer.author_label}さんから回答がありました。",
            "このメールは、あなたが架け橋の掲示板に投稿した話題に回答があったため送信しています。",
            topic, answer)


def answer_marked(answer: BoardAnswer) -> None:
    topic = answer.topic
    if _notice(answer.author, "marked", topic, answer):
        board_mail.send_notice(
            answer.author, f"【架け橋 掲示板】あなたの回答が「{answer.mark_label}」になりました",
            f"{topic.author_label}さんが、あなたの回答に「{answer.mark_label}」の印を付けました。",
            "このメールは、あなたが架け橋の掲示板で回答した話題の投稿者が、回答に印を付けたため送信しています。",
            topic)


def moderated(item: BoardTopic | BoardAnswer, event: str, reason: str) -> None:
    """The writer of a hidden answer, a hidden topic or a closed topic is told why."""
    topic = item if isinstance(item, BoardTopic) else item.topic
    answer = item if isinstance(item, BoardAnswer) else None
    what = {"hidden": "非表示にしました", "closed": "締め切りました"}[event]
    thing = "あなたの回答" if answer is not None else "あなたが投稿した話題"
    if _notice(item.author, event, topic, answer):
        board_mail.send_notice(
            item.author, f"【架け橋 掲示板】{thing}について",
            f"掲示板の管理担当（連携窓口・管理者）が、{thing}を{what}。",
            "このメールは、あなたが架け橋の掲示板に書いた内容について管理担当が対応したため送信しています。",
            topic, note=f"理由: {reason}")


def reported(entry) -> None:
    """A report waits in the moderation queue: admins and the central desk are told (ward
    desks moderate too, but the central desk answers for the board as a whole)."""
    from app.models import Desk

    central = select(Desk.id).where(Desk.municipality_id.is_(None)).scalar_subquery()
    moderators = db.session.scalars(select(User).where(
        User.active.is_(True), (User.role == "admin") | ((User.role == "liaison") & (User.desk_id == central)))).all()
    topic = entry.topic
    for user in moderators:
        if user.id != entry.reporter_id and _notice(user, "report", topic, entry.answer):
            board_mail.send_notice(
                user, f"【架け橋 掲示板】報告がありました: {topic.title}",
                f"掲示板の{'回答' if entry.answer else '話題'}について、職員から報告がありました"
                f"（理由: {entry.reason_label}）。管理のページで確認してください。",
                "このメールは、あなたが架け橋の掲示板を管理する担当（全体窓口・管理者）であるため送信しています。",
                topic, note=f"管理のページ: {board_mail.site()}/board/moderation")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        select(func.count(BoardNotice.id)).where(BoardNotice.user_id == user.id, BoardNotice.read_at.is_(None))
    ) or 0


def recent(user, unread_only: bool = False, limit: int = NOTICES_SHOWN) -> list[BoardNotice]:
    stmt = select(BoardNotice).where(BoardNotice.user_id == user.id)
    if unread_only:
        stmt = stmt.where(BoardNotice.read_at.is_(None))
    return db.session.scalars(stmt.order_by(BoardNotice.id.desc()).limit(limit)).all()


def mark_read(user, topic: BoardTopic | None = None) -> None:
    """Reading a topic clears its notices; `topic=None` clears all."""
    unread = [BoardNotice.user_id == user.id, BoardNotice.read_at.is_(None)]
    if topic is not None:
        unread.append(BoardNotice.topic_id == topic.id)
    # Look before writing: most page views have nothing to clear.
    if db.session.scalar(select(BoardNotice.id).where(*unread).limit(1)) is not None:
        db.session.execute(update(BoardNotice).where(*unread).values(read_at=utcnow()))
        db.session.commit()
