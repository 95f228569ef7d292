from pathlib import Path

import pytest

from app import create_app
from config import ProductionConfig, TestingConfig

SAFE = {"SECRET_KEY": "x" * 64, "WEB_CONCURRENCY": 1, "SITE_URL": "https://kakehashi.example.jp"}


def production_app(monkeypatch, tmp_path, **settings):
    monkeypatch.setenv("KAKEHASHI_ENV", "production")
    return create_app(ProductionConfig, **{"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
                                           "SEARCH_INDEX_DIR": str(tmp_path / "idx"), **settings})


def test_production_refuses_the_development_secret_key(monkeypatch, tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production_app(monkeypatch, tmp_path)


def test_production_starts_with_safe_settings(monkeypatch, tmp_path):
    app = production_app(monkeypatch, tmp_path, **SAFE)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    # Several workers are fine once what they share is shared.
    production_app(monkeypatch, tmp_path, **{**SAFE, "WEB_CONCURRENCY": 4,
                                            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                                            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://k@127.0.0.1/k"})


@pytest.mark.parametrize(("settings", "names"), [
    ({"SECRET_KEY": "short-but-not-default"}, ["SECRET_KEY"]),
    ({"DEV_MAILBOX": True}, ["DEV_MAILBOX"]),
    ({"WEB_CONCURRENCY": 3, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://k@127.0.0.1/k"},
     ["RATELIMIT_STORAGE_URI=redis://", "WEB_CONCURRENCY=1"]),
    ({"WEB_CONCURRENCY": 3, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},
     ["DATABASE_URL=postgresql", "WEB_CONCURRENCY=1"]),
    ({"SESSION_COOKIE_SECURE": False}, ["SESSION_COOKIE_SECURE"]),
    ({"REMEMBER_COOKIE_SECURE": False}, ["SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"]),
    ({"SITE_URL": "http://kakehashi.example.jp"}, ["SITE_URL", "https://"]),
    ({"SEARCH_BACKEND": "postgres"}, ["SEARCH_BACKEND=postgres", "DATABASE_URL"]),
    ({"TRUSTED_PROXIES": -1}, ["TRUSTED_PROXIES"]),
])
def test_production_refuses_an_unsafe_setting_and_names_it(monkeypatch, tmp_path, settings, names):
    with pytest.raises(RuntimeError) as refused:
        production_app(monkeypatch, tmp_path, **{**SAFE, **settings})
    message = str(refused.value)
    assert all(name in message for name in names), message
    assert message.count("\n  - ") <= 1  # only what is wrong, not a list of every rule


def test_production_lists_every_unsafe_setting_at_once(monkeypatch, tmp_path):
    with pytest.raises(RuntimeError) as refused:
        production_app(monkeypatch, tmp_path, SITE_URL="http://x", WEB_CONCURRENCY=2)
    message = str(refused.value)
    for name in ("SECRET_KEY", "RATELIMIT_STORAGE_URI", "DATABASE_URL", "SITE_URL"):
        assert f"  - {name}" in message, message


def test_the_default_number_of_workers_is_gunicorns_advice(monkeypatch):
    import importlib
    import os

    import config

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    try:
        workers = importlib.reload(config).Config.WEB_CONCURRENCY
        assert workers == 2 * (os.cpu_count() or 1) + 1
        monkeypatch.setenv("WEB_CONCURRENCY", "3")
        assert importlib.reload(config).Config.WEB_CONCURRENCY == 3
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_instance_folder_defaults():
    """Nothing configured: SQLite and the index in Flask's instance folder."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="", SEARCH_INDEX_DIR="", BOARD_INDEX_DIR="")
    instance = Path(app.instance_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'kakehashi.sqlite3'}"
    assert app.config["SEARCH_INDEX_DIR"] == str(instance / "search_index")
    assert app.config["BOARD_INDEX_DIR"] == str(instance / "board_index")


def test_error_pages_are_japanese(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.get_data(as_text=True)


def test_pages_carry_security_headers(client):
    headers = client.get("/").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_session_cookie_is_httponly_and_samesite(client, users):
    users.officer(email="taro@example.jp")
    response = client.post_form("/accounts/login", {"email": "taro@example.jp", "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unexpected_errors_get_the_japanese_500_page(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "サーバーで問題が発生しました" in html and "RuntimeError" not in html
