"""Moderation of the board by liaison desks and admins: hide or restore an answer or a topic,
close or reopen a topic, each with a reason in the audit log; reports from officials."""

from flask_babel import gettext as _
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import AuditLog, BoardAnswer, BoardReport, BoardTopic
from app.models.base import utcnow
from app.models.board import REPORT_REASONS
from app.services.board import notices, search
from app.services.board.posts import BoardError

MAX_REASON = 1000


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise BoardError(_("理由を入力してください（投稿者と監査記録に残ります）。"))
    if len(text) > MAX_REASON:
        raise BoardError(_("理由は%(max)d文字以内にしてください。", max=MAX_REASON))
    return text


def _audit(actor, action: str, item, **details) -> None:
    target = "board_answer" if isinstance(item, BoardAnswer) else "board_topic"
    db.session.add(AuditLog(actor_user_id=actor.id, action=action, target_type=target,
                            target_id=item.id, details=details))


def _moderator(actor) -> None:
    permissions.require(permissions.can_moderate_board(actor), _("掲示板の管理は、連携窓口と管理者が行います。"))


def _done(topic: BoardTopic) -> None:
    db.session.flush()
    search.queue(topic.id)
    db.session.commit()
    search.apply_pending()


def hide(item: BoardTopic | BoardAnswer, reason: str, actor) -> None:
    _moderator(actor)
    reason = _reason(reason)
    if item.is_hidden:
        raise BoardError(_("既に非表示になっています。"))
    item.hidden_at, item.hidden_reason = utcnow(), reason
    _audit(actor, "board.hide", item, reason=reason, title=_title(item))
    notices.moderated(item, "hidden", reason)
    _resolve_reports(item, actor, f"非表示にしました: {reason}")
    _done(_topic(item))


def restore(item: BoardTopic | BoardAnswer, reason: str, actor) -> None:
    _moderator(actor)
    reason = _reason(reason)
    if not item.is_hidden:
        raise BoardError(_("非表示になっていません。"))
    item.hidden_at, item.hidden_reason = None, ""
    _audit(actor, "board.restore", item, reason=reason, title=_title(item))
    _done(_topic(item))


def close(topic: BoardTopic, reason: str, actor) -> None:
    _moderator(actor)
    reason = _reason(reason)
    if topic.is_closed:
        raise BoardError(_("既に締め切られています。"))
    topic.closed_at, topic.closed_reason = utcnow(), reason
    _audit(actor, "board.close", topic, reason=reason, title=topic.title)
    notices.moderated(topic, "closed", reason)
    _done(topic)


def reopen(topic: BoardTopic, reason: str, actor) -> None:
    _moderator(actor)
    reason = _reason(reason)
    if not topic.is_closed:
        raise BoardError(_("締め切られていません。"))
    topic.closed_at, topic.closed_reason = None, ""
    _audit(actor, "board.reopen", topic, reason=reason, title=topic.title)
    _done(topic)


def report(item: BoardTopic | BoardAnswer, reason: str, detail: str, reporter) -> BoardReport:
    """An official asks the moderators to look at a topic or an answer."""
    permissions.require(permissions.can_report_board_item(reporter, item), _("この投稿は報告できません。"))
    if reason not in REPORT_REASONS:
        raise BoardError(_("報告の理由を選んでください。"))
    detail = (detail or "").strip()
    if len(detail) > MAX_REASON:
        raise BoardError(_("詳しい説明は%(max)d文字以内にしてください。", max=MAX_REASON))
    answer = item if isinstance(item, BoardAnswer) else None
    entry = BoardReport(topic=_topic(item), answer=answer, reporter_id=reporter.id, reason=reason,
                        detail=detail)
    db.session.add(entry)
    db.session.flush()
    notices.reported(entry)
    db.session.commit()
    return entry


def dismiss_report(entry: BoardReport, note: str, actor) -> None:
    """The moderator looked and leaves the item as it is."""
    _moderator(actor)
    if entry.resolved_at is not None:
        raise BoardError(_("この報告は対応済みです。"))
    note = _reason(note)
    entry.resolved_at, entry.resolved_by_id, entry.resolution = utcnow(), actor.id, note
    db.session.add(AuditLog(actor_user_id=actor.id, action="board.report_dismiss",
                            target_type="board_report", target_id=entry.id, details={"reason": note}))
    db.session.commit()


def open_reports() -> list[BoardReport]:
    return db.session.scalars(
        select(BoardReport).where(BoardReport.resolved_at.is_(None)).order_by(BoardReport.id)
    ).all()


def recently_moderated(limit: int = 30) -> list[AuditLog]:
    return db.session.scalars(
        select(AuditLog).where(AuditLog.action.like("board.%")).order_by(AuditLog.id.desc()).limit(limit)
    ).all()


def _resolve_reports(item, actor, note: str) -> None:
    stmt = select(BoardReport).where(BoardReport.resolved_at.is_(None))
    if isinstance(item, BoardAnswer):
        stmt = stmt.where(BoardReport.answer_id == item.id)
    else:
        stmt = stmt.where(BoardReport.topic_id == item.id, BoardReport.answer_id.is_(None))
    for entry in db.session.scalars(stmt):
        entry.resolved_at, entry.resolved_by_id, entry.resolution = utcnow(), actor.id, note


def _topic(item) -> BoardTopic:
    return item if isinstance(item, BoardTopic) else item.topic


def _title(item) -> str:
    return _topic(item).title
