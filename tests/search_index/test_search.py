from datetime import date

import pytest

from search_index import SearchEngine, SearchQuery

from .helpers import ids, make_doc


def search(engine, q="", **kw):
    return engine.search(SearchQuery(q=q, **kw))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("空家", 1), ("空き家", 1), ("ＩＴ", 2), ("IT", 2), ("it", 2),
        ("取り組み", 3), ("取組", 3), ("申し込み", 4), ("申込", 4),
        ("コンピュータ", 5), ("コンピューター", 5), ("ｺﾝﾋﾟｭｰﾀｰ", 5),
    ],
)
def test_variants_find_their_document(engine, query, expected):
    assert expected in ids(search(engine, query))


def test_synonym_expansion(engine):
    # 7 says 災害時相互応援協定 but never 防災協定.
    assert 7 in ids(search(engine, "防災協定"))
    # 8 says 職員派遣 but never 人事交流.
    assert 8 in ids(search(engine, "人事交流"))


def test_former_municipality_name_finds_current(engine):
    found = ids(search(engine, "門前町"))
    assert set(found) == {6, 8}


def test_prefecture_finds_partner_municipality(engine):
    # 6 and 8 name only 輪島市 as partner; its prefecture comes from the partner metadata.
    assert {6, 8} <= set(ids(search(engine, "石川県")))
    assert 7 not in ids(search(engine, "石川県"))


def test_phrase_requires_adjacency(engine):
    plain = ids(search(engine, "相互応援協定"))
    phrase = ids(search(engine, '"相互応援協定"'))
    assert 7 in phrase and 9 not in phrase
    assert set(phrase) <= set(plain)


def test_and_is_default_or_and_exclusion(engine):
    assert ids(search(engine, "商店街 活性化")) and set(ids(search(engine, "商店街 活性化"))) == {10, 11}
    assert set(ids(search(engine, "農業体験 OR 廃校"))) == {11, 12}
    assert set(ids(search(engine, "商店街 -農業"))) == {10}
    assert search(engine, "商店街 -農業").total == 1


def test_title_outranks_body(engine):
    # 10 has 商店街 in its title, 11 only in its body.
    assert ids(search(engine, "商店街"))[:2] == [10, 11]


def test_newest_sort_and_pagination(engine):
    all_ids = ids(search(engine, "", sort="newest", per_page=50))
    assert all_ids[0] == 5 and all_ids[-1] == 12
    page2 = search(engine, "", sort="newest", per_page=5, page=2)
    assert ids(page2) == all_ids[5:10] and page2.total == len(all_ids)


def test_filters_and_facets(engine):
    r = search(engine, "", field="防災")
    assert set(ids(r)) == {6, 7, 8}
    # The field facet ignores its own filter (standard faceted search)…
    assert dict(r.facets["field"])["観光"] == 7
    # …while other facets count only the filtered set.
    assert dict(r.facets["kind"]) == {"disaster_offer": 1, "case_study": 1, "staff_exchange": 1}
    assert set(ids(search(engine, "", prefecture="石川県"))) == {6, 8}
    assert set(ids(search(engine, "", region="中部"))) == {6, 7, 8}
    assert set(ids(search(engine, "", category="B-5"))) == {6, 7}
    assert ids(search(engine, "", year=2022)) == [12]
    assert set(ids(search(engine, "", municipality_code="172049"))) == {6, 8}
    r = search(engine, "", date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    assert r.total == 9


def test_hit_fields_and_snippet(engine):
    hit = search(engine, "空き家").hits[0]
    assert hit.fields["title"] == "空き家バンクを活用した移住相談会"
    assert hit.fields["municipality_code"] == "132012"
    assert hit.fields["external_id"] == "case-0001"
    assert "<mark>空き家</mark>" in hit.snippet


def test_snippet_escapes_document_text(make_engine):
    eng = make_engine()
    eng.upsert([make_doc(1, "注意", "<script>alert('x')</script> 防災 & <b>訓練</b>")])
    snippet = eng.search(SearchQuery(q="防災")).hits[0].snippet
    assert "<script>" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_suggest(engine):
    assert "災害時相互応援協定の締結" in engine.suggest("災害時")
    assert engine.suggest("商店")[0] == "商店街の活性化"


def test_query_is_split_at_particles(engine):
    # 11 has 商店街 and 活性化 apart ("商店街の店主も参加した活性化の取り組み"): the の in the
    # query must not demand the bigrams 街の/の活.
    assert set(ids(search(engine, "商店街の活性化"))) == {10, 11}


def test_typed_term_outranks_synonym_only_match(make_engine):
    eng = make_engine()
    eng.upsert([
        make_doc(1, "災害対策の研修", "災害対策の基礎を学ぶ。", published_at=date(2025, 1, 1)),
        make_doc(2, "防災の研修", "防災の基礎を学ぶ。", published_at=date(2020, 1, 1)),
    ])
    # Both match 防災 (災害対策 is a synonym); the newer one must not win over the term as typed.
    assert ids(eng.search(SearchQuery(q="防災"))) == [2, 1]


def test_related_terms_are_the_synonyms_searched_too_in_their_own_spelling(engine):
    # 防災協定 is searched as 防災 + 協定 (with 防災's synonyms) or as one of its own synonyms.
    assert engine.related_terms("防災協定") == ["災害対策", "防災対策", "応援協定", "災害応援協定",
                                             "災害時相互応援協定", "相互応援協定"]
    related = engine.related_terms("ｉｔ")
    assert "ICT" in related and "情報通信" in related and "IT" not in related
    assert "輪島市" in engine.related_terms("門前町")  # a former name: its current municipality
    # The query's own terms are left out, also when a synonym of another term.
    assert engine.related_terms("防災 OR 災害対策") == ["防災対策"]
    assert engine.related_terms('"防災協定"') == []  # phrases are not expanded
    assert engine.related_terms("-防災") == []  # nor excluded terms
    assert engine.related_terms("商店街") == ["商店会", "商店街振興"] and engine.related_terms("") == []


def test_related_terms_match_what_the_search_finds(engine):
    # 防災協定 also finds a posting that only says 災害時相互応援協定.
    assert "災害時相互応援協定" in engine.related_terms("防災協定")
    assert 7 in ids(engine.search(SearchQuery(q="防災協定")))


def test_request_status_filter_and_facet(make_engine):
    eng = make_engine()
    eng.upsert([
        make_doc(1, "体験学習の受け入れ先を募集", kind="partnership_request", request_status="open"),
        make_doc(2, "防災訓練の連携先を募集", kind="partnership_request", request_status="open"),
        make_doc(3, "移住相談会の共催先を募集", kind="partnership_request", request_status="matched"),
        make_doc(4, "物産展の出店者を募集", kind="partnership_request", request_status="closed"),
        make_doc(5, "募集を終えた事例の紹介"),  # not a request: no request_status
        make_doc(6, "職員だけの募集", kind="partnership_request", request_status="closed",
                 visibility="officials"),
    ])
    result = eng.search(SearchQuery(q="募集"))
    assert result.facets["request_status"] == [("open", 2), ("closed", 1), ("matched", 1)]
    assert sorted(ids(eng.search(SearchQuery(q="募集", request_status="open")))) == [1, 2]
    matched = eng.search(SearchQuery(request_status="matched"))
    assert ids(matched) == [3] and matched.total == 1
    # Other facets count within the filter; the request_status facet ignores its own filter.
    closed = eng.search(SearchQuery(request_status="closed"))
    assert ids(closed) == [4] and dict(closed.facets["kind"]) == {"partnership_request": 1}
    assert dict(closed.facets["request_status"]) == {"open": 2, "matched": 1, "closed": 1}
    official = eng.search(SearchQuery(request_status="closed", audience="official"))
    assert sorted(ids(official)) == [4, 6]
    assert eng.search(SearchQuery(request_status="unknown")).total == 0
    # Changing a request's status moves it between facet values.
    eng.upsert([make_doc(1, "体験学習の受け入れ先を募集", kind="partnership_request", request_status="matched")])
    assert dict(eng.search(SearchQuery()).facets["request_status"]) == {"open": 1, "matched": 2, "closed": 1}


def test_an_index_from_before_request_status_needs_a_rebuild(tmp_path):
    eng = SearchEngine(tmp_path)
    eng.upsert([make_doc(1, "募集", kind="partnership_request", request_status="open")])
    assert eng.healthy()
    (tmp_path / (tmp_path / "CURRENT").read_text() / "FORMAT").unlink()  # as written by older versions
    assert not eng.healthy()
    eng.rebuild([make_doc(1, "募集", kind="partnership_request", request_status="open")])
    assert eng.healthy() and ids(eng.search(SearchQuery(request_status="open"))) == [1]
