"""`/healthz`: the process answers (no database). `/readyz`: this process is ready for traffic
(database, migrations, search index, the worker keeping up; app/services/health/readiness.py).
Neither is ever served from the page cache nor rate limited: load balancers poll them."""

from flask import jsonify, request
from flask_babel import gettext as _

from app.extensions import csrf, limiter
from app.health import bp
from app.pagecache import no_page_cache
from app.services.health import readiness

NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
@no_page_cache
def healthz():
    return jsonify({"status": "ok"}), 200, NO_STORE


@bp.get("/readyz")
@limiter.exempt
@csrf.exempt
@no_page_cache
def readyz():
    scope = request.args.get("scope", "all")
    if scope not in readiness.SCOPES:
        return jsonify({"error": _("scope は all または web です。")}), 400, NO_STORE
    ready, report = readiness.check(scope)
    return jsonify(report), 200 if ready else 503, NO_STORE
