"""`/healthz`: the process answers (no database, never from the page cache)."""

from flask import jsonify

from app.extensions import csrf, limiter
from app.health import bp
from app.pagecache import no_page_cache

NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
@no_page_cache
def healthz():
    return jsonify({"status": "ok"}), 200, NO_STORE
