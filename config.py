"""Configuration classes. Every setting can be overridden from the environment.

Defaults are the embedded ones: SQLite and the Whoosh index in Flask's instance folder.
Paths that depend on the instance folder are filled in by `create_app` when left empty.
"""

import os


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def default_web_workers() -> int:
    """gunicorn's advice for sync workers: two per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    ENVIRONMENT = "development"  # set by each class below; production refuses unsafe settings
    # Signs sessions, CSRF tokens and the links in mails; production refuses the development key.
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    # Empty means "sqlite:///<instance>/kakehashi.sqlite3", set in create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Where the search index lives: "whoosh" (files in SEARCH_INDEX_DIR, one host) or "postgres"
    # (tables in the app's PostgreSQL database, shared by every web host).
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    # Empty means "<instance>/search_index", set in create_app.
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", "")
    # Processes that analyse postings during `flask search rebuild` (the machine's cores).
    SEARCH_REBUILD_PROCS = _env_int("SEARCH_REBUILD_PROCS", os.cpu_count() or 1)
    # How long a save waits for the index's single writer before leaving the change queued.
    SEARCH_LOCK_TIMEOUT = float(os.environ.get("SEARCH_LOCK_TIMEOUT", "2"))
    # The officials' exchange board has an index of its own; empty means "board_index" beside
    # SEARCH_INDEX_DIR (set in create_app), so nothing of it can reach the public search.
    BOARD_INDEX_DIR = os.environ.get("BOARD_INDEX_DIR", "")
    # Authors may edit their board topics and answers this many hours after writing them.
    BOARD_EDIT_WINDOW_HOURS = _env_int("BOARD_EDIT_WINDOW_HOURS", 24)

    # Outgoing mail (notifications go through the outbox table, see app/services/mail/outbox.py).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _env_int("MAIL_PORT", 8025)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Kakehashi <no-reply@kakehashi.example.jp>")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    # Delivery retries: wait MAIL_RETRY_BASE seconds, doubled per attempt up to MAIL_RETRY_MAX;
    # after MAIL_MAX_ATTEMPTS (about 6 hours with these values) a mail is "failed" for admins.
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 12)
    MAIL_RETRY_BASE = _env_int("MAIL_RETRY_BASE", 30)
    MAIL_RETRY_MAX = _env_int("MAIL_RETRY_MAX", 3600)
    # Absolute base URL used in e-mails (links back to the site).
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")

    # Self sign-up: how long the links in account mails stay valid (seconds).
    SIGNUP_TOKEN_MAX_AGE = _env_int("SIGNUP_TOKEN_MAX_AGE", 48 * 3600)  # verify sign-up / new address
    RESET_TOKEN_MAX_AGE = _env_int("RESET_TOKEN_MAX_AGE", 3600)  # password reset

    # Digests (follows and the notice digest) go out from this hour, Japan time; weekly ones
    # from that hour on this weekday (0 = Monday).
    DIGEST_HOUR_JST = _env_int("DIGEST_HOUR_JST", 8)
    DIGEST_WEEKDAY = _env_int("DIGEST_WEEKDAY", 0)
    # Seconds between the worker's follow-digest passes (immediate mail waits at most this long).
    FOLLOW_DIGEST_EVERY = _env_int("FOLLOW_DIGEST_EVERY", 60)
    # mailto: of List-Unsubscribe in digests; "" = unsubscribe@<MAIL_DEFAULT_SENDER's domain>.
    MAIL_UNSUBSCRIBE_ADDRESS = os.environ.get("MAIL_UNSUBSCRIBE_ADDRESS", "")

    # Contact routing: a thread unanswered this many working days is escalated to the desk.
    ESCALATION_WORKING_DAYS = _env_int("ESCALATION_WORKING_DAYS", 3)

    # Web worker processes per host (gunicorn reads the same variable). Production refuses
    # per-process state (memory:// limits, SQLite) when there is more than one.
    WEB_CONCURRENCY = _env_int("WEB_CONCURRENCY", default_web_workers())
    # Proxies in front of the app that append to X-Forwarded-For (nginx: 1). 0 = none: the
    # headers are ignored and the client address is the connection's.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    # /readyz (load balancers) answers 503 when one of these is older, in minutes: the oldest
    # pending search-index change (a worker or index that stopped catching up), the oldest mail
    # due and not sent (the worker is down or SMTP refuses), the last follow-digest pass of the
    # worker (it records itself at least every 10 minutes; counted from this process's start on
    # a fresh install).
    READYZ_INDEX_QUEUE_MAX_MINUTES = _env_int("READYZ_INDEX_QUEUE_MAX_MINUTES", 10)
    READYZ_MAIL_DUE_MAX_MINUTES = _env_int("READYZ_MAIL_DUE_MAX_MINUTES", 15)
    READYZ_DIGEST_MAX_MINUTES = _env_int("READYZ_DIGEST_MAX_MINUTES", 30)
    # Retry-After (seconds) of the 503 page shown while the database cannot be reached.
    UNAVAILABLE_RETRY_AFTER = _env_int("UNAVAILABLE_RETRY_AFTER", 30)

    # Rate limits (Flask-Limiter syntax). memory:// counts in each process: with several workers
    # or hosts the counts must be shared, e.g. redis://127.0.0.1:6379/0 (docs/deploy.md).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Keys in the shared store start with this (several sites may share one Redis).
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "kakehashi")
    # Seconds to wait for the shared store before counting in this process's memory instead.
    RATELIMIT_STORAGE_OPTIONS = {
        "socket_connect_timeout": float(os.environ.get("RATELIMIT_STORAGE_TIMEOUT", "0.5")),
        "socket_timeout": float(os.environ.get("RATELIMIT_STORAGE_TIMEOUT", "0.5")),
    }
    # If the store is unreachable, limits count per process until it answers again (a login
    # never fails because Redis blipped); any other store error is logged, not shown.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # moving-window counts the hits of the last minute/hour/day whenever a request comes, so
    # "10 per minute" is never 20 across a window's edge (fixed-window restarts on the minute).
    RATELIMIT_STRATEGY = os.environ.get("RATELIMIT_STRATEGY", "moving-window")
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    RATELIMIT_CONTACT = os.environ.get("RATELIMIT_CONTACT", "5 per minute;30 per day")
    # Board topics, answers, edits and reports, per account.
    RATELIMIT_BOARD = os.environ.get("RATELIMIT_BOARD", "6 per minute;60 per day")
    # Forms that mail an address (sign-up, password reset, address change): per client address
    # (generous: a prefecture's offices may share one LGWAN gateway) and per address typed.
    RATELIMIT_ACCOUNT_MAIL = os.environ.get("RATELIMIT_ACCOUNT_MAIL", "10 per minute;200 per day")
    RATELIMIT_ACCOUNT_MAIL_ADDRESS = os.environ.get("RATELIMIT_ACCOUNT_MAIL_ADDRESS", "3 per hour;10 per day")
    # Matching queries run for any parameters (/disasters/plan, /api/v1/disaster-offers,
    # /api/v1/postings/<id>/matches): one budget per client address, for all three.
    RATELIMIT_MATCHING = os.environ.get("RATELIMIT_MATCHING", "30 per minute;600 per hour")
    RATELIMIT_HEADERS_ENABLED = True

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    # Flask-Login's "remember me" cookie; a visitor carrying it never gets a cached page.
    REMEMBER_COOKIE_NAME = os.environ.get("REMEMBER_COOKIE_NAME", "remember_token")
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock

    # Interface languages: Japanese first; English through app/translations (fixed).
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGES = ["ja", "en"]

    # Anonymous page cache (Flask-Caching, app/pagecache.py): "SimpleCache" keeps renderings in
    # each process; "RedisCache" with CACHE_REDIS_URL shares them between hosts; "NullCache" = off.
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "kakehashi:")
    # Renderings kept per process by SimpleCache (about 50 kB each).
    CACHE_THRESHOLD = _env_int("CACHE_THRESHOLD", 500)
    # Seconds a rendering lives: a change of data replaces it at once (generation), this only
    # bounds what depends on the clock (upcoming events).
    PAGE_CACHE_TIMEOUT = _env_int("PAGE_CACHE_TIMEOUT", 300)

    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # bytes of one request (Flask answers 413 beyond)
    # Werkzeug's default password hash; tests lower the cost for speed only.
    PASSWORD_HASH_METHOD = "scrypt"
    # `flask data demo` prints the demo accounts' passwords (development only).
    SHOW_DEMO_ACCOUNTS = False
    # /contact/dev/mailbox: the dev SMTP sink's mail, private links included (never in production).
    DEV_MAILBOX = _env_bool("DEV_MAILBOX", False)
    # Where `flask mail sink` keeps what it receives; empty means "<instance>/mail".
    DEV_MAIL_DIR = os.environ.get("DEV_MAIL_DIR", "")
    CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY", "")  # "" = app/security.py's


class DevelopmentConfig(Config):
    DEBUG = True
    SHOW_DEMO_ACCOUNTS = True
    DEV_MAILBOX = _env_bool("DEV_MAILBOX", True)  # /contact/dev/mailbox shows what the dev SMTP sink received


class TestingConfig(Config):
    ENVIRONMENT = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"
    # CSRF stays ON in tests: the tests submit real tokens.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    SERVER_NAME = None


class ProductionConfig(Config):
    ENVIRONMENT = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    """The config class named by KAKEHASHI_ENV (default: development)."""
    return CONFIGS[os.environ.get("KAKEHASHI_ENV", "development")]
