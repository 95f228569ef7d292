"""PostgreSQL goes away under a running app and comes back: pages answer 503 with Retry-After
meanwhile (not a 500), /readyz turns 503 naming the database, and both recover by themselves."""

import pytest
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.services.search import indexing
from config import TestingConfig
from tests.postgres.relay import Relay


@pytest.fixture
def relayed(pg_app, tmp_path):
    """(app connected through a relay, relay) on pg_app's migrated database."""
    upgrade()
    direct = make_url(pg_app.config["SQLALCHEMY_DATABASE_URI"])
    relay = Relay((direct.host or "127.0.0.1", direct.port or 5432))
    relay.start()
    url = direct.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=str(tmp_path / "relayed"),
                     CACHE_TYPE="NullCache")
    with app.app_context():
        from app.services.data.reference import load_reference_data

        load_reference_data()
        indexing.ensure_index()
        db.session.remove()
    yield app, relay
    relay.cut()
    with app.app_context():
        db.engine.dispose()


def test_database_away_and_back(relayed):
    app, relay = relayed
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    assert client.get("/municipalities").status_code == 200

    relay.cut()
    page = client.get("/municipalities")
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "ただいま一時的にご利用いただけません" in page.get_data(as_text=True)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["failing"][0] == "database"
    assert "kakehashi" not in ready.get_data(as_text=True)  # no user name, database or host

    relay.start()
    assert client.get("/readyz").status_code == 200
    assert client.get("/municipalities").status_code == 200
