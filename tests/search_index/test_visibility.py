import pytest

from search_index import SearchQuery

from .conftest import BACKENDS, engine_factory
from .helpers import corpus, ids, make_doc

SECRET = "極秘連絡網"


@pytest.fixture(scope="module", params=BACKENDS)
def eng(request, tmp_path_factory):
    eng = engine_factory(request.param, request, tmp_path_factory.mktemp("vis"))()
    eng.upsert(corpus())
    eng.upsert([
        make_doc(100, f"{SECRET}の整備", f"{SECRET}について", SECRET, visibility="officials",
                 kind="staff_exchange", fields=["非公開分野"], categories=["Z-9"],
                 prefecture="沖縄県", region="九州・沖縄", published_at=None),
        make_doc(101, "終了した商店街イベント", "過去の記録", "商店街", status="archived",
                 fields=["アーカイブ分野"]),
    ])
    return eng


def all_facet_values(result):
    return {(f, v) for f, values in result.facets.items() for v, _ in values}


def test_officials_only_document_is_invisible_to_public(eng):
    for q in (SECRET, "", "整備", "沖縄県"):
        r = eng.search(SearchQuery(q=q, per_page=100))
        assert 100 not in ids(r)
        assert all(SECRET not in h.snippet and SECRET not in str(h.fields) for h in r.hits)
        assert ("field", "非公開分野") not in all_facet_values(r)
        assert ("region", "九州・沖縄") not in all_facet_values(r)
    assert eng.search(SearchQuery(q=SECRET)).total == 0
    public_total = eng.search(SearchQuery(q="")).total
    assert public_total == 12
    kinds = dict(eng.search(SearchQuery(q="")).facets["kind"])
    assert sum(kinds.values()) == public_total
    assert eng.suggest(SECRET) == [] and eng.suggest("極秘") == []


def test_unknown_audience_fails_closed(eng):
    assert eng.search(SearchQuery(q=SECRET, audience="admin")).total == 0


def test_officials_see_it(eng):
    r = eng.search(SearchQuery(q=SECRET, audience="official"))
    assert ids(r) == [100]
    assert ("field", "非公開分野") in all_facet_values(r)
    assert eng.suggest("極秘", audience="official") == [f"{SECRET}の整備"]


def test_archived_excluded_by_default(eng):
    assert 101 not in ids(eng.search(SearchQuery(q="商店街")))
    assert 101 not in ids(eng.search(SearchQuery(q="商店街", audience="official")))
    archived = eng.search(SearchQuery(q="商店街", audience="official", status="archived"))
    assert ids(archived) == [101]
    # The public may not ask for archived postings.
    assert eng.search(SearchQuery(q="商店街", status="archived")).total == 0
    status = dict(eng.search(SearchQuery(q="商店街")).facets["status"])
    assert status == {"published": 2}
    status = dict(eng.search(SearchQuery(q="商店街", audience="official")).facets["status"])
    assert status == {"published": 2, "archived": 1}
