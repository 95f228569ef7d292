"""Search pages (placeholder until the search results page lands)."""

from flask import redirect, request, url_for

from app.search import bp


@bp.route("/")
def results():
    return redirect(url_for("postings.index", **request.args))
