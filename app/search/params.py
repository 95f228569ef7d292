"""Search parameters from the query string, validated (a bad value is a 400 with a Japanese
message; under /api/ the error handler renders it as JSON)."""

from flask_babel import gettext as _

from app.filters import CATEGORY_CODES, choice_arg, int_arg, page_arg, text_arg
from app.models import REGIONS
from app.models.geo import PREFECTURES
from app.models.postings import KINDS, REQUEST_STATUSES
from app.services.search.query import SORTS, SearchParams
from search_index import INDEXED_STATUSES

MAX_QUERY = 200
MAX_PER_PAGE = 100


def search_params(per_page: int = 20) -> SearchParams:
    return SearchParams(
        q=text_arg("q", _("検索語"), MAX_QUERY),
        kind=choice_arg("kind", KINDS, _("種類")),
        category=choice_arg("category", CATEGORY_CODES, _("カテゴリ")),
        prefecture=choice_arg("prefecture", PREFECTURES, _("都道府県")),
        region=choice_arg("region", REGIONS, _("地域")),
        field=text_arg("field", _("分野"), 40) or None,
        status=choice_arg("status", INDEXED_STATUSES, _("状態")),
        year=int_arg("year", _("公開年"), 1900, 2100),
        request_status=choice_arg("request_status", REQUEST_STATUSES, _("募集状況")),
        sort=choice_arg("sort", SORTS, _("並び順")) or "relevance",
        expand=choice_arg("expand", {"0": 0, "1": 1}, _("関連語")) != "0",
        page=page_arg(),
        per_page=per_page,
    )
