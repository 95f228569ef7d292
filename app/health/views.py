from flask import jsonify

from app.health import bp
from app.pagecache import no_page_cache


@bp.route("/healthz")
@no_page_cache
def healthz():
    """The process is alive and answering: touches neither the database nor the index."""
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
