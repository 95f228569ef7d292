"""Anonymous searches from the page cache: a repeated search is served again without asking
the index, and whatever changes its answer (a save, an index write the database never saw, a
rebuild) is on the next search, as are officials' own answers never kept for the public."""

import json
from pathlib import Path

import pytest

from app.extensions import db
from app.services.search import indexing
from app.sqlcount import counting_statements
from search_index.whoosh_backend import POINTER
from tests.helpers import WebClient
from tests.test_postings import _form

SEARCHES = ("/search/?q={q}", "/api/v1/search?q={q}")


def anonymous(app) -> WebClient:
    return WebClient(app.test_client())


def _text(response) -> str:
    """The page, or the API's JSON with its Japanese unescaped."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


def _shown(client, url: str, title: str) -> bool:
    response = client.get(url)
    assert response.status_code == 200, url
    return title in _text(response)


@pytest.mark.parametrize("search", SEARCHES)
def test_a_repeated_anonymous_search_is_served_from_the_cache(app, postings, search):
    postings(title="棚田を守る交流の記録")
    url = search.format(q="棚田")
    body = anonymous(app).get(url).get_data()
    with counting_statements(db.engine) as statements:
        again = anonymous(app).get(url)
    assert again.status_code == 200 and again.get_data() == body and "棚田を守る交流の記録" in _text(again)
    assert len(statements) == 1  # the generation; neither the index nor the postings were read


def test_a_save_is_on_the_next_anonymous_search(app, client, users, postings):
    posting = postings(code="131041", title="元の題名の交流")
    reader = anonymous(app)
    for search in SEARCHES:
        assert not _shown(reader, search.format(q="棚田"), "棚田で結ぶ新しい交流")
    client.login(users.officer("131041").email)
    response = client.post_form(f"/postings/{posting.id}/edit",
                                _form(title="棚田で結ぶ新しい交流", officer=str(posting.officer_id)))
    assert response.status_code == 302
    for search in SEARCHES:
        assert _shown(reader, search.format(q="棚田"), "棚田で結ぶ新しい交流"), search


def test_an_index_write_alone_and_a_rebuild_are_on_the_next_anonymous_search(app, postings, runner):
    posting = postings(title="棚田を守る交流の記録")
    reader = anonymous(app)
    for search in SEARCHES:
        assert _shown(reader, search.format(q="棚田"), "棚田を守る交流の記録")
    # Written to the index only (the database, and so its generation, unchanged).
    indexing.get_engine().delete([posting.id])
    for search in SEARCHES:
        assert not _shown(reader, search.format(q="棚田"), "棚田を守る交流の記録"), search
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    for search in SEARCHES:
        assert _shown(reader, search.format(q="棚田"), "棚田を守る交流の記録"), search


def test_an_official_search_is_their_own_before_and_after_the_public_one(app, users, postings):
    postings(code="131041", title="職員だけの内部調整メモ", visibility="officials")
    postings(code="131041", title="みんなの内部調整の記録")
    official = WebClient(app.test_client())
    official.login(users.officer("131016").email)
    for search in SEARCHES:
        url = search.format(q="内部調整")
        assert _shown(official, url, "職員だけの内部調整メモ")
        assert not _shown(anonymous(app), url, "職員だけの内部調整メモ")
        assert _shown(anonymous(app), url, "みんなの内部調整の記録")
        assert _shown(official, url, "職員だけの内部調整メモ")


@pytest.mark.search_backend("whoosh")
def test_a_search_while_the_index_is_unreadable_is_not_kept(app, postings, runner):
    postings(title="棚田を守る交流の記録")
    reader = anonymous(app)
    # A garbled pointer to the live index directory: nothing can be read until a rebuild.
    (Path(app.config["SEARCH_INDEX_DIR"]) / POINTER).write_text("../elsewhere", encoding="utf-8")
    for search in SEARCHES:
        response = reader.get(search.format(q="棚田"))
        assert "棚田を守る交流の記録" not in _text(response)
        assert response.headers["Cache-Control"] == "private, no-cache", search  # not stored
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    for search in SEARCHES:
        assert _shown(reader, search.format(q="棚田"), "棚田を守る交流の記録"), search
