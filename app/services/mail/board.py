"""Mail about the officials' board: the inbox notice, also mailed as the user chose (at once,
in the daily digest, or not at all: see outbox.enqueue). Composed here, sent by the outbox."""

from flask import current_app

from app.models import BoardAnswer, BoardTopic, User
from app.services.mail import outbox
from app.services.mail.notify import site

__all__ = ["send_notice", "site", "topic_url"]


def topic_url(topic: BoardTopic, answer: BoardAnswer | None = None) -> str:
    anchor = f"#answer-{answer.id}" if answer is not None else ""
    return f"{site()}/board/topics/{topic.id}{anchor}"


def send_notice(user: User, subject: str, headline: str, reason: str, topic: BoardTopic,
                answer: BoardAnswer | None = None, note: str = "") -> None:
    body = current_app.jinja_env.get_template("board/mail/notice.txt").render(
        user=user, headline=headline, reason=reason, topic=topic, answer=answer, note=note,
        url=topic_url(topic, answer), site=site(),
    ).strip() + "\n"
    outbox.enqueue(user.email, subject, body, reason=reason, user=user)
