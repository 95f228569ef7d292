"""Two hosts, one truth: two real app processes with folders of their own on one PostgreSQL
database (SEARCH_BACKEND=postgres) and one Redis agree on what was saved through either, count
one login limit between them, and two mail workers running at the same time deliver each
queued mail exactly once."""

import asyncio
import uuid
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models import OutboxMail
from config import TestingConfig
from tests.helpers import PASSWORD, UserFactory
from tests.loopback import Browser, free_port
from tests.postgres.conftest import _admin_engine, drop_database
from tests.production.hosts import Host, flask, host_env
from tests.test_postings import _form

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def shared_database(postgres_server, tmp_path_factory):
    """A migrated database with the reference data and one ward officer; the test process keeps
    an app context on it to look at rows. One for the module: the hosts start once."""
    tmp_path = tmp_path_factory.mktemp("shared")
    name = f"kakehashi_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SEARCH_BACKEND="postgres",
                     SEARCH_INDEX_DIR=str(tmp_path / "setup-index"))
    try:
        with app.app_context():
            from app.services.data.reference import load_reference_data

            upgrade()
            load_reference_data()
            officer = UserFactory().officer("131041", email="kakari@city.shinjuku.example.jp")
            db.session.commit()
            yield url, officer
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(admin, name)
        admin.dispose()


@pytest.fixture(scope="module")
def two_hosts(shared_database, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hosts")
    url, officer = shared_database
    envs = [host_env(url, tmp_path / f"host{n}") for n in (1, 2)]
    hosts = [Host(env, tmp_path / f"host{n}.log") for n, env in enumerate(envs, 1)]
    try:
        for host in hosts:
            host.wait_ready()
        yield hosts, envs, officer
    finally:
        for host in hosts:
            host.stop()


def test_a_posting_saved_on_one_host_is_found_and_contacted_through_the_other(two_hosts):
    (one, two), _envs, officer = two_hosts
    word, title = "ミズバショウ", "ミズバショウの群生地を守る交流"
    # The other host has already rendered (and cached) the empty result.
    resident = Browser(two.url)
    assert title not in resident.get(f"/search/?q={word}").text

    writer = Browser(one.url)
    writer.login(officer.email, PASSWORD)
    data = _form(title=title, officer=str(officer.officer.id),
                 contact_name="", contact_email="")
    saved = writer.post_form("/postings/new/cases", data)
    assert saved.status == 302, saved.text[:500]
    posting_path = saved.headers["Location"].split("127.0.0.1", 1)[-1].split(f":{one.port}", 1)[-1]
    assert posting_path.startswith("/postings/")

    found = resident.get(f"/search/?q={word}")
    assert found.status == 200 and f'href="{posting_path}"' in found.text and title in found.text

    # A resident writes to the officer through the second host; the officer reads it on the first.
    posting_id = posting_path.rsplit("/", 1)[-1]
    sent = resident.post_form(f"/contact/postings/{posting_id}", {
        "name": "住民 花子", "email": "hanako@example.com", "subject": "群生地の見学について",
        "body": "見学の受け入れ時期を教えてください。", "website": ""})
    assert sent.status == 302, sent.text[:500]
    inbox = writer.get("/contact/inbox")
    assert inbox.status == 200 and "群生地の見学について" in inbox.text


class SlowSink:
    """An SMTP server that holds the first deliveries until two workers are sending at once,
    then accepts each mail after a short pause, so the two keep competing for the rows."""

    def __init__(self):
        self.messages = []
        self.sessions = set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.sessions.add(id(session))
        for _ in range(300):  # at most 30 s for the second worker to arrive
            if len(self.sessions) >= 2:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.02)
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.original_content))
        return "250 OK"


def test_two_mail_workers_at_once_send_every_mail_exactly_once(shared_database, tmp_path):
    from app.services.mail import outbox

    url, _officer = shared_database
    for n in range(40):
        outbox.enqueue(f"person{n}@example.jp", f"お知らせ {n}", f"本文 {n}")
    db.session.commit()
    due = outbox.pending_count()  # the 40, and what the other tests here queued (a notification)
    sink = SlowSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        workers = [flask(host_env(url, tmp_path / f"worker{n}", MAIL_SERVER="127.0.0.1", MAIL_PORT=port),
                         "mail", "deliver", "--once") for n in (1, 2)]
        outputs = [worker.communicate(timeout=90)[0] for worker in workers]
    finally:
        controller.stop()
    assert all(w.returncode == 0 for w in workers), outputs
    sent = [int(out.strip().splitlines()[-1].split(" sent", 1)[0]) for out in outputs]
    assert sum(sent) == due and min(sent) > 0, outputs  # both worked, together all of them

    received = [str(m["Message-ID"]) for m in sink.messages]
    assert len(received) == len(set(received)) == due >= 40  # none twice
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMail)).all()
    assert {m.message_id for m in rows} == set(received)  # none lost
    assert all(m.sent_at is not None and m.attempts == 1 for m in rows)



def test_the_login_limit_counts_both_hosts_together(two_hosts):
    """RATELIMIT_LOGIN (10 per minute) in the shared Redis: one visitor (as nginx names them in
    X-Forwarded-For) trying passwords on both hosts in turn gets 10 tries in all, not 10 each."""
    (one, two), _envs, officer = two_hosts
    statuses = []
    for attempt in range(14):
        browser = Browser((one, two)[attempt % 2].url, forwarded_for="203.0.113.7")
        statuses.append(browser.post_form("/accounts/login", {"email": officer.email, "password": "wrong"}).status)
    assert statuses == [400] * 10 + [429] * 4
    # Someone else behind the same proxy is not held back by it.
    assert Browser(two.url, forwarded_for="203.0.113.8").login(officer.email, PASSWORD).status == 302
