"""From a board topic to the marketplace: a partnership request (or, when the author agreed,
a case study) prefilled from the topic, and linked both ways once saved.

The posting form itself stays the postings feature's: its create page asks this module for
the source topic (`?from_topic=<id>`), the prefill, and to link what was saved.
"""

from flask_babel import gettext as _

from app import permissions
from app.extensions import db
from app.models import AuditLog, BoardTopic, Posting
from search_index import markdown_to_text

CONVERTIBLE = ("partnership_request", "case_study")
SUMMARY_CHARS = 180


def source_topic(raw_id: str | None, user, kind: str) -> BoardTopic | None:
    """The topic named by `?from_topic=`, if the user may turn it into this kind of posting."""
    if not raw_id:
        return None
    if not raw_id.isascii() or not raw_id.isdigit() or kind not in CONVERTIBLE:
        permissions.require(False, hide=True)
    topic = db.session.get(BoardTopic, int(raw_id))
    permissions.require(topic is not None and permissions.can_view_topic(user, topic), hide=True)
    permissions.require(permissions.can_convert_topic(user, topic),
                        _("話題から投稿を作れるのは、話題を投稿した職員です。"))
    permissions.require(kind != "case_study" or topic.summary_publishable,
                        _("この話題は、投稿者が公開事例にすることを選んでいません。"))
    return topic


def existing(topic: BoardTopic, kind: str) -> Posting | None:
    return topic.request_posting if kind == "partnership_request" else topic.case_posting


def _summary(topic: BoardTopic) -> str:
    text = " ".join(markdown_to_text(topic.body).split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _answerers(topic: BoardTopic) -> list[str]:
    """Municipalities whose answers helped, best marks first (candidate partners)."""
    order = {"solution": 0, "helpful": 1, None: 2}
    answers = sorted((a for a in topic.answers if not a.is_hidden and a.municipality is not None),
                     key=lambda a: order.get(a.mark, 2))
    return list(dict.fromkeys(a.municipality.display_name for a in answers))


def prefill(form, topic: BoardTopic, kind: str, user) -> None:
    """Fill an empty posting form (GET) from the topic; the author edits before saving."""
    form.title.data = topic.title
    form.summary.data = _summary(topic)
    form.categories.data = [c.code for c in topic.categories]
    form.fields.data = "、".join(t.name for t in topic.tags)
    officer = getattr(user, "officer", None)
    if officer is not None and officer.municipality_id == permissions.acting_municipality_id(user):
        form.officer.data = officer.id
    answerers = _answerers(topic)
    origin = f"架け橋の職員掲示板の話題「{topic.title}」から作成しました。"
    if kind == "partnership_request":
        form.body.data = topic.body
        form.sought.data = origin + ("\n\n掲示板で回答をくださった自治体: " + "、".join(answerers) if answerers else "")
        form.visibility.data = "public"
    else:
        form.body.data = f"{origin}\n\n{topic.body}"
        solutions = [a for a in topic.answers if a.mark == "solution" and not a.is_hidden]
        form.activities.data = "\n".join(
            f"- {a.municipality.name if a.municipality else ''}の助言: {_summary_of(a.body)}" for a in solutions
        )
        form.challenges.data = ""
    form.status.data = "draft"


def _summary_of(text: str) -> str:
    text = " ".join(markdown_to_text(text).split())
    return text if len(text) <= 80 else text[:79] + "…"


def link(topic: BoardTopic, posting: Posting, actor) -> None:
    """Remember what the topic became (the posting page links back to the topic)."""
    if posting.kind == "partnership_request":
        topic.request_posting_id = posting.id
    else:
        topic.case_posting_id = posting.id
    db.session.add(AuditLog(actor_user_id=actor.id, action="board.convert", target_type="board_topic",
                            target_id=topic.id, details={"posting_id": posting.id, "kind": posting.kind}))
    db.session.commit()
