"""Test helpers: a client that submits real CSRF tokens, and object factories."""

import itertools
import re
from contextlib import contextmanager
from pathlib import Path

from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Category, Municipality
from app.services.accounts import users
from app.services.postings.editing import ContactInput, PostingInput, create_posting
from config import TestingConfig
from tests.databases import Template, drop_copy

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_counter = itertools.count(1)


def _fresh_request_globals() -> None:
    """A real server gives every request a fresh `g`. The tests keep one app context open, so
    without this Flask-Login's cached user (and Flask-WTF's token) of one client's request
    would be seen by the next request of another client."""
    if has_app_context():
        for key in list(g):
            g.pop(key, None)


class WebClient:
    """Wraps Flask's test client. CSRF protection stays on: `post_form` fetches a real token.
    Each request starts with a fresh `g`, as on a server."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def open(self, *args, **kwargs):
        _fresh_request_globals()
        return self.client.open(*args, **kwargs)

    def get(self, *args, **kwargs):
        _fresh_request_globals()
        return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        _fresh_request_globals()
        return self.client.post(*args, **kwargs)

    def csrf_token(self, page_url: str = "/accounts/login") -> str:
        """The token of the form on `page_url` (or of a login/password form: it is per session)."""
        for url in (page_url, "/accounts/login", "/accounts/password"):
            response = self.get(url)
            match = _CSRF.search(response.get_data(as_text=True))
            if response.status_code == 200 and match:
                return match.group(1)
        raise AssertionError(f"no csrf_token on {page_url}")

    def post_form(self, url: str, data: dict | None = None, token_from: str | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(token_from or url))
        return self.post(url, data=data, **kw)

    def login(self, email: str, password: str = PASSWORD):
        response = self.post_form("/accounts/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self.post_form("/accounts/logout", token_from="/")


def _municipality(code: str) -> Municipality:
    return db.session.scalar(select(Municipality).where(Municipality.code == code))


class UserFactory:
    def officer(self, code: str = "131041", email: str | None = None, name: str = "新宿 太郎"):
        email = email or f"officer{next(_counter)}@example.jp"
        return users.create_user(email, name, PASSWORD, "officer", municipality=_municipality(code))

    def liaison(self, desk, email: str | None = None):
        email = email or f"liaison{next(_counter)}@example.jp"
        return users.create_user(email, "窓口 花子", PASSWORD, "liaison", desk=desk)

    def admin(self, email: str | None = None):
        email = email or f"admin{next(_counter)}@example.jp"
        return users.create_user(email, "管理 次郎", PASSWORD, "admin")


class PostingFactory:
    def __call__(self, kind: str = "case_study", code: str = "131041", **overrides):
        categories = overrides.pop("categories", ["A-4"])
        partners = overrides.pop("partners", [])
        officer = overrides.pop("officer", None)
        data = PostingInput(
            kind=kind,
            title=overrides.pop("title", f"テスト投稿 {next(_counter)}"),
            summary=overrides.pop("summary", "概要です。"),
            body=overrides.pop("body", "本文です。"),
            municipality=_municipality(code),
            partners=[_municipality(c) for c in partners],
            categories=db.session.scalars(select(Category).where(Category.code.in_(categories))).all(),
            fields=overrides.pop("fields", ["観光"]),
            officer=officer,
            contact=None if officer else ContactInput(
                name="担当 一郎", email=overrides.pop("contact_email", f"tanto{next(_counter)}@example.jp"),
                department="企画課", title="主事",
            ),
            status=overrides.pop("status", "published"),
            visibility=overrides.pop("visibility", "public"),
            details=overrides.pop("details", {}),
            external_id=overrides.pop("external_id", None),
        )
        assert not overrides, f"unknown overrides {overrides}"
        return create_posting(data, actor=None)


class ServerLikeClient(FlaskClient):
    """Reads each response to its end and closes it, as a WSGI server does: work scheduled
    after the response (the index write of a save) runs before the next request."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def app_on_template_copy(template: Template, folder: Path, **overrides):
    """An app on its own copy of the template database, with its own index, in `folder`.
    On PostgreSQL the index is in the database (SEARCH_BACKEND=postgres) unless overridden;
    the copy is dropped by the `app` fixture or at the end of the session."""
    if template.postgres:
        overrides.setdefault("SEARCH_BACKEND", "postgres")
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=template.copy(folder),
        SEARCH_INDEX_DIR=str(folder / "search_index"),
        INSTANCE_TMP=str(folder),
        **overrides,
    )
    app.test_client_class = ServerLikeClient
    return app


@contextmanager
def running_on_copy(template: Template, folder: Path, **overrides):
    """An app on its own copy of `template` (app_on_template_copy), inside its app context; the
    connections are closed and the copy dropped afterwards (the `app` fixtures' shape)."""
    app = app_on_template_copy(template, folder, **overrides)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    drop_copy(app.config["SQLALCHEMY_DATABASE_URI"])


def app_on_demo_copy(demo_world: Template, folder: Path):
    """An app on its own copy of the demo world's database and index."""
    return app_on_template_copy(demo_world, folder)
