"""While the database cannot be reached, pages answer a friendly 503 with Retry-After, never a
500 with a traceback; the API answers JSON."""

import os

import pytest

from app import create_app
from config import TestingConfig


@pytest.fixture
def lost_app(tmp_path):
    """An app whose SQLite file cannot be opened (its folder does not exist)."""
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/gone/db.sqlite3",
                      SEARCH_INDEX_DIR=str(tmp_path / "idx"))


@pytest.mark.parametrize("path", ["/", "/postings/cases/", "/search/?q=防災", "/accounts/login"])
def test_pages_answer_503_in_japanese_with_retry_after(lost_app, path):
    response = lost_app.test_client().get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert "ただいま一時的にご利用いただけません" in page and "データは失われていません" in page
    assert "Traceback" not in page and "sqlite" not in page.lower() and "gone" not in page


def test_english_mode_gets_the_english_page(lost_app):
    client = lost_app.test_client()
    client.set_cookie("lang", "en")
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and '<html lang="en"' in page
    assert "temporarily unavailable" in page.lower()
    assert "ただいま" not in page


def test_api_answers_json_503(lost_app):
    response = lost_app.test_client().get("/api/v1/postings")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.get_json()["error"]["code"] == 503


def test_retry_after_is_the_setting(tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/gone/db.sqlite3",
                     SEARCH_INDEX_DIR=str(tmp_path / "idx"), UNAVAILABLE_RETRY_AFTER=120)
    response = app.test_client().get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "120"
    assert "2分ほど" in response.get_data(as_text=True)


def test_a_database_file_without_tables_is_unavailable_too(tmp_path):
    """A database replaced by an empty file (a failed restore) is an outage, not a bug page."""
    path = tmp_path / "empty.sqlite3"
    path.write_bytes(b"")
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                     SEARCH_INDEX_DIR=str(tmp_path / "idx"))
    assert app.test_client().get("/").status_code == 503


@pytest.mark.sqlite_only  # the SQLite file removed; PostgreSQL outages: tests/postgres/test_outage_postgres.py
def test_database_removed_under_a_running_app_is_unavailable(app, client):
    from app.extensions import db

    assert client.get("/about").status_code == 200
    db.session.remove()
    db.engine.dispose()  # no connection keeps the removed file open
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    assert client.get("/postings/cases/").status_code == 503
