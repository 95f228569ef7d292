"""Suggested partners through the real stack: database, search index, pages and API."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.services import matching
from app.services.search import indexing
from app.timestamps import now_jst

FAIR = dict(
    title="東京で移住フェアを一緒に開いてくれる特別区を募集します",
    summary="区民向けの移住フェア（移住相談会）を区内で共催してくださる特別区を探しています。",
    body="子育て世帯の移住相談と空き家バンクの紹介を行います。",
    categories=["A-1"], fields=["移住", "子育て"],
    details={"sought": "移住フェアの会場と区民への周知", "partner_type": "special_ward",
             "wished_regions": ["関東"], "request_status": "open"},
)


@pytest.fixture
def app(world):
    """Every test here runs on a copy of the demo data (see conftest.world)."""
    return world


def _case(postings, code, title, **kw):
    return postings("case_study", code, title=title, summary=kw.pop("summary", title),
                    categories=kw.pop("categories", ["A-1"]), fields=kw.pop("fields", ["移住"]), **kw)


@pytest.fixture
def fair(postings):
    return postings("partnership_request", "053619", **FAIR)  # 五城目町


def _titles(suggestions):
    return [s.posting.title for s in suggestions]


def test_request_gets_wards_case_studies_first_with_reasons(app, postings, fair):
    ward = _case(postings, "131075", "墨田区で開いた移住フェアに地方の町が出展", partners=["422118"],
                 summary="区内で移住フェア（移住相談会）を開き、子育て世帯に地方の暮らしを紹介しました。")
    town = _case(postings, "202134", "飯山市の移住フェア（市内開催）",
                 summary="市内で移住フェア（移住相談会）を開き、子育て世帯に暮らしを紹介しました。")
    found = matching.suggest(fair, None, 50)
    titles = _titles(found)
    assert ward.title in titles and town.title in titles
    assert titles.index(ward.title) < titles.index(town.title)
    ward_reasons = next(s.reasons for s in found if s.posting.id == ward.id)
    assert "特別区の取組" in ward_reasons
    assert "同じ分野: 移住" in ward_reasons
    assert any(r.startswith("希望地域: 関東") for r in ward_reasons)
    town_reasons = next(s.reasons for s in found if s.posting.id == town.id)
    assert "特別区の取組" not in town_reasons


def test_never_own_municipality_drafts_archived_or_hidden_postings(app, postings, users, fair):
    visible = _case(postings, "131075", "墨田区の移住フェア")
    own = _case(postings, "053619", "五城目町の移住フェア")
    draft = _case(postings, "131083", "江東区の移住フェア（下書き）", status="draft")
    archived = _case(postings, "131091", "品川区の移住フェア（終了）", status="archived")
    hidden = _case(postings, "131105", "目黒区の移住フェア（職員向け）", visibility="officials")
    public = {s.posting.id for s in matching.suggest(fair, None, 50)}
    assert visible.id in public
    assert not public & {own.id, draft.id, archived.id, hidden.id}
    official = users.officer("131016")
    seen = {s.posting.id for s in matching.suggest(fair, official, 50)}
    assert hidden.id in seen and not seen & {own.id, draft.id, archived.id}


def test_closed_requests_and_expired_offers_drop_out(app, postings):
    flood = postings("partnership_request", "131083", title="大規模水害時の広域避難先を募集",
                     summary="区民の広域避難先（避難者の受け入れ）となる自治体を募集します。",
                     categories=["B-5"], fields=["防災"],
                     details={"sought": "区民約200人の避難先", "partner_type": "municipality"})
    offer = dict(categories=["B-5"], fields=["防災"])
    valid = postings("disaster_offer", "202134", title="被災者の避難受入れ（飯山市）",
                     summary="首都圏の被災者を受け入れます。", **offer,
                     details={"offer_types": ["evacuees"], "capacity": "最大約300人", "regions_covered": ["関東"]})
    expired = postings("disaster_offer", "192091", title="被災者の避難受入れ（北杜市）",
                       summary="首都圏の被災者を受け入れます。", **offer,
                       details={"offer_types": ["evacuees"], "regions_covered": ["関東"]})
    # Valid when it was posted, expired since (a validity date before the posting's creation
    # is refused by the form, the service and the importer).
    expired.valid_until = now_jst().date() - timedelta(days=1)
    indexing.queue(expired.id)
    db.session.commit()
    indexing.apply_pending()
    closed = postings("partnership_request", "202134", title="避難者の受け入れ先の相互協定を募集（終了）",
                      summary="被災者の受け入れの協定", categories=["B-5"], fields=["防災"],
                      details={"request_status": "closed", "partner_type": "special_ward"})
    found = matching.suggest(flood, None, 50)
    ids = {s.posting.id for s in found}
    assert valid.id in ids and expired.id not in ids and closed.id not in ids
    reasons = next(s.reasons for s in found if s.posting.id == valid.id)
    assert "協力の種類: 避難者の受け入れ" in reasons
    assert "受入可能 約300人（必要 約200人、規模の記載から）" in reasons
    assert "対象地域: 関東を含む" in reasons
    # The offer's side: the request it could serve, with the same facts.
    back = {s.posting.id: s.reasons for s in matching.suggest(valid, None, 10)}
    assert flood.id in back and closed.id not in back
    assert "市町村との連携を募集" in back[flood.id]


def test_staff_exchanges_meet_the_opposite_direction_in_the_same_job(app, postings):
    accept = postings("staff_exchange", "172057", title="保健師の派遣を受け入れたい",
                      categories=["B-2"], fields=["防災"],
                      details={"direction": "accept", "work_field": "保健師業務（仮設住宅の健康支援）",
                               "headcount": 2, "duration_months": 6})
    dispatch = postings("staff_exchange", "131229", title="保健師を派遣します",
                        categories=["B-2"], fields=["防災"],
                        details={"direction": "dispatch", "work_field": "保健師業務", "headcount": 1,
                                 "duration_months": 6})
    same_way = postings("staff_exchange", "131199", title="保健師を受け入れます",
                        categories=["B-2"], fields=["防災"],
                        details={"direction": "accept", "work_field": "保健師業務", "headcount": 1,
                                 "duration_months": 6})
    found = {s.posting.id: s.reasons for s in matching.suggest(accept, None, 10)}
    assert dispatch.id in found and same_way.id not in found
    assert "同じ職種で派遣可: 保健師" in found[dispatch.id]
    assert "1人・6か月（こちらは 2人・6か月）" in found[dispatch.id]


def test_request_page_shows_the_panel_and_the_owner_lands_on_it(client, users, postings):
    _case(postings, "131075", "墨田区で開いた移住フェア",
          summary="区の施設を会場に移住フェア（移住相談会）を共催し、区報で区民に周知しました。子育て世帯が多く参加。",
          fields=["移住", "子育て"])
    officer = users.officer("053619")
    client.login(officer.email)
    form = {"title": FAIR["title"], "summary": FAIR["summary"], "body": FAIR["body"], "categories": ["A-1"],
            "fields": "移住、子育て", "partners": "", "officer": "0", "contact_name": "佐藤 涼",
            "contact_email": "ryo.sato@gojome.example.jp", "status": "published", "visibility": "public",
            "sought": FAIR["details"]["sought"], "partner_type": "special_ward", "wished_regions": ["関東"],
            "deadline": "", "request_status": "open"}
    response = client.post_form("/postings/new/requests", form)
    assert response.status_code == 302 and response.headers["Location"].endswith("#matches")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "この募集に合いそうな自治体・事例" in page
    assert "墨田区で開いた移住フェア" in page and "特別区の取組" in page
    assert "合いそうな自治体・事例を下に表示しています" in page
    more = client.get(response.headers["Location"].split("#")[0] + "/matches")
    assert more.status_code == 200 and "墨田区で開いた移住フェア" in more.get_data(as_text=True)


def test_api_matches_shape_and_errors(client, postings, fair):
    ward = _case(postings, "131075", "墨田区で開いた移住フェア",
                 summary="区の施設を会場に移住フェア（移住相談会）を共催し、区報で区民に周知しました。子育て世帯が多く参加。",
                 fields=["移住", "子育て"])
    hidden = postings("partnership_request", "131083", title="職員向けの募集", visibility="officials")
    response = client.get(f"/api/v1/postings/{fair.id}/matches?per_page=3")
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["id"] for r in results][:1] == [ward.id]
    assert set(results[0]) == {"id", "external_id", "kind", "title", "url", "municipality", "score", "reasons"}
    assert results[0]["municipality"] == {"code": "131075", "name": "墨田区"}
    assert "特別区の取組" in results[0]["reasons"]
    for url, status in [(f"/api/v1/postings/{fair.id}/matches?per_page=0", 400),
                        (f"/api/v1/postings/{fair.id}/matches?per_page=51", 400),
                        (f"/api/v1/postings/{fair.id}/matches?per_page=x", 400),
                        ("/api/v1/postings/999999/matches", 404),
                        (f"/api/v1/postings/{hidden.id}/matches", 404)]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.get_json()["error"]["message"]


def test_the_panel_is_remembered_but_visibility_is_checked_on_every_view(client, postings, fair, monkeypatch):
    from app.services.matching import suggestions
    from app.services.postings.editing import archive_posting

    suggestions._panel_cache.clear()
    ward = _case(postings, "131075", "墨田区で開いた移住フェア",
                 summary="区の施設を会場に移住フェア（移住相談会）を共催し、区報で区民に周知しました。子育て世帯が多く参加。",
                 fields=["移住", "子育て"])
    assert ward.title in client.get(f"/postings/{fair.id}").get_data(as_text=True)
    calls = []
    monkeypatch.setattr(suggestions, "suggest", lambda *a, **k: calls.append(a) or [])
    archive_posting(ward, None)
    page = client.get(f"/postings/{fair.id}").get_data(as_text=True)
    assert calls == [] and ward.title not in page and "この募集に合いそうな自治体・事例" in page


def test_reasons_in_english_mode_and_japanese_in_the_api(client, postings, fair):
    ward = _case(postings, "131075", "墨田区で開いた移住フェア",
                 summary="区の施設を会場に移住フェア（移住相談会）を共催し、区報で区民に周知しました。子育て世帯が多く参加。",
                 fields=["移住", "子育て"])
    client.set_cookie("lang", "en")
    page = client.get(f"/postings/{fair.id}").get_data(as_text=True)
    assert ward.title in page
    assert "Done by: Special ward" in page and "Same field: 移住" in page  # the tag is the posting's own
    assert "Wished region: Kanto (東京都)" in page
    for japanese in ("特別区の取組", "同じ分野", "希望地域"):
        assert japanese not in page, japanese
    client.set_cookie("lang", "ja")
    assert "特別区の取組" in client.get(f"/postings/{fair.id}").get_data(as_text=True)  # not a cached English panel
    client.set_cookie("lang", "en")
    api = client.get(f"/api/v1/postings/{fair.id}/matches").get_json()
    assert "特別区の取組" in next(r["reasons"] for r in api["results"] if r["id"] == ward.id)
