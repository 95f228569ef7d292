"""What only the PostgreSQL backend does: writes that join the caller's transaction, writers
on several connections, and a rebuild after a format change."""

import threading

import pytest

from search_index import IndexWriteError, SearchQuery

from .conftest import engine_factory
from .helpers import corpus, ids, make_doc


def _pg(request, tmp_path):
    return engine_factory("postgres", request, tmp_path)


def test_a_write_commits_or_rolls_back_with_the_callers_transaction(request, tmp_path):
    make = _pg(request, tmp_path)
    eng = make()
    eng.upsert(corpus())
    connect = request.getfixturevalue("search_database")
    with connect() as conn:
        eng.upsert([make_doc(60, "取り消される投稿の空き家")], connection=conn)
        assert ids(make().search(SearchQuery(q="取り消される"))) == []  # not committed yet
        conn.rollback()
    assert eng.search(SearchQuery(q="取り消される")).total == 0
    with connect() as conn:
        eng.upsert([make_doc(61, "確定した投稿")], connection=conn)
        eng.delete([1], connection=conn)
    assert ids(make().search(SearchQuery(q="確定した"))) == [61]
    assert make().search(SearchQuery(q="空き家")).total == 0


def test_concurrent_writers_never_lose_a_document(request, tmp_path):
    make = _pg(request, tmp_path)
    make().upsert(corpus())
    errors = []

    def write(start):
        eng = make()
        try:
            for i in range(start, start + 15):
                eng.upsert([make_doc(i, f"並行書き込み{i}", "本文")])
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(e))

    threads = [threading.Thread(target=write, args=(s,)) for s in (1000, 2000)]
    reader = make()
    reader.search(SearchQuery(q="並行"))  # a view from before the writes, brought up to date
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert reader.search(SearchQuery(q="並行書き込み", per_page=50)).total == 30
    assert reader.doc_count() == 42


def test_an_index_of_another_format_needs_a_rebuild(request, tmp_path):
    make = _pg(request, tmp_path)
    eng = make()
    eng.upsert(corpus())
    assert eng.healthy()
    with request.getfixturevalue("search_database")() as conn:
        conn.execute(f"UPDATE {eng.backend.p}state SET value = 2 WHERE key = 'format'")
    assert not eng.healthy()
    assert eng.rebuild(corpus()) == 12
    assert eng.healthy() and ids(eng.search(SearchQuery(q="空き家"))) == [1]


def test_a_search_after_the_server_dropped_the_readers_connections_still_finds(request, tmp_path):
    """A database restart ends every kept connection; the next search must not answer
    nothing (it did: "search index unreadable, returning no results: AdminShutdown")."""
    make = _pg(request, tmp_path)
    eng = make()
    eng.upsert(corpus())
    assert eng.search(SearchQuery(q="空き家")).total > 0  # the reader's connections are kept
    connect = request.getfixturevalue("search_database")
    with connect() as admin:
        admin.autocommit = True
        ended = admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
    assert ended >= 1
    assert eng.search(SearchQuery(q="空き家")).total > 0
    assert eng.backend.healthy()


def test_a_rebuild_that_failed_after_the_load_leaves_nothing_behind(request, tmp_path):
    """The build tables are committed before their indexes are built (on two connections);
    a rebuild that fails then (here: a duplicate id) leaves the old index answering, and its
    tables are removed by remove_leftovers (what `flask search sync` calls first)."""
    make = _pg(request, tmp_path)
    eng = make()
    eng.upsert(corpus())
    with pytest.raises(IndexWriteError):
        eng.rebuild([*corpus(), corpus()[0]])
    assert make().search(SearchQuery(q="空き家")).total == 1
    eng.remove_leftovers()
    with eng.backend.connect() as conn:
        left = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE %s",
                            (eng.backend.p + "build%",)).fetchone()[0]
    assert left == 0
    assert eng.rebuild(corpus()) == 12
