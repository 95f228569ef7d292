"""The OpenAPI 3 description of the API, written by hand (it is small)."""

from app.filters import CATEGORY_CODES, MAX_ID, MAX_PAGE
from app.models import REGIONS
from app.models.geo import PREFECTURES
from app.models.postings import KINDS, OFFER_TYPES, REQUEST_STATUSES
from app.search.params import MAX_PER_PAGE, MAX_QUERY
from app.services.matching.disasters import MAX_PEOPLE
from app.services.matching.suggestions import MAX_SUGGESTIONS
from app.services.search.query import SORTS
from search_index import FACET_NAMES, INDEXED_STATUSES


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


# Calls that run matching queries share a rate limit per client (RATELIMIT_MATCHING).
TOO_MANY = {**_error("短い時間に多くの呼び出しがあった（メッセージに、いつ再び使えるか）"),
            "headers": {"Retry-After": {"description": "再び呼び出せるまでの秒数",
                                        "schema": {"type": "integer"}}}}


MUNICIPALITY = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "全国地方公共団体コード（6桁）", "example": "131041"},
        "name": {"type": "string", "example": "新宿区"},
        "prefecture": {"type": "string"},
        "region": {"type": "string"},
    },
    "required": ["code", "name"],
}


def document(server_url: str) -> dict:
    search_params = [
        _param("q", {"type": "string", "maxLength": MAX_QUERY},
               "検索語。空白区切りの語をすべて含む投稿が先、少ないときは一部の語を含む投稿が後に続く"
               "（results[].missing が含まれない語）。`+語` で必須、`OR` でOR、`-語` で除外、"
               "\"…\" で語順どおり。ひらがなの読みでも探せる。"),
        _param("kind", {"type": "string", "enum": list(KINDS)}, "投稿の種類"),
        _param("category", {"type": "string", "enum": sorted(CATEGORY_CODES)}, "カテゴリ（A-1 … B-11）"),
        _param("prefecture", {"type": "string", "enum": PREFECTURES}, "都道府県（投稿自治体または連携先）"),
        _param("region", {"type": "string", "enum": list(REGIONS)}, "地域"),
        _param("field", {"type": "string", "maxLength": 40}, "分野タグ"),
        _param("status", {"type": "string", "enum": list(INDEXED_STATUSES), "default": "published"},
               "公開状態。archived は自治体職員のログイン時のみ該当があります。"),
        _param("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "公開年"),
        _param("request_status", {"type": "string", "enum": list(REQUEST_STATUSES)},
               "連携の募集の状況（open: 募集中、matched: 成立、closed: 終了）。指定すると募集の投稿だけが該当します。"),
        _param("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"}, "並び順"),
        _param("expand", {"type": "integer", "enum": [0, 1], "default": 1},
               "0 にすると同義語・関連語を使わず、入力した語だけで探す"),
        _param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "ページ番号"),
        _param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
               "1ページの件数"),
    ]
    facet_value = {
        "type": "object",
        "properties": {"value": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"}},
        "required": ["value", "label", "count"],
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "架け橋 Kakehashi API",
            "version": "1.0.0",
            "description": (
                "連携・交流事例、連携の募集、災害時相互協力、人事交流の投稿を検索・取得する読み取り専用のAPI。"
                "ログインしていない利用者には一般公開の投稿だけが返ります。自治体職員のみの投稿は、"
                "自治体職員としてログインしたセッションでだけ返ります。"
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/search": {
                "get": {
                    "operationId": "searchPostings",
                    "summary": "投稿を検索する",
                    "parameters": search_params,
                    "responses": {
                        "200": {"description": "検索結果",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/SearchResponse"}}}},
                        "400": _error("パラメータが正しくない"),
                        "404": _error("ページ番号が最後のページより後"),
                        "503": _error("検索索引が一時的に使えない"),
                    },
                }
            },
            "/postings": {
                "get": {
                    "operationId": "listPostings",
                    "summary": "投稿の一覧（収集用）",
                    "description": (
                        "公開中の投稿を、更新日時の古い順（同時刻は id 順）に返します。"
                        "`updated_since` に前回の収集時刻を渡せば、その後に変わった投稿だけを取得できます。"
                        "ログインしていない利用者には一般公開の投稿だけが返ります。"
                    ),
                    "parameters": [
                        _param("kind", {"type": "string", "enum": list(KINDS)}, "投稿の種類"),
                        _param("category", {"type": "string", "enum": sorted(CATEGORY_CODES)},
                               "カテゴリ（A-1 … B-11）"),
                        _param("prefecture", {"type": "string", "enum": PREFECTURES},
                               "都道府県（投稿自治体または連携先）"),
                        _param("updated_since", {"type": "string", "format": "date-time"},
                               "この日時以降に更新された投稿だけ（ISO 8601。日付だけなら日本時間の0時、"
                               "時差のない日時は日本時間として扱います）"),
                        _param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                               "ページ番号"),
                        _param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                            "default": 20}, "1ページの件数"),
                    ],
                    "responses": {
                        "200": {"description": "投稿の一覧",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/PostingList"}}}},
                        "400": _error("パラメータが正しくない"),
                    },
                }
            },
            "/postings/{id}": {
                "get": {
                    "operationId": "getPosting",
                    "summary": "投稿を1件取得する",
                    "parameters": [{"name": "id", "in": "path", "required": True,
                                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}],
                    "responses": {
                        "200": {"description": "投稿",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/Posting"}}}},
                        "404": _error("存在しない、または閲覧できない投稿"),
                    },
                }
            },
            "/postings/{id}/matches": {
                "get": {
                    "operationId": "getPostingMatches",
                    "summary": "投稿に合いそうな、ほかの自治体の投稿（理由つき）",
                    "description": (
                        "連携の募集には事例・人事交流・災害時の申し出・反対側の募集を、人事交流には逆方向の人事交流を、"
                        "災害時の申し出にはそれが役立つ募集を、よく合う順に返します。投稿自治体自身の投稿、下書き、"
                        "アーカイブ、募集を終えた投稿、有効期限切れの申し出は含みません。見える範囲は検索と同じです。"
                        "アーカイブ済みの投稿や募集を終えた募集には空のリストを返します。"
                    ),
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
                        _param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS, "default": 10},
                               "件数"),
                    ],
                    "responses": {
                        "200": {"description": "候補（よく合う順）",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/MatchResponse"}}}},
                        "400": _error("パラメータが正しくない"),
                        "404": _error("存在しない、または閲覧できない投稿"),
                        "503": _error("検索索引が一時的に使えない"),
                        "429": TOO_MANY,
                    },
                }
            },
            "/disaster-offers": {
                "get": {
                    "operationId": "getDisasterOffers",
                    "summary": "被災地と必要な支援に合う災害時相互協力の申し出（理由つき）",
                    "description": (
                        "必要な支援の種類を含み、被災した都道府県の地域（または全国）を対象にし、有効期限内で、"
                        "被災した都道府県の外にある自治体の申し出を、よく合う順に返します。災害の宣言がなくても使えます"
                        "（平時の計画づくりのため）。災害ページと同じ順序です。"
                    ),
                    "parameters": [
                        {"name": "prefecture", "in": "query", "required": True, "explode": True,
                         "schema": {"type": "array", "items": {"type": "string", "enum": PREFECTURES}},
                         "description": "被災した都道府県（繰り返し指定できます）"},
                        {"name": "need", "in": "query", "required": False, "explode": True,
                         "schema": {"type": "array", "items": {"type": "string", "enum": list(OFFER_TYPES)}},
                         "description": "必要な支援の種類（繰り返し指定。省略するとすべて）"},
                        _param("people", {"type": "integer", "minimum": 1, "maximum": MAX_PEOPLE},
                               "移動が必要な人数（避難者の受け入れ・疎開先の比較に使います）"),
                        _param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS, "default": 10},
                               "件数"),
                    ],
                    "responses": {
                        "200": {"description": "申し出（よく合う順）",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/MatchResponse"}}}},
                        "400": _error("都道府県・支援の種類・人数・件数の指定が正しくない"),
                        "429": TOO_MANY,
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Match": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "external_id": {"type": "string", "nullable": True},
                        "kind": {"type": "string", "enum": list(KINDS)},
                        "title": {"type": "string"},
                        "url": {"type": "string", "format": "uri"},
                        "municipality": {"$ref": "#/components/schemas/Municipality"},
                        "score": {"type": "number", "description": "合う度合い（大きいほどよく合う。同じ答えの中での順位づけ用）"},
                        "reasons": {"type": "array", "items": {"type": "string"},
                                    "description": "合いそうな理由（日本語の短い句。例:「同じ分野: 移住」「受入可能 約300人（必要 200人）」）"},
                    },
                    "required": ["id", "external_id", "kind", "title", "url", "municipality", "score", "reasons"],
                },
                "MatchResponse": {
                    "type": "object",
                    "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}}},
                    "required": ["results"],
                },
                "Municipality": MUNICIPALITY,
                "SearchResult": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "external_id": {"type": "string", "nullable": True},
                        "kind": {"type": "string", "enum": list(KINDS)},
                        "title": {"type": "string"},
                        "url": {"type": "string", "format": "uri"},
                        "municipality": {"$ref": "#/components/schemas/Municipality"},
                        "snippet": {"type": "string", "description":
                                    "HTMLの断片。本文はエスケープ済みで、一致箇所だけが <mark> で囲まれる。"},
                        "score": {"type": "number", "description": "関連度（新しい順・検索語なしでは 0）"},
                        "missing": {"type": "array", "items": {"type": "string"},
                                    "description": "この投稿に含まれない検索語（一部の語に一致する投稿）。空なら全語に一致"},
                    },
                    "required": ["id", "external_id", "kind", "title", "url", "municipality", "snippet", "score",
                                 "missing"],
                },
                "SearchResponse": {
                    "type": "object",
                    "properties": {
                        "total": {"type": "integer"},
                        "strict_total": {"type": "integer", "nullable": True,
                                         "description": "すべての検索語を含む投稿の数（検索語なしでは null）"},
                        "related": {"type": "array", "items": {"type": "string"},
                                    "description": "同義語・関連語として一緒に探した言葉"},
                        "readings": {"type": "array", "items": {"type": "string"},
                                     "description": "ひらがな・カタカナの検索語を読みとして探した言葉"},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}},
                        "facets": {
                            "type": "object",
                            "properties": {f: {"type": "array", "items": facet_value} for f in FACET_NAMES},
                        },
                    },
                    "required": ["total", "strict_total", "related", "readings", "page", "per_page",
                                 "results", "facets"],
                },
                "Posting": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "external_id": {"type": "string", "nullable": True},
                        "kind": {"type": "string", "enum": list(KINDS)},
                        "kind_label": {"type": "string"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "body": {"type": "string", "description": "Markdown"},
                        "url": {"type": "string", "format": "uri"},
                        "status": {"type": "string", "enum": ["draft", "published", "archived"]},
                        "visibility": {"type": "string", "enum": ["public", "officials"]},
                        "published_at": {"type": "string", "format": "date-time", "nullable": True,
                                         "description": "RFC 3339、日本時間（例: 2025-04-01T09:00:00+09:00）"},
                        "updated_at": {"type": "string", "format": "date-time", "nullable": True,
                                       "description": "RFC 3339、日本時間（例: 2025-04-01T09:00:00+09:00）"},
                        "municipality": {"$ref": "#/components/schemas/Municipality"},
                        "partners": {"type": "array", "items": {"$ref": "#/components/schemas/Municipality"}},
                        "categories": {"type": "array", "items": {
                            "type": "object",
                            "properties": {"code": {"type": "string"}, "label": {"type": "string"}}}},
                        "fields": {"type": "array", "items": {"type": "string"}},
                        "details": {"type": "object", "additionalProperties": True,
                                    "description": "種類ごとの項目（期間、募集状況、協力の種類など）"},
                        "contact": {"type": "string",
                                    "description": "担当者の部署・役職・氏名（連絡先は公開しない）"},
                    },
                    "required": ["id", "kind", "title", "url", "status", "visibility", "municipality"],
                },
                "PostingList": {
                    "type": "object",
                    "properties": {
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "next": {"type": "string", "format": "uri", "nullable": True,
                                 "description": "次のページのURL（最後のページでは null）"},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Posting"}},
                    },
                    "required": ["total", "page", "per_page", "next", "results"],
                },
                "Error": {
                    "type": "object",
                    "properties": {"error": {
                        "type": "object",
                        "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
                        "required": ["code", "message"],
                    }},
                    "required": ["error"],
                },
            }
        },
    }
