"""Demo content for `make run`: postings, events, the officials' board, demo accounts (development only), the demo
municipalities' official e-mail domains and an account manager, so self sign-up works:
a new officer of 南三陸町 signs up, the town's manager approves, and the inbox already holds
the threads of the posting that named them."""

import json
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Desk, Event, Municipality, Officer, Posting, Thread, User
from app.services.accounts import domains, users
from app.services.contact import routing
from app.services.data import demo_board
from app.services.events import editing as events
from app.services.events.editing import EventInput
from app.services.postings import importer
from app.timestamps import JST

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"
DEMO_PASSWORD = "kakehashi-demo"
DEMO_ADMIN = "admin@kakehashi.example.jp"
DEMO_LIAISON = "madoguchi@kakehashi.example.jp"
# 南三陸町: its HR officer manages the town's accounts; its disaster officer, named on a posting
# with messages waiting, has no account yet and is the one to try sign-up with.
DEMO_MANAGER = "megumi.nagai@minamisanriku.example.jp"
DEMO_SIGNUP = {"municipality": "046060", "name": "田中 達也", "department": "防災安全課",
               "title": "係長", "email": "tatsuya.tanaka@minamisanriku.example.jp"}


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count(Posting.id))) == 0


def load_demo(progress=None) -> dict:
    report = importer.import_file(DEMO_DIR / "postings.jsonl", progress=progress)
    events = load_events(DEMO_DIR / "events.jsonl")
    ensure_demo_accounts()  # the board's demo topics are also written by these accounts
    threads = load_threads(DEMO_DIR / "threads.jsonl")
    load_matching_demo()
    topics = demo_board.load_board(DEMO_DIR / "board.jsonl", DEMO_PASSWORD) if demo_board.board_is_empty() else 0
    return {"postings": report, "events": events, "accounts": ensure_demo_accounts(), "threads": threads,
            "board": topics}


# A partnership made (recorded, with the case study that tells the result) and a past disaster.
DEMO_PARTNERSHIP = {"request": "demo-req-0041", "partners": ["224294"], "case_study": "demo-case-0013",
                    "note": "町工場と茶農家の道具の共同開発（2026年度）"}
DEMO_PAST_DISASTER = {"name": "（訓練）九州北部の豪雨", "prefectures": ["福岡県", "佐賀県"],
                      "needs": ["supplies", "staff"], "starts_on": "2026-07-06", "ends_on": "2026-07-31"}


def load_matching_demo() -> None:
    """Idempotent: the recorded partnership and the ended (training) declaration."""
    from app.models import DisasterDeclaration
    from app.services.matching import declarations, outcomes

    by_ext = {p.external_id: p for p in db.session.scalars(select(Posting).where(Posting.external_id.in_(
        [DEMO_PARTNERSHIP["request"], DEMO_PARTNERSHIP["case_study"]])))}
    request = by_ext.get(DEMO_PARTNERSHIP["request"])
    if request is not None and outcomes.request_partnership(request) is None:
        partners = db.session.scalars(
            select(Municipality).where(Municipality.code.in_(DEMO_PARTNERSHIP["partners"]))).all()
        outcomes.record(request, list(partners), None, note=DEMO_PARTNERSHIP["note"])
        if by_ext.get(DEMO_PARTNERSHIP["case_study"]) is not None:
            outcomes.link_case_study(request, by_ext[DEMO_PARTNERSHIP["case_study"]], None)
    past = DEMO_PAST_DISASTER
    admin = db.session.scalar(select(User).where(User.email == DEMO_ADMIN))
    exists = db.session.scalar(select(DisasterDeclaration.id).where(DisasterDeclaration.name == past["name"]))
    if admin is not None and exists is None:  # declared through the service, so it is audited
        declarations.declare(declarations.DeclarationInput(
            past["name"], past["prefectures"], past["needs"], date.fromisoformat(past["starts_on"]),
            date.fromisoformat(past["ends_on"])), admin)


def load_threads(path: Path) -> int:
    """Messages sent through the contact forms (routed and mailed like real ones), once: about
    a posting (`posting`: its external id) or to a municipality (`municipality`: its code; a
    special ward's desk triages it), so the demo officer's and the desk's inboxes are not empty."""
    if not path.exists():
        return 0
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        sender = row["sender"]
        by = routing.Sender(sender["name"], sender["email"], sender.get("organisation", ""))
        if "municipality" in row:
            target = db.session.scalar(select(Municipality).where(Municipality.code == row["municipality"]))
            same = (Thread.municipality_id == getattr(target, "id", None), Thread.posting_id.is_(None))
        else:
            target = db.session.scalar(select(Posting).where(Posting.external_id == row["posting"]))
            same = (Thread.posting_id == getattr(target, "id", None),)
        if target is None or db.session.scalar(select(Thread.id).where(*same, Thread.sender_email == sender["email"])):
            continue
        if isinstance(target, Municipality):
            routing.contact_municipality(target, by, row["subject"], row["body"])
        else:
            routing.contact_posting(target, by, row["subject"], row["body"])
        count += 1
    return count


def ensure_demo_signup() -> dict | None:
    """Official domains of the demo municipalities (app/data/demo/domains.csv) and 南三陸町's
    account manager; returns the manager's login for printing."""
    domains.import_csv((DEMO_DIR / "domains.csv").read_text(encoding="utf-8"))
    officer = db.session.scalar(select(Officer).where(Officer.email == DEMO_MANAGER))
    if officer is None:
        return None
    user = officer.user or users.find_by_email(DEMO_MANAGER)
    if user is None:
        user = users.create_user(DEMO_MANAGER, officer.name, DEMO_PASSWORD, "officer", officer.municipality)
    if not user.manages_accounts:
        users.set_manager(user, True, actor=None)
    return {"role": "manager", "email": user.email,
            "who": f"{officer.public_label}（アカウント管理者）", "municipality": officer.municipality.name}


def load_events(path: Path) -> int:
    """The demo events, saved by the events service as the form saves them (once each)."""
    if not path.exists():
        return 0
    munis = {m.code: m.id for m in db.session.scalars(select(Municipality))}
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        event = db.session.scalar(select(Event).where(Event.external_id == row["external_id"]))
        posting = None
        if row.get("posting"):
            posting = db.session.scalar(select(Posting).where(Posting.external_id == row["posting"]))
        data = EventInput(
            external_id=row["external_id"], title=row["title"], municipality_id=munis[row["municipality"]],
            starts_at=_japan_time(row["starts_at"]),
            ends_at=_japan_time(row["ends_at"]) if row.get("ends_at") else None,
            kind=row.get("kind") or "programme", description=row.get("description") or "",
            place=row.get("place"), online_url=row.get("online_url"), posting=posting,
            visibility=row.get("visibility") or "public",
        )
        events.save_event(event, data, actor=None, commit=False)
        count += 1
    db.session.commit()
    return count


def _japan_time(text: str) -> datetime:
    """An ISO date-time from the demo file; without an offset it is Japan time."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=JST)


def _busiest_ward_officer() -> Officer | None:
    """The demo officer: the ward officer named on the most postings (the same one on every
    run, whoever else has an account by now: the board's demo authors do)."""
    return db.session.scalar(
        select(Officer)
        .join(Municipality, Officer.municipality_id == Municipality.id)
        .join(Posting, Posting.officer_id == Officer.id)
        .where(Municipality.kind == "special_ward")
        .group_by(Officer.id)
        .order_by(func.count(Posting.id).desc(), Officer.id)
        .limit(1)
    )


def ensure_demo_accounts() -> list[dict]:
    """Create the three demo accounts if missing; return their logins for printing."""
    created = []
    officer = _busiest_ward_officer()
    if officer is not None and officer.user is None:
        users.create_user(officer.email, officer.name, DEMO_PASSWORD, "officer", officer.municipality)
    if officer is not None:
        created.append({"role": "officer", "email": officer.email, "who": officer.public_label,
                        "municipality": officer.municipality.name})
    desk = None
    if officer is not None:
        desk = db.session.scalar(select(Desk).where(Desk.municipality_id == officer.municipality_id))
    if desk is not None:
        if db.session.scalar(select(User).where(User.email == DEMO_LIAISON)) is None:
            users.create_user(DEMO_LIAISON, f"{desk.name} 担当", DEMO_PASSWORD, "liaison", desk=desk)
        created.append({"role": "liaison", "email": DEMO_LIAISON, "who": desk.name, "municipality": ""})
    if db.session.scalar(select(User).where(User.email == DEMO_ADMIN)) is None:
        users.create_user(DEMO_ADMIN, "管理者", DEMO_PASSWORD, "admin")
    created.append({"role": "admin", "email": DEMO_ADMIN, "who": "管理者", "municipality": ""})
    manager = ensure_demo_signup()
    if manager is not None:
        created.append(manager)
    town = db.session.scalar(select(User).where(User.email == demo_board.TOWN_OFFICER))
    if town is not None:  # asks on the officials' board (the ward officer above answers)
        created.append({"role": "officer", "email": town.email, "who": f"{town.municipality.display_name} "
                        f"{town.officer.public_label if town.officer else town.name}",
                        "municipality": town.municipality.name})
    return created
