"""A real SMTP server (aiosmtpd) on a free loopback port, in the test process.

`smtp.mode` switches what it answers: "accept", or an SMTP error line such as "451 …"
(temporary refusal); `smtp.stop()` / `smtp.start()` take the server down and up again.
"""

import socket
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from app.models import OutboxMail


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []
        self.mode = "accept"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        if self.mode != "accept":
            return self.mode
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.original_content))
        return "250 OK"

    def to(self, addr: str):
        return [m for m in self.messages if addr in str(m["To"])]

    def body(self, msg) -> str:
        return msg.get_body(preferencelist=("plain",)).get_content()


class SMTPServer:
    def __init__(self):
        self.port = _free_port()
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.mailbox.messages


@pytest.fixture
def smtp(app):
    server = SMTPServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5,
                      MAIL_RETRY_BASE=30, SITE_URL="http://kakehashi.test")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def generous_limits(app):
    """Most tests send several messages; the rate-limit test sets its own limit."""
    app.config["RATELIMIT_CONTACT"] = "1000 per minute"


@pytest.fixture
def deliver(app, smtp):
    """Run the worker once (as `flask mail deliver --once` does)."""
    from app.services.mail import outbox

    def run(now=None):
        return outbox.deliver_due(now=now)

    return run


def pending(db):
    from sqlalchemy import select

    return db.session.scalars(select(OutboxMail).where(OutboxMail.sent_at.is_(None))).all()


@pytest.fixture
def new_client(app):
    """Another browser. The tests share one app context, so Flask-WTF's per-request cache
    of the CSRF token (flask.g) must be dropped when switching to a fresh session."""
    from flask import g

    from tests.helpers import WebClient

    def make():
        g.pop("csrf_token", None)
        return WebClient(app.test_client())

    return make
