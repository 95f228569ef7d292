"""One app per module with a world big enough that N+1 queries would show: a dozen postings of
each kind with several partners, themes and fields, each with its own officer, events, and
threads for several officers and a desk."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Desk, Event, Municipality, Officer, Thread
from app.models.messaging import Message
from app.services.contact import links
from app.timestamps import utcnow
from tests.helpers import PostingFactory, UserFactory, WebClient, app_on_template_copy

PER_KIND = 12
OWN = "131041"  # 新宿区: the officer's and the liaison's ward
TOWNS = ["072125", "042056", "172049", "202134", "422118", "131156", "131016", "053619"]
KINDS = ["case_study", "partnership_request", "disaster_offer", "staff_exchange"]
SENDER_TOKEN = "budget-test-sender-token"


@pytest.fixture(scope="module")
def world_app(template_db, tmp_path_factory):
    app = app_on_template_copy(template_db, tmp_path_factory.mktemp("world"), RATELIMIT_ENABLED=False)
    # The requests run outside this app context, each in its own (a fresh flask.g), as on a server.
    with app.app_context():
        world, engine = _build_world(), db.engine
        db.session.remove()
    yield app, world, engine
    engine.dispose()


def _build_world() -> dict:
    users, make = UserFactory(), PostingFactory()
    accounts = {"officer": users.officer(OWN), "liaison": None, "admin": users.admin()}
    accounts["liaison"] = users.liaison(db.session.scalar(
        select(Desk).join(Municipality, Desk.municipality_id == Municipality.id)
        .where(Municipality.code == OWN)))
    themes = [["A-1", "B-5"], ["A-4", "B-6"], ["A-2", "B-1"]]
    made: dict[str, list] = {kind: [] for kind in KINDS}
    for kind in KINDS:
        for i in range(PER_KIND):
            code = OWN if i % 4 == 0 else TOWNS[i % len(TOWNS)]
            partners = [t for t in TOWNS if t != code][i % 3: i % 3 + 3]
            made[kind].append(make(
                kind, code, partners=partners, categories=themes[i % 3],
                fields=["観光", f"分野{i % 5}"], title=f"{kind} 防災と観光の連携 {i}",
                visibility="officials" if i % 6 == 5 else "public",
                status="draft" if i == 4 else "published",
            ))
    munis = {m.code: m for m in db.session.scalars(
        select(Municipality).where(Municipality.code.in_([*TOWNS, OWN])))}
    cases = made["case_study"]
    start = utcnow() + timedelta(days=3)
    events = []
    for i in range(PER_KIND):
        events.append(Event(
            title=f"交流イベント {i}", municipality=munis[TOWNS[i % len(TOWNS)]], kind="fair",
            starts_at=start + timedelta(hours=i), ends_at=start + timedelta(hours=i + 2),
            place="区役所", posting=cases[i % 3] if i % 2 else None,
            visibility="officials" if i % 5 == 4 else "public"))
    db.session.add_all(events)
    own_officer = accounts["officer"].officer
    officers = db.session.scalars(select(Officer).where(Officer.id != own_officer.id).limit(PER_KIND)).all()
    desk = accounts["liaison"].desk
    threads = []
    for i in range(2 * PER_KIND):
        officer = own_officer if i % 2 else officers[i % len(officers)]
        thread = Thread(subject=f"問い合わせ {i}", sender_name=f"送信者 {i}",
                        sender_email=f"sender{i}@example.jp", officer=officer,
                        desk=desk if i % 3 == 0 else None, posting=cases[i % PER_KIND],
                        municipality_id=officer.municipality_id, status="new" if i % 4 else "read")
        thread.messages.append(Message(author_kind="sender", author_name=thread.sender_name,
                                       event="message", body="お問い合わせの本文です。"))
        threads.append(thread)
    threads[0].access_token_hash = links.token_hash(SENDER_TOKEN)
    db.session.add_all(threads)
    db.session.commit()
    topics, answers = _board(users, accounts["officer"])
    digest = _digest(accounts["officer"], made["case_study"])
    from datetime import date

    from app.models import DisasterDeclaration

    declaration = DisasterDeclaration(name="試験の地震", prefectures=["石川県"], needs=["supplies"],
                                      starts_on=date(2026, 12, 1))
    db.session.add(declaration)
    db.session.commit()
    # Plain values: the objects are detached once a request ends its session.
    return {
        "emails": {role: user.email for role, user in accounts.items()},
        "postings": {kind: [p.id for p in ps] for kind, ps in made.items()},
        "events": [e.id for e in events],
        "threads": [t.id for t in threads],
        "officers": [officers[0].id, own_officer.id],
        "user_id": accounts["officer"].id,
        "digest": digest,
        "declarations": [declaration.id],
        "topics": topics,
        "answers": answers,
    }


def _board(users, officer) -> tuple[list[int], list[int]]:
    """Exchange-board topics by officials of several towns, each answered by the others."""
    from app.services.board import posts
    from app.services.board.posts import TopicInput

    authors = [officer] + [users.officer(code) for code in TOWNS[:4]]
    topics, answers = [], []
    for i in range(PER_KIND):
        author = authors[i % len(authors)]
        topic = posts.create_topic(TopicInput(
            title=f"空き家の対策、どう進めましたか {i}", body="所有者不明の空き家について教えてください。",
            categories=posts.categories_by_code(["B-11", "A-4"]), tags=["空き家", f"分野{i % 3}"]), author)
        topics.append(topic.id)
        for other in authors:
            if other is not author:
                answers.append(posts.add_answer(topic, f"私たちの町ではこうしました {i}", other, []).id)
    return topics, answers


@pytest.fixture
def world_client(world_app):
    app = world_app[0]
    return WebClient(app.test_client())


def more_threads_and_answers(world: dict, posting_id: int) -> None:
    """Another dozen inbox threads for the officer, and answers (with notices) on their topic."""
    from app.models import BoardTopic, User
    from app.services.board import posts

    officer = db.session.scalar(select(User).where(User.email == world["emails"]["officer"]))
    for i in range(PER_KIND):
        thread = Thread(subject=f"追加の問い合わせ {i}", sender_name=f"追加の送信者 {i}",
                        sender_email=f"more{i}@example.jp", officer=officer.officer,
                        posting_id=posting_id, municipality_id=officer.officer.municipality_id)
        thread.messages.append(Message(author_kind="sender", author_name=thread.sender_name,
                                       event="message", body="追加の本文です。"))
        db.session.add(thread)
    db.session.commit()
    topic = db.session.get(BoardTopic, world["topics"][0])
    for code in TOWNS[4:8]:
        posts.add_answer(topic, f"{code}ではこうしました", UserFactory().officer(code), [])


def _digest(user, stories) -> int:
    """A digest as sent to the officer, with a line per story."""
    from app.models import Digest, DigestItem

    digest = Digest(user_id=user.id, frequency="daily", period_key="daily:2026-12-01",
                    item_count=len(stories))
    db.session.add(digest)
    db.session.flush()
    db.session.add_all(DigestItem(digest_id=digest.id, user_id=user.id, ref_id=p.id, group="新着",
                                  title=p.title, url=f"/postings/{p.id}", why="新着の事例")
                       for p in stories)
    db.session.commit()
    return digest.id
