"""Real app processes for the multi-host tests: a web server per "host" (gunicorn when installed,
else Flask's server) and `flask` commands; the browser and the port are tests/loopback.py's."""

import os
import subprocess
import sys
from pathlib import Path

from tests.loopback import ROOT, ServerProcess

BIN = Path(sys.executable).parent


def host_env(database_url: str, instance: Path, **settings) -> dict:
    """The environment of one host: production settings, its own folders, the shared database."""
    instance.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "KAKEHASHI_"))}
    env.update(
        FLASK_APP="wsgi.py", KAKEHASHI_ENV="production", SECRET_KEY="x" * 64,
        DATABASE_URL=database_url, SEARCH_BACKEND="postgres",
        SEARCH_INDEX_DIR=str(instance / "search_index"), BOARD_INDEX_DIR=str(instance / "board_index"),
        DEV_MAIL_DIR=str(instance / "mail"), SITE_URL="https://kakehashi.test",
        # Behind one proxy (nginx); up to two workers (gunicorn below) counting rate limits in the
        # tests' Redis, under keys of this database's hosts alone.
        TRUSTED_PROXIES="1", WEB_CONCURRENCY="2",
        RATELIMIT_STORAGE_URI=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        RATELIMIT_KEY_PREFIX=f"kakehashi-test-{database_url.rsplit('/', 1)[-1]}",
    )
    env.update({k: str(v) for k, v in settings.items()})
    return env


class Host(ServerProcess):
    """One web host: a server process on a loopback port, its output in `log`."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        super().__init__(self._command, env, stdout=log.open("wb"), stderr=subprocess.STDOUT)

    @staticmethod
    def _command(port: int) -> list[str]:
        if (BIN / "gunicorn").exists():
            command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"]
            if (ROOT / "gunicorn.conf.py").exists():
                command[1:1] = ["--config", "gunicorn.conf.py"]
            return command
        return [str(BIN / "flask"), "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", "--no-debugger"]

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def flask(env: dict, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "flask"), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **popen)
