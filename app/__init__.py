"""Application factory."""

import contextlib
import os
import sqlite3
import time
from pathlib import Path

from flask import Flask

from app.cleantext import CleanRequest
from config import Config, config_from_env


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = CleanRequest  # no control characters in form fields and query values
    app.config.from_object(config_class or config_from_env())
    app.config.update(overrides)
    _fill_instance_paths(app)
    _refuse_insecure_production(app)
    _check_search_backend(app)

    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_page_cache(app)
    register_commands(app)
    register_middleware(app)
    from app.services.health.readiness import mark_started

    mark_started(app)
    return app


def _fill_instance_paths(app: Flask) -> None:
    """SQLite database and search index live in the instance folder unless configured."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = os.path.join(app.instance_path, "kakehashi.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if not app.config.get("SEARCH_INDEX_DIR"):
        app.config["SEARCH_INDEX_DIR"] = os.path.join(app.instance_path, "search_index")
    if not app.config.get("BOARD_INDEX_DIR"):
        search_dir = os.path.normpath(app.config["SEARCH_INDEX_DIR"])
        app.config["BOARD_INDEX_DIR"] = os.path.join(os.path.dirname(search_dir), "board_index")


def _check_search_backend(app: Flask) -> None:
    backend = app.config["SEARCH_BACKEND"]
    if backend not in ("whoosh", "postgres"):
        raise RuntimeError(f"SEARCH_BACKEND must be 'whoosh' or 'postgres', not {backend!r}.")
    if backend == "postgres" and not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise RuntimeError("SEARCH_BACKEND=postgres keeps the index in the app's database: "
                           "set DATABASE_URL to a PostgreSQL database (postgresql+psycopg://…).")


def _refuse_insecure_production(app: Flask) -> None:
    if app.debug or app.testing:
        return
    production = os.environ.get("KAKEHASHI_ENV") == "production" or app.config.get("ENVIRONMENT") == "production"
    if not production:
        return
    from app.startup_checks import unsafe_production_settings

    problems = unsafe_production_settings(app.config)
    if problems:
        raise RuntimeError("Production refuses to start with these settings:\n"
                           + "\n".join(f"  - {problem}" for problem in problems))


def register_extensions(app: Flask) -> None:
    import flask_babel
    from flask_babel import gettext

    from app import models  # noqa: F401  (register the models with the metadata)
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.i18n import N_, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on the app context; a request must choose its own even
    # when the context was already used (the CLI, the tests' shared context).
    app.before_request(flask_babel.refresh)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = N_("このページを見るにはログインしてください。")
    login_manager.localize_callback = gettext  # flashed in the visitor's language
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str):
        from app.services.accounts.users import user_for_session

        return user_for_session(session_id)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _enable_sqlite_foreign_keys(app)


SQLITE_OPTIMIZE_EVERY = 3600  # seconds between a connection's PRAGMA optimize runs


def _enable_sqlite_foreign_keys(app: Flask) -> None:
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _fk_on(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # WAL lets page reads go on while the mail worker or an import writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        @event.listens_for(engine, "checkin")
        def _optimize(dbapi_connection, record):
            # SQLite plans from statistics only once ANALYZE has run; PRAGMA optimize (what
            # SQLite advises for long-lived connections) analyzes a table this connection used
            # when it has no statistics or has grown 25-fold. Without them the lists sort every
            # visible posting instead of reading the order index (migration 0012).
            now = time.monotonic()
            if now - record.info.setdefault("optimized_at", now) < SQLITE_OPTIMIZE_EVERY:
                return
            record.info["optimized_at"] = now
            with contextlib.suppress(sqlite3.OperationalError):  # busy: tried again later
                dbapi_connection.execute("PRAGMA optimize")


def register_url_converters(app: Flask) -> None:
    from app.filters import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from app.accounts import bp as accounts_bp
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.board import bp as board_bp
    from app.contact import bp as contact_bp
    from app.disasters import bp as disasters_bp
    from app.events import bp as events_bp
    from app.follow import bp as follow_bp
    from app.health import bp as health_bp
    from app.matching import bp as matching_bp
    from app.opendata import bp as opendata_bp
    from app.postings import bp as postings_bp
    from app.public import bp as public_bp
    from app.search import bp as search_bp
    from app.staff import bp as staff_bp
    from app.stats import bp as stats_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(accounts_bp, url_prefix="/accounts")
    app.register_blueprint(postings_bp, url_prefix="/postings")
    app.register_blueprint(search_bp, url_prefix="/search")
    app.register_blueprint(contact_bp, url_prefix="/contact")
    app.register_blueprint(events_bp, url_prefix="/events")
    app.register_blueprint(matching_bp)
    app.register_blueprint(disasters_bp, url_prefix="/disasters")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(follow_bp, url_prefix="/follows")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(opendata_bp, url_prefix="/opendata")
    app.register_blueprint(board_bp, url_prefix="/board")
    app.register_blueprint(stats_bp, url_prefix="/stats")


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from app.security import register

    register(app)


def register_page_cache(app: Flask) -> None:
    from app.pagecache import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app.template_helpers import register

    register(app)


def register_middleware(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from app.middleware import RawUtf8Repair

    app.wsgi_app = RawUtf8Repair(app.wsgi_app)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies < 0:
        raise RuntimeError(f"TRUSTED_PROXIES must be 0 (no proxy) or the number of proxies, not {proxies}.")
    if proxies:
        # The client address (rate limits, logs) and scheme are the ones the trusted proxies
        # saw; what a client writes into these headers itself is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)
