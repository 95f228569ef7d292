"""Finding what is meant, not only what was typed: partial matches, compounds, readings, places,
related terms — on a small fixture written for these tests (not the benchmark corpus)."""

import pytest

from search_index import SearchQuery

from .helpers import ids, make_doc

KUMAMOTO = {"municipality_code": "434434", "municipality_name": "益城町",
            "municipality_kana": "マシキマチ", "prefecture": "熊本県", "region": "九州・沖縄"}
OITA = {"municipality_code": "442011", "municipality_name": "大分市",
        "municipality_kana": "オオイタシ", "prefecture": "大分県", "region": "九州・沖縄"}


@pytest.fixture
def engine(make_engine):
    eng = make_engine()
    eng.upsert([
        make_doc(1, "子育て世帯の定住促進", "子育て中の家族に町の暮らしを紹介した。"),
        make_doc(2, "子育て支援センターの相互見学", "保育士が互いの支援センターを見学した。"),
        make_doc(3, "移住体験ツアーを共同開催", "区民向けに移住体験ツアーを実施した。"),
        make_doc(4, "体験農園と移住相談", "週末の体験農園のあとに移住相談を開いた。", "バスツアーも組んだ。"),
        make_doc(5, "防災士の養成講座を合同で開講", "地域の防災リーダーを育てる。"),
        make_doc(6, "震災からの災害復旧を支援", "道路と住宅の復旧を技術職員が支えた。", **KUMAMOTO),
        make_doc(7, "豪雨の災害復旧を支援", "大分市の技術職員が河川の復旧を支えた。", **OITA),
        make_doc(8, "商店街のにぎわいづくり", "空き店舗を使ったイベントを開いた。"),
        make_doc(9, "区報で町の特産品を紹介", "区報に町の記事を載せた。",
                 body="益城町の特産品を紹介する記事です。"),
        make_doc(10, "職員の防災訓練", "職員向けの防災訓練を行った。", visibility="officials"),
    ])
    return eng


def search(engine, q, **kw):
    return engine.search(SearchQuery(q=q, **kw))


def test_full_matches_rank_above_partial_ones_which_still_appear(engine):
    result = search(engine, "子育て 定住")
    assert ids(result)[0] == 1  # both words
    assert 2 in ids(result)  # only 子育て: a partial match, below
    assert result.hits[0].missing == [] and result.strict_total == 1
    partial = next(h for h in result.hits if h.id == 2)
    assert partial.missing == ["定住"] and partial.partial


def test_enough_full_matches_leave_partial_ones_out(engine):
    engine.min_strict = 1
    result = search(engine, "子育て 定住")
    assert ids(result) == [1] and result.total == 1


def test_required_word_and_exclusion(engine):
    assert set(ids(search(engine, "子育て +世帯"))) == {1}
    assert 1 not in ids(search(engine, "子育て -定住"))


def test_a_compound_finds_its_parts_ranked_by_closeness(engine):
    found = ids(search(engine, "移住体験ツアー"))
    assert found[0] == 3  # the compound itself
    assert 4 in found  # 体験, 移住 and ツアー apart
    assert ids(search(engine, "防災士養成"))[0] == 5  # 防災士の養成講座


def test_kana_reading_finds_the_word(engine):
    found = search(engine, "こそだて")
    assert {1, 2} <= set(ids(found)) and "子育て" in found.readings
    assert 10 not in ids(search(engine, "ぼうさい"))  # officials-only never leaks via readings
    assert 10 in ids(search(engine, "ぼうさい", audience="official"))
    assert 5 in ids(search(engine, "ぼうさい"))


def test_prefecture_finds_its_towns_and_ranks_the_place_first(engine):
    found = ids(search(engine, "熊本県"))
    assert {6, 9} <= set(found)  # owner 益城町; 9 names 益城町 in its text
    topic = ids(search(engine, "熊本県 災害復旧"))
    assert topic[0] == 6  # place and topic
    assert 7 in topic  # the topic in a nearby prefecture still shows


def test_region_finds_its_prefectures(engine):
    assert {6, 7} <= set(ids(search(engine, "九州")))


def test_expansion_can_be_turned_off(engine):
    engine.upsert([make_doc(11, "災害対策の研修", "災害対策の基礎を学ぶ。")])
    with_synonyms = search(engine, "防災")
    assert 11 in ids(with_synonyms) and "災害対策" in with_synonyms.related
    typed_only = search(engine, "防災", expand=False)
    assert 11 not in ids(typed_only) and typed_only.related == []


def test_more_like_ranks_by_shared_words(engine):
    result = engine.more_like("移住体験ツアーの受け入れ先を探しています。移住相談も。", SearchQuery())
    assert set(ids(result)[:2]) == {3, 4}
    scores = {h.id: h.score for h in result.hits}
    assert scores.get(8, 0) < min(scores[3], scores[4])  # 商店街 shares at most a common word
    assert all(h.score > 0 for h in result.hits)
    assert 10 not in ids(engine.more_like("職員の防災訓練", SearchQuery()))


def test_more_like_each_answers_as_more_like_does_for_every_query(engine):
    engine.upsert([make_doc(11, "移住相談会を区で開催", "移住体験ツアーの説明も。", kind="partnership_request",
                            request_status="open"),
                   make_doc(12, "移住体験の受入れ", "移住相談に応じる。", kind="partnership_request",
                            request_status="closed", **KUMAMOTO)])
    text = "移住体験ツアーの受け入れ先を探しています。移住相談も。"
    queries = [SearchQuery(kind="case_study", per_page=2), SearchQuery(kind="partnership_request"),
               SearchQuery(kind="partnership_request", request_status="open"),
               SearchQuery(municipality_code="434434", audience="official"),
               SearchQuery(kind="case_study", per_page=2, page=2), SearchQuery(kind="staff_exchange")]
    each = engine.more_like_each(text, queries)
    assert [[(h.id, h.score, h.fields) for h in r.hits] for r in each] == [
        [(h.id, h.score, h.fields) for h in engine.more_like(text, q).hits] for q in queries]
    assert [r.total for r in each] == [engine.more_like(text, q).total for q in queries]
    assert set(ids(each[0])) == {3, 4} and set(ids(each[1])) == {11, 12} and ids(each[2]) == [11]
    assert ids(each[3])[0] == 12 and set(ids(each[3])) <= {6, 12} and ids(each[5]) == []
    assert engine.more_like_each(text, []) == []


def test_a_concept_said_in_other_words_finds_the_posting(engine):
    engine.upsert([make_doc(12, "都市部の商業施設で町の特産品を販売", "首都圏の百貨店で物産展を開いた。"),
                   make_doc(13, "都内の職員限定の研修", "職員だけの研修。", body="都市部の課題。",
                            visibility="officials")])
    found = search(engine, "都会 売る")  # everyday words; the posting says 都市部, 販売
    assert ids(found)[0] == 12 and "都市部" in found.related and "販売" in found.related
    assert 13 not in ids(found)  # a related term never reaches what the audience may not see
    assert 12 not in ids(search(engine, "都会 売る", expand=False))
