"""The open-data page and its downloads (streamed: nothing is built in memory)."""

from flask import Response, render_template, stream_with_context, url_for

from app.opendata import bp
from app.services.opendata import export
from app.timestamps import to_jst

CSV_NAME = "kakehashi-postings.csv"
JSONL_NAME = "kakehashi-postings.jsonl"


@bp.route("/")
def index():
    facts = export.summary()
    page_url = url_for("opendata.index", _external=True)
    return render_template(
        "opendata/index.html",
        facts=facts,
        columns=export.CSV_COLUMNS,
        licence=export.LICENCE,
        licence_url=export.LICENCE_URL,
        attribution=export.ATTRIBUTION.format(url=page_url),
        jsonld=_dataset_jsonld(facts, page_url),
    )


def _dataset_jsonld(facts: dict, page_url: str) -> dict:
    """schema.org Dataset, so that dataset search engines find and describe the files."""
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": "架け橋 Kakehashi 自治体間の連携・交流データ",
        "description": ("特別区と全国の自治体が架け橋に公開している連携・交流事例、連携の募集、"
                        "災害時相互協力、人事交流・職員派遣の投稿（一般公開分）。"),
        "url": page_url,
        "inLanguage": "ja",
        "isAccessibleForFree": True,
        "license": export.LICENCE_URL,
        "creditText": export.ATTRIBUTION.format(url=page_url),
        "creator": {"@type": "Organization", "name": "架け橋 Kakehashi"},
        "dateModified": to_jst(facts["updated"]).date().isoformat() if facts["updated"] else None,
        "keywords": ["自治体連携", "特別区", "災害時相互協力", "人事交流", "全国地方公共団体コード"],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "text/csv",
             "contentUrl": url_for("opendata.postings_csv", _external=True)},
            {"@type": "DataDownload", "encodingFormat": "application/jsonl",
             "contentUrl": url_for("opendata.postings_jsonl", _external=True)},
        ],
    }


def _download(chunks, mimetype: str, filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=600"
    return response


@bp.route(f"/{CSV_NAME}")
def postings_csv():
    return _download(export.csv_chunks(), "text/csv", CSV_NAME)  # Werkzeug adds "; charset=utf-8"


@bp.route(f"/{JSONL_NAME}")
def postings_jsonl():
    return _download(export.jsonl_lines(), "application/jsonl; charset=utf-8", JSONL_NAME)
