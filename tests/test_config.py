import pytest

from app import create_app
from config import ProductionConfig


def test_production_refuses_the_development_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("KAKEHASHI_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db")


def test_production_starts_with_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("KAKEHASHI_ENV", "production")
    app = create_app(ProductionConfig, SECRET_KEY="x" * 64, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_instance_folder_defaults(app):
    assert app.config["SEARCH_INDEX_DIR"]
    assert "sqlite" in app.config["SQLALCHEMY_DATABASE_URI"]


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
