"""Disaster mode through the pages and the API: declare, banner, disaster page, search, end."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, DisasterDeclaration
from app.services.matching import declarations
from app.timestamps import now_jst


@pytest.fixture
def app(world):
    return world


@pytest.fixture(autouse=True)
def fresh_cache():
    declarations._active_cache.clear()
    yield
    declarations._active_cache.clear()


def _offer(postings, code, title, types, capacity, regions=("東北",), **kw):
    return postings("disaster_offer", code, title=title, summary=title + "。被災者を受け入れます。",
                    categories=["B-5"], fields=["防災"],
                    details={"offer_types": list(types), "capacity": capacity, "regions_covered": list(regions)},
                    **kw)


@pytest.fixture
def offers(postings):
    return {
        "big": _offer(postings, "062031", "鶴岡市の温泉旅館で被災者を受け入れます", ["evacuees"], "最大約300人"),
        "small": _offer(postings, "052159", "仙北市の宿泊施設で避難者を受け入れます", ["evacuees"], "最大80人"),
        "inside": _offer(postings, "042056", "気仙沼市の避難者受入れ", ["evacuees"], "最大500人"),
        "supplies": _offer(postings, "062049", "酒田市から米の提供", ["supplies"], "精米10トン"),
    }


def _today():
    return now_jst().date()


def _declare(client, **overrides):
    data = {"name": "宮城県沖を震源とする地震", "prefectures": ["宮城県", "岩手県"], "needs": ["evacuees"],
            "people": "300", "starts_on": _today().isoformat(), "ends_on": "", "note": ""}
    data.update(overrides)
    return client.post_form("/disasters/new", data)


def test_a_desk_declares_and_every_page_shows_the_banner(client, users, desk, offers):
    assert "災害対応中" not in client.get("/").get_data(as_text=True)
    client.login(users.liaison(desk("131041")).email)
    response = _declare(client)
    assert response.status_code == 302
    declaration = db.session.scalar(select(DisasterDeclaration))
    assert declaration.prefectures == ["宮城県", "岩手県"] and declaration.people == 300
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "disaster.declare"))
    assert audit.target_id == declaration.id and audit.details["needs"] == ["evacuees"]
    client.logout()
    for url in ("/", "/postings/requests/", f"/postings/{offers['big'].id}", "/search/?q=防災"):
        page = client.get(url).get_data(as_text=True)
        assert "災害対応中" in page and f"/disasters/{declaration.id}" in page, url


def test_the_disaster_page_lists_fitting_offers_first_and_stays_light(client, users, offers):
    declaration = declarations.declare(declarations.DeclarationInput(
        "宮城県沖を震源とする地震", ["宮城県", "岩手県"], ["evacuees"], _today(), people=300), users.admin())
    response = client.get(f"/disasters/{declaration.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    big, small = html.index(offers["big"].title), html.index(offers["small"].title)
    assert big < small
    assert offers["inside"].title not in html and offers["supplies"].title not in html
    assert "受入可能 約300人（必要 300人、規模の記載から）" in html
    # Printable as a list with the officer and the contact route.
    assert offers["big"].officer.public_label in html
    assert f"/contact/postings/{offers['big'].id}" in html
    # Light: no images, no external style sheet, HTML + CSS within 50 KB.
    assert "<img" not in html and "<svg" not in html and 'rel="stylesheet"' not in html
    assert len(response.data) <= 50 * 1024


def test_disaster_searches_rank_fitting_offers_first(client, users, offers):
    declarations.declare(declarations.DeclarationInput(
        "宮城県沖を震源とする地震", ["宮城県", "岩手県"], ["evacuees"], _today(), people=300), users.admin())
    html = client.get("/search/?q=被災者 受け入れ").get_data(as_text=True)
    pins = html.index("に合う申し出")
    pinned = html[pins:html.index("合う申し出をすべて見る")]
    assert offers["big"].title in pinned and offers["inside"].title not in pinned
    assert html.count(offers["big"].title) == 1  # not again in the list below
    assert offers["inside"].title in html[html.index("合う申し出をすべて見る"):]  # the rest follows
    # Not a disaster query: no pins.
    assert "に合う申し出" not in client.get("/search/?q=観光 物産").get_data(as_text=True)


def test_declarations_end_by_hand_or_date_and_stay_readable(client, users, desk, offers):
    liaison = users.liaison(desk("131041"))
    client.login(liaison.email)
    _declare(client)
    declaration = db.session.scalar(select(DisasterDeclaration))
    response = client.post_form(f"/disasters/{declaration.id}/end", token_from=f"/disasters/{declaration.id}")
    assert response.status_code == 302
    db.session.refresh(declaration)
    assert declaration.ended_at is not None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "disaster.end")) is not None
    client.logout()
    assert "災害対応中" not in client.get("/").get_data(as_text=True)
    page = client.get(f"/disasters/{declaration.id}").get_data(as_text=True)
    assert "終了しています" in page and offers["big"].title in page
    # An end date in the past ends it too.
    past = declarations.declare(declarations.DeclarationInput(
        "去年の豪雨", ["熊本県"], ["supplies"], _today() - timedelta(days=30), _today() - timedelta(days=1)),
        users.admin())
    assert past.id not in [d.id for d in declarations.active()]
    assert "去年の豪雨" in client.get("/disasters/").get_data(as_text=True)


def test_declaration_form_errors_and_who_may_declare(client, users, desk):
    client.login(users.officer("131041").email)
    assert _declare(client).status_code == 403
    client.logout()
    client.login(users.liaison(desk("131041")).email)
    response = _declare(client, prefectures=[], ends_on=(_today() - timedelta(days=1)).isoformat())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "被災した都道府県を1つ以上選んでください。" in html
    assert "終了日は開始日と同じか、それより後の日にしてください。" in html
    response = _declare(client, people="0", needs=["money"])
    assert response.status_code == 400
    assert db.session.scalar(select(DisasterDeclaration)) is None


def test_disaster_mode_is_reachable_from_the_site(client, users, desk):
    # From every page's footer and from the list of disaster offers …
    assert 'href="/disasters/"' in client.get("/").get_data(as_text=True)
    assert 'href="/disasters/"' in client.get("/postings/disaster/").get_data(as_text=True)
    # … and a desk finds the declaration form there.
    client.login(users.liaison(desk("131041")).email)
    assert 'href="/disasters/new"' in client.get("/disasters/").get_data(as_text=True)


def test_planning_lists_the_fitting_offers_without_a_declaration(client, offers):
    assert 'href="/disasters/plan"' in client.get("/disasters/").get_data(as_text=True)
    response = client.get("/disasters/plan?prefecture=宮城県&prefecture=岩手県&need=evacuees&people=300")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index(offers["big"].title) < html.index(offers["small"].title)
    assert offers["inside"].title not in html and offers["supplies"].title not in html
    assert "受入可能 約300人（必要 300人、規模の記載から）" in html
    assert offers["big"].officer.public_label in html
    assert "<img" not in html and 'rel="stylesheet"' not in html and len(response.data) <= 50 * 1024
    assert db.session.scalar(select(DisasterDeclaration)) is None  # nothing was declared
    # No need chosen: every kind of help.
    assert offers["supplies"].title in client.get("/disasters/plan?prefecture=宮城県").get_data(as_text=True)
    # Bad input: the form again, with the reasons, and a 400.
    for query, message in [("prefecture=", "都道府県を1つ以上選んでください。"),
                           ("prefecture=ムー大陸", "ムー大陸"),
                           ("prefecture=宮城県&need=money", "money"),
                           ("prefecture=宮城県&people=0", "1〜1,000,000の数で入力してください。"),
                           ("prefecture=宮城県&people=多い", "1〜1,000,000の数で入力してください。")]:
        response = client.get(f"/disasters/plan?{query}")
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True) and "合う申し出（" not in response.get_data(as_text=True)
    # The bare page is the empty form.
    assert client.get("/disasters/plan").status_code == 200


def test_api_disaster_offers(client, offers):
    response = client.get("/api/v1/disaster-offers?prefecture=宮城県&prefecture=岩手県&need=evacuees&need=supplies"
                          "&people=300&per_page=50")
    assert response.status_code == 200
    results = response.get_json()["results"]
    ids = [r["id"] for r in results]
    assert ids.index(offers["big"].id) < ids.index(offers["small"].id) and offers["inside"].id not in ids
    assert offers["supplies"].id in ids  # 酒田市 (山形県) gives supplies to 東北
    assert set(results[0]) == {"id", "external_id", "kind", "title", "url", "municipality", "score", "reasons"}
    big = results[ids.index(offers["big"].id)]
    assert any(re.match(r"受入可能 約300人", r) for r in big["reasons"])
    for query, message in [
        ("", "都道府県(prefecture)"),
        ("prefecture=ムー大陸", "ムー大陸"),
        ("prefecture=宮城県&need=money", "money"),
        ("prefecture=宮城県&people=0", "人数(people)"),
        ("prefecture=宮城県&people=99999999", "人数(people)"),
        ("prefecture=宮城県&per_page=0", "件数(per_page)"),
    ]:
        response = client.get(f"/api/v1/disaster-offers?{query}")
        assert response.status_code == 400, query
        assert message in response.get_json()["error"]["message"]


def test_cli_prints_offers_and_suggestions(runner, offers):
    result = runner.invoke(args=["matching", "offers", "--prefecture", "宮城県", "--prefecture", "岩手県",
                                 "--need", "evacuees", "--people", "300"])
    assert result.exit_code == 0, result.output
    assert offers["big"].title in result.output and offers["inside"].title not in result.output
    assert "受入可能 約300人" in result.output
    result = runner.invoke(args=["matching", "suggest", str(offers["big"].id)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["matching", "suggest", "999999"]).exit_code != 0
    assert runner.invoke(args=["matching", "offers", "--prefecture", "ムー大陸"]).exit_code != 0


def test_a_declaration_name_is_one_line_without_control_characters(client, users, desk):
    client.login(users.liaison(desk("131041")).email)
    response = _declare(client, name="宮城県沖を震源とする地震\r\n（2027年1月）\t続報\x0b\x1b")
    assert response.status_code == 302
    declaration = db.session.scalar(select(DisasterDeclaration))
    assert declaration.name == "宮城県沖を震源とする地震 （2027年1月） 続報"
    # Only breaks and tabs is no name: the form says so and nothing is saved.
    response = _declare(client, name="\r\n\t\x0b")
    assert response.status_code == 400
    assert "災害の名前を入力してください。" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(DisasterDeclaration)).all()) == 1
    with pytest.raises(ValueError):
        declarations.update(declaration, declarations.DeclarationInput(
            "\n\t", ["宮城県"], ["evacuees"], _today()), users.admin())


def test_planning_and_the_matching_api_share_one_rate_limit(app, client, users, offers):
    app.config["RATELIMIT_MATCHING"] = "3 per minute"
    assert client.get("/disasters/plan?prefecture=宮城県").status_code == 200
    assert client.get("/api/v1/disaster-offers?prefecture=宮城県").status_code == 200
    assert client.get(f"/api/v1/postings/{offers['big'].id}/matches").status_code == 200
    page = client.get("/disasters/plan?prefecture=岩手県")
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert "この操作は1分間に3回までです。" in page.get_data(as_text=True)
    api = client.get("/api/v1/disaster-offers?prefecture=岩手県")
    assert api.status_code == 429 and "1分間に3回まで" in api.get_json()["error"]["message"]
    # The disaster page itself stays open to everyone, whatever the budget.
    declaration = declarations.declare(declarations.DeclarationInput(
        "宮城県沖を震源とする地震", ["宮城県"], ["evacuees"], _today()), users.admin())
    assert client.get(f"/disasters/{declaration.id}").status_code == 200
