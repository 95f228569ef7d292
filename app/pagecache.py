"""Anonymous page cache, conditional responses and long-lived static URLs.

Residents who open the same page get one rendering, kept in the cache (Flask-Caching: in each
process by default, Redis for several hosts) under the page's URL, language and text size and
the *generation* of the public data. The generation is a row bumped in the same transaction as
every change to a table the pages show (postings, events, municipalities, officers…), so a
rendering made before a change is never served after it; the timeout only bounds what depends
on the clock (upcoming events). A view whose answers also follow something else adds that
thing's version to the key (`page_cache_also_keyed_by`: search results and the search index's
version, so an index write is on the next search). Only anonymous requests are served from the cache or stored
in it, and only renderings that are the same for every anonymous visitor: none with a flash
message, a CSRF token, a cookie to set or a private Cache-Control. Logged-in pages are never
cached here; every GET answer gets an ETag (and 304 to a matching If-None-Match).
"""

import functools
import hashlib
import logging
import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, g, request, session
from flask_caching import Cache
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import CacheGeneration
from app.timestamps import utcnow

cache = Cache()
log = logging.getLogger(__name__)

PUBLIC = "public"
# Tables no anonymous page reads: writing them leaves the cached pages valid. Anything else
# (including tables added later) bumps the generation: a missed bump would show stale pages.
# index_queue is not among them: clearing it means search results changed (the index caught up).
PRIVATE_TABLES = frozenset({
    "cache_generations", "board_index_queue", "outbox", "threads", "messages",
    "blocks", "audit_log", "job_runs", "users", "notices", "follows", "digests", "digest_items",
    "municipality_domains", "board_topics", "board_answers", "board_reports", "board_notices",
    "board_topic_categories", "board_topic_tags", "board_answer_postings", "alembic_version",
})
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.I)
_WROTE, _BUMPED = "kakehashi_public_write", "kakehashi_generation_bumped"
ONE_YEAR = 365 * 24 * 3600


def no_page_cache(view):
    """Marks a view whose answers must never come from the page cache (health checks…)."""
    view.page_cache = False
    return view


def page_cache_also_keyed_by(version):
    """Marks a view whose answers also follow something outside the database (search results
    follow the search index): `version()`, read on every request like the generation, is part
    of the key; when it raises, the request is neither served from the cache nor stored."""
    def mark(view):
        view.page_cache_version = version
        return view
    return mark


def register(app: Flask) -> None:
    cache.init_app(app)
    with app.app_context():
        _watch_writes(db.engine)
    app.before_request(_serve_cached)
    app.after_request(_finish)
    app.url_defaults(_static_version)


# --- the generation --------------------------------------------------------------------------


_GENERATION = select(CacheGeneration.value).where(CacheGeneration.name == PUBLIC)


def generation() -> int:
    """The public data's generation, read on a connection of its own (one short statement):
    a cache hit never opens the request's ORM session, which costs more than the page."""
    with db.engine.connect() as conn:
        return conn.execute(_GENERATION).scalar() or 0


def _watch_writes(engine) -> None:
    if getattr(engine, "_kakehashi_watched", False):
        return
    engine._kakehashi_watched = True

    @event.listens_for(engine, "before_cursor_execute")
    def note_write(conn, _cursor, statement, *_args):
        match = _WRITE.match(statement)
        if match and match.group(1).lower() not in PRIVATE_TABLES:
            conn.info[_WROTE] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def forget(conn):
        conn.info.pop(_WROTE, None)
        conn.info.pop(_BUMPED, None)


@event.listens_for(Session, "after_flush")
def _bump_after_flush(session, _flush_context):
    _bump_if_written(session)


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session):
    _bump_if_written(session)  # statements run without a flush (bulk updates, Core inserts)


def _bump_if_written(session) -> None:
    """Bump the generation once per transaction that wrote a public table, in that transaction:
    the change and the new generation become visible together."""
    if not session.in_transaction():
        return
    conn = session.connection()
    if not conn.info.get(_WROTE) or conn.info.get(_BUMPED):
        return
    conn.info[_BUMPED] = True
    bumped = conn.execute(
        update(CacheGeneration).where(CacheGeneration.name == PUBLIC)
        .values(value=CacheGeneration.value + 1, changed_at=utcnow())
    )
    if not bumped.rowcount:
        conn.execute(CacheGeneration.__table__.insert().values(name=PUBLIC, value=1, changed_at=utcnow()))


# --- serving and storing ---------------------------------------------------------------------


def skip_page_cache() -> None:
    """This answer is not kept in the page cache (a transient failure: the search index could
    not be read, and the next visitor must try again)."""
    g.pop("page_cache_key", None)


def _cacheable_view():
    """The view of an anonymous request whose answer may come from the cache, else None."""
    if request.method not in ("GET", "HEAD") or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "page_cache", True) is False or request.endpoint.rsplit(".", 1)[-1] == "static":
        return None
    if _has_own_rate_limit(view):  # its limit counts in the view: every request must reach it
        return None
    remember = current_app.config["REMEMBER_COOKIE_NAME"]
    # Reading the session costs no query: a visitor with a login, a remember cookie or a
    # message waiting to be shown gets their own rendering.
    if "_user_id" in session or "_flashes" in session or remember in request.cookies:
        return None
    return view


@functools.cache
def _has_own_rate_limit(view) -> bool:
    from flask_limiter.util import get_qualified_name

    from app.extensions import limiter

    return bool(limiter.limit_manager.decorated_limits(get_qualified_name(view)))


def _key(value: str) -> str:
    from app.i18n import select_locale

    size = request.cookies.get("text_size", "normal")
    env = request.environ  # the URL as received: request.url would decode and quote it again
    url = (env["wsgi.url_scheme"], env.get("HTTP_HOST") or env.get("SERVER_NAME", ""),
           env.get("SCRIPT_NAME", ""), env.get("PATH_INFO", ""), env.get("QUERY_STRING", ""))
    raw = "\n".join([str(value), select_locale(), size, request.method, *url])
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _serve_cached():
    if current_app.config["CACHE_TYPE"] == "NullCache":
        return None
    view = _cacheable_view()
    if view is None:
        return None
    value = str(generation())
    version = getattr(view, "page_cache_version", None)
    if version is not None:
        try:
            value += "/" + version()
        except Exception:  # unreadable: this answer is neither served from nor kept in the cache
            log.warning("page cache: %s unreadable, not cached", request.endpoint, exc_info=True)
            return None
    g.page_cache_key = key = _key(value)
    hit = cache.get(key)
    if hit is None:
        return None
    body, status, headers = hit
    g.page_cache_hit = True
    return Response(body, status=status, headers=headers)


def _storable(response: Response) -> bool:
    from flask_login import current_user

    cache_control = response.headers.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not session.modified
        and "csrf_token" not in g  # a form's token belongs to one visitor's session
        and not ("_login_user" in g and current_user.is_authenticated)
        and "private" not in cache_control and "no-store" not in cache_control
    )


def _finish(response: Response) -> Response:
    if request.endpoint and request.endpoint.rsplit(".", 1)[-1] == "static":
        return _static_headers(response)
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.is_streamed:
        return response
    if g.get("page_cache_hit"):  # stored with all of the headers below
        return response.make_conditional(request)
    # Language, text size and login are cookies: a browser keeps one copy per cookie set.
    response.vary.add("Cookie")
    key = g.get("page_cache_key")
    if key and _storable(response):
        response.last_modified = utcnow().replace(microsecond=0)
        response.add_etag()
        response.headers.setdefault("Cache-Control", "no-cache")  # revalidate, then 304
        cache.set(key, (response.get_data(), response.status_code, list(response.headers.items())),
                  timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
    else:
        response.add_etag()
        response.headers.setdefault("Cache-Control", "private, no-cache")
    return response.make_conditional(request)


# --- static files ----------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _static_file(endpoint: str, filename: str) -> Path | None:
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else None
    folder = current_app.blueprints[blueprint].static_folder if blueprint else current_app.static_folder
    path = Path(folder or "") / filename
    try:
        return path if folder and path.is_file() else None
    except (OSError, ValueError):  # a name longer than the file system allows: no such file
        return None


def _static_version(endpoint: str, values: dict) -> None:
    """url_for('static', filename=…) carries the file's content hash (?v=…): a changed file
    gets a new URL, so the old one may be cached for a year."""
    if endpoint.rsplit(".", 1)[-1] != "static" or "v" in values or "filename" not in values:
        return
    path = _static_file(endpoint, values["filename"])
    if path is not None:
        values["v"] = _digest(str(path), path.stat().st_mtime_ns)


def _static_headers(response: Response) -> Response:
    filename = (request.view_args or {}).get("filename", "")
    path = _static_file(request.endpoint, filename) if filename else None
    if path is not None and request.args.get("v") == _digest(str(path), path.stat().st_mtime_ns):
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    return response
