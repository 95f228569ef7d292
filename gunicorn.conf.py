"""gunicorn settings: `gunicorn wsgi:app` reads this file from the working directory
(deploy: `gunicorn -c /srv/kakehashi/gunicorn.conf.py wsgi:app`). Every value can be set
from the environment; see the comments.

Workers are processes (the app renders in Python: CPU-bound, one GIL per process). Each is
warmed before it takes traffic (post_worker_init → app/warmup.py), so its first search is as
fast as its hundredth.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the project's config.py
from config import Config  # noqa: E402


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


# Where to listen: "127.0.0.1:8000" behind nginx on the same host, "0.0.0.0:8000" behind a
# load balancer, or "unix:/run/kakehashi/web.sock".
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Worker processes: the app's WEB_CONCURRENCY setting (config.py: the environment variable,
# else 2 per core plus 1), so that its production checks (shared rate limits and PostgreSQL
# with more than one) see the number that runs.
workers = Config.WEB_CONCURRENCY

# Threads per worker: 1 = sync workers (nginx buffers slow clients). More (gthread) help when
# requests wait on a remote PostgreSQL; the app is thread-safe (one Sudachi tokenizer per
# thread, one SQLAlchemy session per thread, locks around the index's caches).
threads = _int("GUNICORN_THREADS", 1)

# A request still running after this many seconds is killed (a search or a page takes
# milliseconds; an import runs in the CLI, not here).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM/HUP, workers finish what they are serving for this long before they are killed.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # seconds (behind nginx, which keeps its own)

# Recycle a worker after this many requests (plus up to 10 % jitter so they do not all
# restart at once): bounds any slow growth of memory. 0 = never.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10

# Logs: the access log in the Combined Log Format (what nginx and log tools read) with the
# request time in microseconds at the end; "-" = stdout (journald under systemd) or a path.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'

# gunicorn believes X-Forwarded-Proto (https) only from these addresses: the local nginx. The
# client's address for rate limits is the app's business (ProxyFix, config.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Warm each worker before it accepts requests (0 turns it off, e.g. to measure a cold start).
WARM_UP = os.environ.get("GUNICORN_WARM_UP", "1") not in ("0", "false", "no", "off")


def post_worker_init(worker):
    if not WARM_UP:
        return
    from app.warmup import warm

    timings = warm(worker.wsgi)
    worker.log.info("worker %s warmed in %.0f ms (%s)", worker.pid, sum(timings.values()),
                    ", ".join(f"{name} {ms:.0f}" for name, ms in timings.items()))
