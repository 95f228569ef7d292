"""Hypothesis through the forms added since the first property tests: board topics and answers,
events, disaster declarations and sign-up. Never a 500; a refused input saves nothing; an
accepted one is saved once, on one line where it is a title, without control characters, and
the mail it queues can be built."""

import re

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models import BoardAnswer, BoardTopic, DisasterDeclaration, Event, OutboxMail, User
from app.services.accounts import domains
from app.services.mail import outbox
from tests.properties.test_forms_and_importer import (
    LONG,
    SETTINGS,
    TEXT,
    _count,
    _not_a_server_error,
)

CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Dates and times as typed, pasted or forged: valid ones, the ends of the calendar, nonsense.
DAY = st.one_of(st.dates().map(str), st.sampled_from(["2027-01-15", "0001-01-01", "9999-12-31", "2027-02-30"]),
                TEXT)
TIME = st.one_of(st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
                 st.sampled_from(["2027-01-15T10:00", "0001-01-01T00:00", "9999-12-31T23:59", ""]), TEXT)
NUMBER = st.one_of(st.integers(-(10**25), 10**25).map(str), st.sampled_from(["", "300", "1e400", "１２"]), TEXT)


def _one_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text and not CONTROLS.search(text)


def _both_sides(outcomes: list[int]) -> None:
    assert 302 in outcomes and 400 in outcomes  # both sides of the property were exercised


def test_board_topic_and_answer_forms(app, client, users):
    app.config["RATELIMIT_BOARD"] = "100000 per minute"
    client.login(users.officer("203033").email)
    token = client.csrf_token("/board/new")
    topic_outcomes: list[int] = []

    @SETTINGS
    @given(title=st.one_of(st.just("空き家の略式代執行"), LONG), body=st.one_of(st.just("進め方を教えてください。"), LONG),
           tags=TEXT, categories=st.lists(st.sampled_from(["A-1", "B-11", "Z-9", "", "A-1"]), max_size=5),
           kind=st.sampled_from(["question", "", "other"]))
    def topic(title, body, tags, categories, kind):
        before = _count(BoardTopic)
        response = client.post("/board/new", data={
            "kind": kind, "title": title, "body": body, "tags": tags, "categories": categories,
            "csrf_token": token})
        _not_a_server_error(response)
        topic_outcomes.append(response.status_code)
        if response.status_code == 302:
            saved = db.session.scalar(select(BoardTopic).order_by(BoardTopic.id.desc()).limit(1))
            assert _count(BoardTopic) == before + 1 and _one_line(saved.title)
            assert not CONTROLS.search(saved.body)
        else:
            assert response.status_code == 400 and _count(BoardTopic) == before

    topic()
    _both_sides(topic_outcomes)
    target = db.session.scalar(select(BoardTopic.id).limit(1))
    answer_outcomes: list[int] = []

    @SETTINGS
    @given(body=st.one_of(st.just("うちの町ではこうしました。"), LONG),
           refs=st.one_of(st.just(""), st.just("12"), st.just("99999999999999999999"), TEXT))
    def answer(body, refs):
        before = _count(BoardAnswer)
        response = client.post(f"/board/topics/{target}/answers", data={
            "body": body, "posting_refs": refs, "csrf_token": token})
        _not_a_server_error(response)
        answer_outcomes.append(response.status_code)
        assert _count(BoardAnswer) == before + (1 if response.status_code == 302 else 0)

    answer()
    _both_sides(answer_outcomes)


def test_event_form(client, users):
    client.login(users.officer("131041").email)
    token = client.csrf_token("/events/new")
    outcomes: list[int] = []

    @SETTINGS
    @given(title=st.one_of(st.just("物産展"), LONG), starts_at=TIME, ends_at=TIME,
           place=st.one_of(st.just("区役所"), TEXT),
           online_url=st.one_of(st.just(""), st.just("https://example.jp/"), TEXT),
           posting=st.one_of(st.just("0"), NUMBER), description=TEXT)
    # Year 1 in Japan time is year 0 in UTC (was an OverflowError).
    @example(title="物産展", starts_at="0001-01-01T00:00", ends_at="", place="区役所", online_url="",
             posting="0", description="")
    @example(title="物産展", starts_at="2027-01-15T10:00", ends_at="", place="区役所", online_url="",
             posting="0", description="")
    def check(title, starts_at, ends_at, place, online_url, posting, description):
        before = _count(Event)
        response = client.post("/events/new", data={
            "title": title, "kind": "fair", "starts_at": starts_at, "ends_at": ends_at, "place": place,
            "online_url": online_url, "posting": posting, "description": description,
            "visibility": "public", "municipality": "", "csrf_token": token})
        _not_a_server_error(response)
        outcomes.append(response.status_code)
        if response.status_code == 302:
            saved = db.session.scalar(select(Event).order_by(Event.id.desc()).limit(1))
            assert _count(Event) == before + 1 and _one_line(saved.title)
            assert client.get(f"/events/{saved.id}.ics").status_code == 200
        else:
            assert response.status_code == 400 and _count(Event) == before

    check()
    _both_sides(outcomes)


def test_disaster_declaration_form(client, users, desk):
    client.login(users.liaison(desk("131041")).email)
    token = client.csrf_token("/disasters/new")
    outcomes: list[int] = []

    @SETTINGS
    @given(name=st.one_of(st.just("宮城県沖を震源とする地震"), LONG), starts_on=DAY,
           ends_on=st.one_of(st.just(""), DAY), people=NUMBER, note=TEXT,
           prefectures=st.lists(st.sampled_from(["宮城県", "岩手県", "火星", ""]), min_size=1, max_size=3))
    @example(name="地震", starts_on="0001-01-01", ends_on="9999-12-31", people="300", note="", prefectures=["宮城県"])
    def check(name, starts_on, ends_on, people, note, prefectures):
        before = _count(DisasterDeclaration)
        response = client.post("/disasters/new", data={
            "name": name, "prefectures": prefectures, "needs": ["evacuees"], "people": people,
            "starts_on": starts_on, "ends_on": ends_on, "note": note, "csrf_token": token})
        _not_a_server_error(response)
        outcomes.append(response.status_code)
        assert _count(DisasterDeclaration) == before + (1 if response.status_code == 302 else 0)
        assert client.get("/").status_code == 200  # the banner of every page shows what was saved

    check()
    _both_sides(outcomes)


def test_signup_form(app, client, muni):
    app.config["RATELIMIT_ACCOUNT_MAIL"] = app.config["RATELIMIT_ACCOUNT_MAIL_ADDRESS"] = "100000 per minute"
    domains.add_domain(muni("046060"), "town.minamisanriku.example.lg.jp", actor=None)
    token = client.csrf_token("/accounts/signup")
    outcomes: list[int] = []

    @SETTINGS
    @given(name=st.one_of(st.just("田中 達也"), TEXT), department=st.one_of(st.just("防災安全課"), TEXT), title=TEXT,
           local=st.one_of(st.from_regex(r"[a-z]{1,12}", fullmatch=True), TEXT),
           municipality=st.one_of(st.just("046060"), TEXT),
           password=st.one_of(st.just("a long enough secret"), LONG))
    def check(name, department, title, local, municipality, password):
        before = (_count(User), _count(OutboxMail))
        response = client.post("/accounts/signup", data={
            "name": name, "municipality": municipality, "department": department, "title": title,
            "email": f"{local}@town.minamisanriku.example.lg.jp", "new": password, "confirm": password,
            "website": "", "csrf_token": token})
        _not_a_server_error(response)
        outcomes.append(response.status_code)
        if response.status_code != 302:
            assert response.status_code == 400 and (_count(User), _count(OutboxMail)) == before
        for mail in db.session.scalars(select(OutboxMail)):
            outbox.build_message(mail)  # nothing queued can block the outbox

    check()
    _both_sides(outcomes)
