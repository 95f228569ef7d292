"""Settings production refuses to start with; each refusal names the setting to change."""

from config import DEV_SECRET_KEY

WORKERS_SETTING = "WEB_CONCURRENCY, by default 2 × CPUs + 1"


def unsafe_production_settings(config) -> list[str]:
    problems = []
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < 32:
        problems.append("SECRET_KEY: set a random value of at least 32 characters "
                        '(python -c "import secrets; print(secrets.token_hex(32))").')
    if config.get("DEV_MAILBOX"):
        # The development mailbox shows every mail, private reply links included.
        problems.append("DEV_MAILBOX must be off in production.")
    workers = int(config["WEB_CONCURRENCY"])
    if workers > 1 and config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        problems.append(f"RATELIMIT_STORAGE_URI=memory:// counts in each of the {workers} workers "
                        f"({WORKERS_SETTING}), so every limit lets that many times through: set a shared "
                        "store (RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0) or WEB_CONCURRENCY=1.")
    if workers > 1 and config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problems.append(f"DATABASE_URL: SQLite is one file with one writer, not for {workers} workers "
                        f"({WORKERS_SETTING}): set DATABASE_URL=postgresql+psycopg://… or WEB_CONCURRENCY=1.")
    if not (config.get("SESSION_COOKIE_SECURE") and config.get("REMEMBER_COOKIE_SECURE")):
        problems.append("SESSION_COOKIE_SECURE must be on in production (it also sets "
                        "REMEMBER_COOKIE_SECURE): session cookies over HTTPS only.")
    site_url = str(config.get("SITE_URL") or "")
    if not site_url.startswith("https://"):
        problems.append(f"SITE_URL must be the site's https:// address (the links in mails), not {site_url!r}.")
    return problems
