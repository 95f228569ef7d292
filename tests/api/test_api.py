"""JSON API v1: search shape, posting details (public fields only), 400s, OpenAPI document."""

import json

import pytest

from app.extensions import db


@pytest.fixture
def sample(postings):
    return [
        postings(title="防災協定にもとづく合同訓練", summary="毎年の訓練。", partners=["172049"],
                 external_id="ext-001", contact_email="secret.officer@example.jp"),
        postings(kind="staff_exchange", title="職員派遣による復興支援", summary="技術職員を派遣。",
                 details={"direction": "dispatch", "work_field": "土木", "headcount": 2}),
    ]


def test_search_returns_the_documented_shape(client, sample):
    response = client.get("/api/v1/search?q=防災協定")
    assert response.status_code == 200 and response.is_json
    body = response.json
    assert set(body) == {"total", "strict_total", "related", "readings", "page", "per_page", "results",
                         "facets"}
    assert (body["total"], body["strict_total"], body["page"], body["per_page"]) == (1, 1, 1, 20)
    assert "災害時相互応援協定" in body["related"] and body["readings"] == []
    [result] = body["results"]
    assert set(result) == {"id", "external_id", "kind", "title", "url", "municipality", "snippet", "score",
                           "missing"}
    assert result["missing"] == []
    assert result["id"] == sample[0].id and result["external_id"] == "ext-001"
    assert result["municipality"] == {"code": "131041", "name": "新宿区"}
    assert result["url"].endswith(f"/postings/{sample[0].id}") and result["url"].startswith("http")
    assert result["score"] > 0
    assert set(body["facets"]) == {"kind", "category", "prefecture", "region", "field", "status", "year",
                                   "request_status"}
    assert {"value": "石川県", "label": "石川県", "count": 1} in body["facets"]["prefecture"]


def test_search_filters_and_paginates(client, sample):
    body = client.get("/api/v1/search?kind=staff_exchange").json
    assert [r["id"] for r in body["results"]] == [sample[1].id]
    body = client.get("/api/v1/search?per_page=1&page=2&sort=newest").json
    assert body["total"] == 2 and body["per_page"] == 1 and len(body["results"]) == 1
    assert client.get("/api/v1/search?per_page=1&page=3").status_code == 404  # past the end


@pytest.mark.parametrize("query", [
    "kind=unknown", "category=C-1", "region=火星", "prefecture=東京", "status=draft", "page=0", "page=-1",
    "page=abc", "page=1.5", "page=²", "per_page=0", "per_page=101", "per_page=ten", "year=20x4", "sort=random",
    "request_status=pending", "request_status=募集中",
    "q=" + "あ" * 201,
])
def test_bad_parameters_are_json_400s(client, query):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400, query
    assert response.is_json
    error = response.json["error"]
    assert error["code"] == 400 and error["message"] and "Bad Request" not in error["message"]


def test_search_filters_and_counts_request_status(client, postings, sample):
    from app.services.postings.editing import set_request_status

    wanted = postings(kind="partnership_request", title="防災訓練の連携先を募集",
                      details={"sought": "合同訓練の相手", "request_status": "open"})
    done = postings(kind="partnership_request", title="物産展の共催先を募集",
                    details={"sought": "共催", "request_status": "open"})
    set_request_status(done, "matched", actor=None)
    body = client.get("/api/v1/search?request_status=open").json
    assert [r["id"] for r in body["results"]] == [wanted.id]
    assert body["facets"]["request_status"] == [
        {"value": "matched", "label": "成立", "count": 1}, {"value": "open", "label": "募集中", "count": 1},
    ]
    body = client.get("/api/v1/search?q=募集&request_status=matched").json
    assert [r["id"] for r in body["results"]] == [done.id]
    assert client.get("/api/v1/search?request_status=closed").json["total"] == 0
    message = client.get("/api/v1/search?request_status=pending").json["error"]["message"]
    assert "募集状況" in message


def test_posting_details_are_public_fields_only(client, sample):
    response = client.get(f"/api/v1/postings/{sample[1].id}")
    assert response.status_code == 200
    body = response.json
    assert body["title"] == "職員派遣による復興支援" and body["kind"] == "staff_exchange"
    assert body["details"]["work_field"] == "土木" and body["details"]["headcount"] == 2
    assert body["municipality"]["code"] == "131041"
    first = client.get(f"/api/v1/postings/{sample[0].id}")
    assert "secret.officer@example.jp" not in first.get_data(as_text=True)
    assert first.json["contact"] == "企画課 主事 担当 一郎"
    officer = sample[0].officer
    officer.phone = "03-1234-5678"
    db.session.commit()
    text = client.get(f"/api/v1/postings/{sample[0].id}").get_data(as_text=True)
    assert "03-1234-5678" not in text and "email" not in text and "phone" not in text


def test_unknown_posting_and_unknown_paths_are_json_404s(client):
    for url in ("/api/v1/postings/999999", "/api/v1/nothing-here"):
        response = client.get(url)
        assert response.status_code == 404 and response.json["error"]["code"] == 404


def test_the_api_is_read_only(client, sample):
    response = client.post("/api/v1/search")
    assert response.status_code == 405  # no route of the API takes a POST
    assert response.is_json
    from app.extensions import csrf

    # CSRF protection stays on: no API view is exempt (the only exempt view is the mail
    # clients' one-click unsubscribe, RFC 8058).
    assert not [view for view in csrf._exempt_views if view.startswith("app.api.")]
    assert "api" not in {bp if isinstance(bp, str) else bp.name for bp in csrf._exempt_blueprints}


def test_openapi_document_describes_both_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.get_data(as_text=True))
    assert doc["openapi"].startswith("3.")
    assert {"/search", "/postings/{id}"} <= set(doc["paths"])
    params = {p["name"] for p in doc["paths"]["/search"]["get"]["parameters"]}
    assert {"q", "kind", "category", "prefecture", "region", "field", "status", "request_status", "page",
            "per_page"} <= params
    [req] = [p for p in doc["paths"]["/search"]["get"]["parameters"] if p["name"] == "request_status"]
    assert req["schema"]["enum"] == ["open", "matched", "closed"]
    assert "request_status" in doc["components"]["schemas"]["SearchResponse"]["properties"]["facets"]["properties"]
    # Every $ref resolves.
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    assert refs and all(ref.split("/")[-1] in doc["components"]["schemas"] for ref in refs)


def test_postings_list_filters_pages_and_orders_by_update(client, postings):
    from datetime import UTC, datetime, timedelta

    a = postings(title="一件目", categories=["A-1"], partners=["042056"])
    b = postings(kind="disaster_offer", title="二件目", categories=["B-5"])
    c = postings(title="三件目", categories=["A-1"], code="042056")
    hidden = postings(title="職員のみ", categories=["A-1"], visibility="officials")
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for offset, p in enumerate([c, a, b, hidden]):
        p.updated_at = base + timedelta(days=offset)
    db.session.commit()
    body = client.get("/api/v1/postings").json
    assert [r["id"] for r in body["results"]] == [c.id, a.id, b.id]
    assert body["total"] == 3 and body["next"] is None
    assert "email" not in json.dumps(body) and "phone" not in json.dumps(body)
    body = client.get("/api/v1/postings?category=A-1&prefecture=宮城県").json
    assert [r["id"] for r in body["results"]] == [c.id, a.id]  # owner or partner in 宮城県
    assert client.get("/api/v1/postings?kind=disaster_offer").json["total"] == 1
    page1 = client.get("/api/v1/postings?per_page=2").json
    assert page1["next"].endswith("per_page=2&page=2") and page1["total"] == 3
    page2 = client.get(page1["next"]).json
    assert [r["id"] for r in page1["results"] + page2["results"]] == [c.id, a.id, b.id]
    since = client.get("/api/v1/postings?updated_since=2026-01-02T09:00:00%2B09:00").json
    assert [r["id"] for r in since["results"]] == [a.id, b.id]
    assert client.get("/api/v1/postings?updated_since=2026-01-02").json["total"] == 2  # JST midnight


@pytest.mark.parametrize("query", ["updated_since=yesterday", "per_page=0", "per_page=101",
                                   "page=0", "kind=blog", "prefecture=火星"])
def test_postings_list_rejects_bad_parameters_as_json(client, query):
    response = client.get(f"/api/v1/postings?{query}")
    assert response.status_code == 400 and response.is_json
    assert response.json["error"]["message"]


def test_openapi_documents_the_postings_list(client):
    spec = client.get("/api/v1/openapi.json").json
    names = {p["name"] for p in spec["paths"]["/postings"]["get"]["parameters"]}
    assert names == {"kind", "category", "prefecture", "updated_since", "page", "per_page"}


def test_a_page_past_the_end_says_so(client, sample):
    response = client.get("/api/v1/search?per_page=1&page=3")
    assert response.status_code == 404
    assert response.json["error"]["message"] == "ページ3はありません。最後のページより後です（全2ページ、2件）。"
    response = client.get("/api/v1/search?page=99999")
    assert response.status_code == 400 and "最後のページより後です" in response.json["error"]["message"]
    assert client.get("/api/v1/search?page=2").status_code == 404  # 2 results fit on page 1
    response = client.get("/api/v1/search?page=0")
    assert response.status_code == 400 and "1〜10000" in response.json["error"]["message"]
    assert client.get("/api/v1/search?page=" + "9" * 5000).status_code == 400


def test_raw_utf8_in_the_url_finds_the_same_as_percent_encoding(app, sample):
    """`curl '…/api/v1/search?q=港区'` sends the bytes unencoded; the development server used to
    hand them over encoded twice (mojibake), so they found nothing."""
    import socket
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def total(target: bytes) -> int:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as sock:
            sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 200"), head
        return json.loads(body)["total"]

    try:
        raw = total("/api/v1/search?q=防災協定".encode())
        encoded = total(b"/api/v1/search?q=%E9%98%B2%E7%81%BD%E5%8D%94%E5%AE%9A")
        assert raw == encoded == 1
        assert total("/api/v1/search?prefecture=石川県".encode()) == 1
    finally:
        server.shutdown()
