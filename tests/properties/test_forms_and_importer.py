"""Hypothesis: arbitrary Unicode (control characters, huge and nested values) through the
posting, contact and account forms and the importer. Never a 500; a refused input saves
nothing; an accepted one is saved whole (cleaned of control characters) and its mail can be built."""

import json
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.cleantext import single_line, without_controls
from app.extensions import db
from app.models import OutboxMail, Posting, Thread, User
from app.services.mail import outbox
from app.services.postings import importer
from tests.test_importer import GOOD
from tests.test_postings import _form

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Any text, with the characters that broke things before over-represented.
NASTY = st.sampled_from(["\x00", "\x0b", "\x0c", "\x1b", "\r\n", "\n", "\t", "\u2028", "\x85", "\ufffe",
                         "<script>", "&", "]]>", "%", "\\", "'", '"', "𠮷", "ｶﾞ", " ", "\u3000", "9" * 30])
TEXT = st.lists(st.one_of(st.text(max_size=20), NASTY), max_size=12).map("".join)
LONG = st.one_of(TEXT, st.integers(190, 60000).map(lambda n: "長" * n))
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
              st.floats(allow_nan=True, allow_infinity=True), TEXT),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(TEXT, children, max_size=4)),
    max_leaves=12,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _not_a_server_error(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]


def test_posting_form(client, users):
    client.login(users.officer("131041").email)
    token = client.csrf_token("/postings/new/cases")

    @SETTINGS
    @given(title=LONG, summary=TEXT, body=TEXT, officer=st.one_of(st.just(""), st.just(" "), TEXT),
           contact_name=TEXT, fields=TEXT, partners=st.one_of(st.just(""), st.just("輪島市"), TEXT),
           period_start=st.one_of(st.just(""), st.just("2024-04"), TEXT))
    # One valid and one invalid form always, whichever examples this Hypothesis release draws.
    @example(title="区民農園の交流\x0b", summary="概要", body="本文", officer="", contact_name="佐藤 涼",
             fields="", partners="輪島市", period_start="2024-04")
    @example(title="", summary="概要", body="本文", officer="", contact_name="佐藤 涼",
             fields="", partners="", period_start="")
    def check(title, summary, body, officer, contact_name, fields, partners, period_start):
        before = _count(Posting)
        data = _form(title=title, summary=summary, body=body, officer=officer, contact_name=contact_name,
                     fields=fields, partners=partners, period_start=period_start, csrf_token=token)
        response = client.post("/postings/new/cases", data=data)
        _not_a_server_error(response)
        outcomes.append(response.status_code)
        if response.status_code == 302:
            posting = db.session.scalar(select(Posting).order_by(Posting.id.desc()).limit(1))
            assert _count(Posting) == before + 1
            assert posting.title == single_line(title)  # saved whole, on one line
            assert posting.summary == without_controls(summary).strip()
        else:
            assert response.status_code == 400 and _count(Posting) == before

    outcomes: list[int] = []
    check()
    assert 302 in outcomes and 400 in outcomes  # both sides of the property were exercised


def test_contact_form(app, client, users, postings):
    app.config["RATELIMIT_CONTACT"] = "100000 per minute"
    posting = postings(officer=users.officer("131041").officer)
    token = client.csrf_token(f"/contact/postings/{posting.id}")

    @SETTINGS
    @given(name=st.one_of(st.just("住民 花子"), TEXT), email=st.one_of(st.emails(), TEXT),
           organisation=TEXT, subject=LONG, body=st.one_of(st.just("質問です。"), LONG))
    def check(name, email, organisation, subject, body):
        before = (_count(Thread), _count(OutboxMail))
        response = client.post(f"/contact/postings/{posting.id}", data={
            "name": name, "email": email, "organisation": organisation, "subject": subject,
            "body": body, "website": "", "csrf_token": token})
        _not_a_server_error(response)
        outcomes.append(response.status_code)
        if response.status_code == 302:
            thread = db.session.scalar(select(Thread).order_by(Thread.id.desc()).limit(1))
            assert _count(Thread) == before[0] + 1
            assert thread.messages[0].body == without_controls(body)
            for mail in db.session.scalars(select(OutboxMail).where(OutboxMail.thread_id == thread.id)):
                outbox.build_message(mail)  # every queued mail can be built: none blocks the outbox
        else:
            assert response.status_code == 400 and (_count(Thread), _count(OutboxMail)) == before

    outcomes: list[int] = []
    check()
    assert 302 in outcomes and 400 in outcomes


def test_account_forms(app, client, users):
    app.config["RATELIMIT_LOGIN"] = "100000 per minute"
    admin = users.admin()

    @SETTINGS
    @given(email=st.one_of(st.emails(), TEXT), password=TEXT, next_=TEXT)
    def login(email, password, next_):
        token = client.csrf_token("/accounts/login")
        response = client.post("/accounts/login", query_string={"next": next_},
                               data={"email": email, "password": password, "csrf_token": token})
        _not_a_server_error(response)
        # No generated pair is anyone's credentials: the form comes back refused, every time.
        assert response.status_code == 400

    login()
    client.login(admin.email)
    token = client.csrf_token("/admin/users/new")

    @SETTINGS
    @given(email=st.one_of(st.emails(), TEXT), name=TEXT, municipality=TEXT, password=LONG,
           role=st.sampled_from(["officer", "liaison", "admin", "", "root"]))
    def create_user(email, name, municipality, password, role):
        before = _count(User)
        response = client.post("/admin/users/new", data={
            "email": email, "name": name, "role": role, "municipality": municipality, "desk": "0",
            "password": password, "csrf_token": token})
        _not_a_server_error(response)
        assert _count(User) == before + (1 if response.status_code == 302 else 0)

    create_user()


def test_importer_lines(app):
    @SETTINGS
    @given(changes=st.dictionaries(st.sampled_from(sorted({*GOOD, "details", "contact", "x"})), JSON,
                                   max_size=3),
           raw=st.one_of(st.none(), TEXT))
    def check(changes, raw):
        before = _count(Posting)
        hostile = raw if raw is not None else json.dumps({**GOOD, "external_id": None, **changes})
        lines = [(1, {**GOOD, "external_id": None, "title": "正しい行"}),
                 *importer.read_jsonl(hostile), (3, {**GOOD, "external_id": None, "title": "後の正しい行"})]
        report = importer.import_records(lines)
        assert report.created + report.updated + len(report.errors) == len(lines)
        assert report.created >= 2 and _count(Posting) == before + report.created  # the valid ones kept

    check()


def test_importer_files(app, tmp_path):
    @SETTINGS
    @given(data=st.one_of(st.binary(max_size=400), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))),
           suffix=st.sampled_from([".csv", ".jsonl"]))
    def check(data, suffix):
        path = tmp_path / f"f{suffix}"
        path.write_bytes(b"kind,title\n" + data if suffix == ".csv" else data)
        try:
            report = importer.import_file(path)
        except importer.FileRefused:
            return  # refused at once, before anything is written
        assert report.created == 0  # nothing here is a valid posting

    check()
