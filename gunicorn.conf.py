"""gunicorn settings: `gunicorn wsgi:app` reads this file from the working directory
(deploy: `gunicorn -c /srv/kakehashi/gunicorn.conf.py wsgi:app`). Every value can be set
from the environment; see the comments.

Workers are processes (the app renders in Python: CPU-bound, one GIL per process). The app
is loaded once in the master and the workers are forked from it (preload_app), sharing what
it loaded; each is then warmed before it takes traffic (post_worker_init → app/warmup.py), so
its first search is as fast as its hundredth.
"""

import gc
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the project's config.py
from config import Config, _env_bool, _env_int  # noqa: E402

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
threads = _env_int("GUNICORN_THREADS", 1)

# A request still running after this many seconds is killed (a search or a page takes
# milliseconds; an import runs in the CLI, not here).
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM/HUP, workers finish what they are serving for this long before they are killed.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)  # seconds (behind nginx, which keeps its own)

# Recycle a worker after this many requests (plus up to 10 % jitter so they do not all
# restart at once): bounds any slow growth of memory. 0 = never.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 5000)
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


# Load the app in the master before forking the workers (0: each worker loads its own). The
# workers then share, copy-on-write, the imported code, the compiled templates, the
# translations and the tokenizer dictionary's pages the master read (app.warmup.warm_shared),
# instead of each holding its own copy. The master opens no database connection and no index
# reader. With it on, HUP starts new workers from the code the master loaded: deploy new
# code with a restart (docs/deploy.md).
preload_app = _env_bool("GUNICORN_PRELOAD", True)

# Warm each worker before it accepts requests (0 turns it off, e.g. to measure a cold start).
WARM_UP = _env_bool("GUNICORN_WARM_UP", True)


def when_ready(server):
    """In the master, once the app is loaded, before the first fork."""
    if not preload_app:
        return
    if WARM_UP:
        from app.warmup import warm_shared

        timings = warm_shared(server.app.wsgi())
        server.log.info("master warmed in %.0f ms (%s)", sum(timings.values()),
                        ", ".join(f"{name} {ms:.0f}" for name, ms in timings.items()))
    # What the master allocated is never collected again: a worker's garbage collector then
    # leaves those pages alone instead of copying them on its first pass.
    gc.freeze()


def post_fork(server, worker):
    """In a new worker: connections must be its own. The master opened none; should a hook
    or an extension have done so, forget them here without closing the master's."""
    if preload_app:
        from app.warmup import forget_connections

        forget_connections(server.app.wsgi())


def post_worker_init(worker):
    if not WARM_UP:
        return
    from app.warmup import warm

    timings = warm(worker.wsgi)
    worker.log.info("worker %s warmed in %.0f ms (%s)", worker.pid, sum(timings.values()),
                    ", ".join(f"{name} {ms:.0f}" for name, ms in timings.items()))
