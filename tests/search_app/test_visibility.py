"""Nothing the user may not see leaks through search: results, snippets, facet counts, totals,
related links, the API, even when the index is behind the database."""

from sqlalchemy import select

from app.extensions import db
from app.models import Posting
from app.services.search import indexing
from tests.search_app.conftest import find_ids

SECRET = "ゼクスペリオン"  # one word that no other posting contains, even in part


def _setup(postings):
    public = postings(title="公開の防災交流", summary="だれでも読める。", fields=["防災"])
    internal = postings(title=f"{SECRET}の防災交流", summary=f"{SECRET}の内部資料。", visibility="officials",
                        fields=["秘匿分野"], categories=["B-9"], code="132012", partners=["172049"])
    draft = postings(title=f"{SECRET}の下書き", status="draft", fields=["下書き分野"])
    return public, internal, draft


def test_officials_only_and_drafts_never_reach_the_public_page(client, postings):
    public, internal, draft = _setup(postings)
    for url in (f"/search/?q={SECRET}", "/search/?q=防災交流", "/search/", "/search/?prefecture=石川県",
                "/search/?field=秘匿分野", "/search/?category=B-9", f"/search/?q={SECRET}&status=archived"):
        html = client.get(url).get_data(as_text=True)
        assert f"/postings/{internal.id}" not in html and f"/postings/{draft.id}" not in html, url
        assert "の内部資料" not in html and "の下書き" not in html, url  # titles and snippets
        # Facet values of hidden postings (active filters echo the URL, so look at facet links).
        assert "秘匿分野</a>（" not in html and "下書き分野" not in html, url
        assert ">石川県</a>" not in html and ">B-9 " not in html, url
        if SECRET in url or "石川県" in url or "秘匿" in url or "B-9" in url:
            assert '<p class="result-count" role="status">0件' in html, url
    html = client.get("/search/?q=防災交流").get_data(as_text=True)
    assert "1件" in html and f"/postings/{public.id}" in html


def test_public_totals_and_facets_count_only_public_postings(app, postings):
    from app.services.search import query

    _setup(postings)
    found = query.search(None, query.SearchParams())
    assert found.total == 1
    counts = {name: {v.value: v.count for v in values} for name, values in found.facets.items()}
    assert counts["field"] == {"防災": 1}
    assert "石川県" not in counts["prefecture"] and "B-9" not in counts["category"]
    assert counts["status"] == {"published": 1}
    assert query.search(None, query.SearchParams(q=SECRET)).total == 0


def test_officials_see_officials_only_postings_but_not_others_drafts(client, users, postings):
    public, internal, draft = _setup(postings)
    official = users.officer("131016")  # another municipality: never sees 131041's drafts
    assert sorted(find_ids("防災交流", user=official)) == sorted([public.id, internal.id])
    assert find_ids(SECRET, user=official) == [internal.id]
    client.login(official.email)
    html = client.get(f"/search/?q={SECRET}").get_data(as_text=True)
    assert f"/postings/{internal.id}" in html and "自治体職員のみ" in html
    assert f"/postings/{draft.id}" not in html


def test_a_stale_index_cannot_show_what_the_database_hides(client, postings, monkeypatch):
    public, internal, _ = _setup(postings)
    # The posting turns officials-only but its index update is lost (as if a write had failed).
    monkeypatch.setattr(indexing, "apply_pending", lambda *a, **k: 1)
    posting = db.session.get(Posting, public.id)
    posting.visibility = "officials"
    db.session.commit()
    html = client.get("/search/?q=防災交流").get_data(as_text=True)
    assert f"/postings/{public.id}" not in html and "公開の防災交流" not in html
    assert "0件" in html
    response = client.get("/api/v1/search?q=防災交流")
    assert response.json["results"] == [] and response.json["total"] == 0


def test_the_api_never_returns_hidden_postings(client, users, postings):
    public, internal, draft = _setup(postings)
    body = client.get("/api/v1/search?q=防災交流").json
    assert [r["id"] for r in body["results"]] == [public.id] and body["total"] == 1
    assert "石川県" not in {v["value"] for v in body["facets"]["prefecture"]}
    assert SECRET not in client.get("/api/v1/search?per_page=100").get_data(as_text=True)
    assert client.get(f"/api/v1/postings/{internal.id}").status_code == 404
    assert client.get(f"/api/v1/postings/{draft.id}").status_code == 404

    official = users.officer("131016")
    client.login(official.email)
    assert client.get(f"/api/v1/postings/{internal.id}").status_code == 200
    assert client.get(f"/api/v1/postings/{draft.id}").status_code == 404
    ids = [r["id"] for r in client.get("/api/v1/search?q=防災交流").json["results"]]
    assert sorted(ids) == sorted([public.id, internal.id])
    assert db.session.scalar(select(Posting.status).where(Posting.id == draft.id)) == "draft"
