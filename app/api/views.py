"""Read-only JSON API (v1): search and posting details. Errors are JSON (app/errors.py)."""

from flask import abort, jsonify, url_for
from flask_login import current_user

from app import permissions
from app.api import bp
from app.api.openapi import document
from app.api.serialize import facets_json, posting_json, result_json
from app.extensions import db
from app.filters import int_arg
from app.models import Posting
from app.search.params import MAX_PER_PAGE, search_params
from app.services.search import query as service


@bp.get("/search")
def search():
    per_page = int_arg("per_page", "1ページの件数(per_page)", 1, MAX_PER_PAGE, default=20)
    params = search_params(per_page=per_page)
    found = service.search(current_user, params)
    if not found.available:
        abort(503, description="検索は一時的に利用できません。")
    return jsonify(
        total=found.total,
        page=params.page,
        per_page=params.per_page,
        results=[result_json(item) for item in found.items],
        facets=facets_json(found.facets),
    )


@bp.get("/postings/<int:posting_id>")
def posting(posting_id: int):
    found = db.session.get(Posting, posting_id)
    # Officials-only postings and drafts look exactly like missing ones to those who may not see them.
    if found is None or not permissions.can_view_posting(current_user, found):
        abort(404, description="投稿が見つかりません。")
    return jsonify(posting_json(found))


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(url_for("api.search", _external=True).rsplit("/search", 1)[0]))
