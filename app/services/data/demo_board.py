"""Demo topics of the officials' board (app/data/demo/board.jsonl), written through the board
services so that the index, marks and notices are as real as those made on the pages.

Each line is a topic with its answers: who wrote it (municipality, department, name, e-mail;
or `{"desk": ward code}` for a liaison desk), when (`days_ago`), categories, tags, the
answers with their marks and the demo postings they link (by external id), and optionally
the moderator's closing. Authors become demo accounts (password DEMO_PASSWORD) whose mail
setting is "inbox only", so loading sends no mail.
"""

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import BoardTopic, Desk, Municipality, Posting, User
from app.services.accounts import users
from app.services.board import moderation, posts
from app.services.board import search as board_search
from app.services.board.posts import TopicInput
from app.timestamps import utcnow

# The town officer who asks on the board; printed with the demo accounts.
TOWN_OFFICER = "miho.sato@koumi.example.jp"


def board_is_empty() -> bool:
    return db.session.scalar(select(func.count(BoardTopic.id))) == 0


def load_board(path: Path, password: str) -> int:
    if not path.exists():
        return 0
    now = utcnow()
    people: dict[str, User] = {}
    postings = dict(db.session.execute(select(Posting.external_id, Posting.id)).all())
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with board_search.deferred():
        for row in rows:
            _load_topic(row, now, password, people, postings)
    town = db.session.scalar(select(User).where(User.email == TOWN_OFFICER))
    if town is not None:
        town.notify_mode = "immediate"  # the account the demo walk-through asks with
        db.session.commit()
    return len(rows)


def _load_topic(row: dict, now, password: str, people: dict, postings: dict) -> None:
    author = _person(row["author"], password, people)
    topic = posts.create_topic(
        TopicInput(title=row["title"], body=row["body"], categories=posts.categories_by_code(row["categories"]),
                   tags=row["tags"], kind=row["kind"], summary_publishable=row["summary_publishable"]),
        author, created_at=now - timedelta(days=row["days_ago"]),
    )
    for item in row["answers"]:
        answer = posts.add_answer(
            topic, item["body"], _person(item["author"], password, people),
            [postings[e] for e in item["postings"]], created_at=now - timedelta(days=item["days_ago"]),
        )
        if item["mark"]:
            posts.mark_answer(answer, item["mark"], author)
    if row.get("closed"):  # a moderator's decision: {"by": {"desk": code}, "reason": …}
        moderation.close(topic, row["closed"]["reason"], _person(row["closed"]["by"], password, people))


def _person(who: dict, password: str, people: dict[str, User]) -> User:
    key = who.get("email") or f"desk:{who['desk']}"
    if key not in people:
        people[key] = _desk_member(who["desk"], password) if "desk" in who else _officer(who, password)
    return people[key]


def _officer(who: dict, password: str) -> User:
    user = db.session.scalar(select(User).where(User.email == who["email"]))
    if user is None:
        muni = db.session.scalar(select(Municipality).where(Municipality.code == who["municipality"]))
        user = users.create_user(who["email"], who["name"], password, "officer", municipality=muni)
        user.notify_mode = "none"
    if user.officer is not None and not user.officer.department:
        user.officer.department = who["department"]
    db.session.commit()
    return user


def _desk_member(code: str, password: str) -> User:
    desk = db.session.scalar(
        select(Desk).join(Municipality, Desk.municipality_id == Municipality.id).where(Municipality.code == code))
    member = db.session.scalar(
        select(User).where(User.desk_id == desk.id, User.role == "liaison", User.active.is_(True)).order_by(User.id))
    if member is None:
        member = users.create_user(f"renkei-{code}@kakehashi.example.jp", f"{desk.name} 担当", password,
                                   "liaison", desk=desk)
        member.notify_mode = "none"
        db.session.commit()
    return member
