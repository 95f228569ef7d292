"""Postings and search results as JSON. Only what the public pages show: never the officer's
e-mail address or phone number."""

from datetime import date, datetime

from flask import url_for

from app.models import Posting
from app.models.kinds import DETAIL_FIELDS
from app.services.search.query import FacetValue, Item
from app.timestamps import isoformat


def _iso(value):
    """RFC 3339: date-times with their offset (app/timestamps.py), dates as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return isoformat(value)
    return value.isoformat() if isinstance(value, date) else value


def _municipality(m) -> dict:
    return {"code": m.code, "name": m.name, "prefecture": m.prefecture, "region": m.region}


def result_json(item: Item) -> dict:
    p = item.posting
    return {
        "id": p.id,
        "external_id": p.external_id,
        "kind": p.kind,
        "title": p.title,
        "url": url_for("postings.detail", posting_id=p.id, _external=True),
        "municipality": {"code": p.municipality.code, "name": p.municipality.name},
        "snippet": item.snippet,
        "score": round(item.score, 4),
        "missing": item.missing,
    }


def facets_json(facets: dict[str, list[FacetValue]]) -> dict:
    return {
        name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
        for name, values in facets.items()
    }


def posting_json(p: Posting) -> dict:
    return {
        "id": p.id,
        "external_id": p.external_id,
        "kind": p.kind,
        "kind_label": p.kind_label,
        "title": p.title,
        "summary": p.summary,
        "body": p.body,
        "url": url_for("postings.detail", posting_id=p.id, _external=True),
        "status": p.status,
        "visibility": p.visibility,
        "published_at": _iso(p.published_at),
        "updated_at": _iso(p.updated_at),
        "municipality": _municipality(p.municipality),
        "partners": [_municipality(m) for m in p.partners],
        "categories": [{"code": c.code, "label": c.label} for c in p.categories],
        "fields": [t.name for t in p.tags],
        "details": {name: _iso(getattr(p, name)) for name in DETAIL_FIELDS[p.kind]},
        # The label the detail page shows; contact goes through the platform, not an address.
        "contact": p.officer.public_label if p.officer else "",
    }


def suggestion_json(suggestion) -> dict:
    p = suggestion.posting
    return {
        "id": p.id,
        "external_id": p.external_id,
        "kind": p.kind,
        "title": p.title,
        "url": url_for("postings.detail", posting_id=p.id, _external=True),
        "municipality": {"code": p.municipality.code, "name": p.municipality.name},
        "score": round(suggestion.score, 4),
        "reasons": list(suggestion.reasons),
    }
