import multiprocessing as mp
import threading

import pytest

from search_index import IndexWriteError, SearchEngine, SearchQuery

from .helpers import corpus, ids, make_doc


def snapshot(eng):
    out = []
    for q in ("空き家", "防災協定", "石川県", "商店街", "", '"相互応援協定"', "商店街 -農業"):
        r = eng.search(SearchQuery(q=q, per_page=50))
        out.append((q, r.total, ids(r), r.facets, [h.snippet for h in r.hits]))
    return out


def test_upsert_replaces_and_delete_removes(make_engine):
    eng = make_engine()
    eng.upsert(corpus())
    assert eng.doc_count() == 12
    eng.upsert([make_doc(10, "温泉地の魅力発信", "旧タイトルは消える")])
    assert eng.doc_count() == 12
    assert 10 not in ids(eng.search(SearchQuery(q="商店街の活性化")))
    assert ids(eng.search(SearchQuery(q="温泉地"))) == [10]
    eng.delete([10, 11, 999])
    assert eng.doc_count() == 10
    assert eng.search(SearchQuery(q="商店街")).total == 0


def test_rebuild_is_equivalent_and_swaps(make_engine):
    eng = make_engine()
    eng.upsert(corpus()[:6])
    eng.upsert(corpus()[6:])  # two segments before, one after: results must not change
    before = snapshot(eng)
    assert eng.rebuild(corpus()) == 12
    assert snapshot(eng) == before
    assert eng.healthy()
    other = make_engine()  # another process or host on the same index
    assert snapshot(other) == before


def test_rebuild_in_analysis_processes_is_equivalent(make_engine):
    eng = make_engine()
    eng.rebuild(corpus())
    before = snapshot(eng)
    assert eng.rebuild(corpus(), procs=2) == 12
    assert snapshot(eng) == before
    assert snapshot(make_engine()) == before


def test_a_rebuild_in_several_segments_is_equivalent(tmp_path, monkeypatch):
    """A Whoosh rebuild writes a segment per SEGMENT_DOCS documents (pools that never spill)."""
    from search_index import whoosh_backend

    eng = SearchEngine(tmp_path)
    eng.rebuild(corpus())
    before = snapshot(eng)
    monkeypatch.setattr(whoosh_backend, "SEGMENT_DOCS", 5)
    assert eng.rebuild(corpus()) == 12
    segments = eng.backend.reader().view().leaves
    assert len(segments) == 3
    assert snapshot(eng) == before


def test_rebuild_keeps_two_generations(tmp_path):
    eng = SearchEngine(tmp_path)
    eng.upsert(corpus())
    eng.rebuild(corpus())
    assert len(list(tmp_path.glob("ix-*"))) == 2  # the live generation and the previous one


def test_a_write_is_seen_by_another_reader_at_once(make_engine):
    eng, reader = make_engine(), make_engine()
    eng.upsert(corpus())
    assert ids(reader.search(SearchQuery(q="空き家"))) == [1]
    eng.upsert([make_doc(1, "温泉地の魅力発信"), make_doc(50, "空き家の新しい投稿")])
    assert ids(reader.search(SearchQuery(q="空き家"))) == [50]
    assert ids(reader.search(SearchQuery(q="温泉地"))) == [1]
    eng.delete([50])
    assert reader.search(SearchQuery(q="空き家")).total == 0
    assert reader.doc_count() == 12


def test_searches_answer_during_rebuild(make_engine):
    eng = make_engine()
    eng.upsert(corpus())
    started, release = threading.Event(), threading.Event()

    def slow_docs():
        started.set()
        release.wait(10)
        yield make_doc(1, "新しい世代だけの文書")

    t = threading.Thread(target=eng.rebuild, args=(slow_docs(),))
    t.start()
    assert started.wait(10)
    reader = make_engine()
    assert reader.search(SearchQuery(q="空き家")).total == 1
    release.set()
    t.join(30)
    assert reader.search(SearchQuery(q="空き家")).total == 0
    assert ids(reader.search(SearchQuery(q="新しい世代"))) == [1]


def test_lock_timeout_raises_index_write_error(tmp_path):
    eng = SearchEngine(tmp_path)
    other = SearchEngine(tmp_path, lock_timeout=0.2)
    with eng.backend.write_lock(), pytest.raises(IndexWriteError):
        other.upsert([make_doc(1, "待たされる文書")])
    with eng.backend.write_lock(), pytest.raises(IndexWriteError):
        other.delete([1])
    other.upsert([make_doc(1, "ロック解放後の文書")])
    assert eng.doc_count() == 1


def _writer(path, start, count, lock_timeout, queue):
    eng = SearchEngine(path, lock_timeout=lock_timeout)
    ok, failed, other = 0, 0, []
    for i in range(start, start + count):
        try:
            eng.upsert([make_doc(i, f"並行書き込み{i}", "本文")])
            ok += 1
        except IndexWriteError:
            failed += 1
        except Exception as e:  # anything else is a bug
            other.append(repr(e))
    queue.put((ok, failed, other))


@pytest.mark.parametrize("lock_timeout", [10.0, 0.01])
def test_concurrent_writers_from_two_processes(tmp_path, lock_timeout):
    SearchEngine(tmp_path)
    ctx = mp.get_context("spawn")  # like gunicorn workers: separate interpreters
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), s, 15, lock_timeout, queue))
             for s in (1000, 2000)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert all(not other for _, _, other in results), results
    ok = sum(r[0] for r in results)
    eng = SearchEngine(tmp_path)
    assert eng.doc_count() == ok
    if lock_timeout >= 10:
        assert ok == 30
    assert eng.healthy()


def test_corrupt_index_is_detected_and_rebuild_recovers(tmp_path):
    eng = SearchEngine(tmp_path)
    eng.upsert(corpus())
    assert eng.healthy()
    live = tmp_path / (tmp_path / "CURRENT").read_text()
    for toc in live.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    fresh = SearchEngine(tmp_path)
    assert not fresh.healthy()
    assert fresh.search(SearchQuery(q="空き家")).total == 0  # degrades, does not raise
    with pytest.raises(IndexWriteError):
        fresh.upsert([make_doc(1, "書けない")])
    assert fresh.rebuild(corpus()) == 12
    assert fresh.healthy() and fresh.search(SearchQuery(q="空き家")).total == 1


def test_missing_generation_directory_is_detected(tmp_path):
    import shutil

    eng = SearchEngine(tmp_path)
    eng.upsert(corpus())
    shutil.rmtree(tmp_path / (tmp_path / "CURRENT").read_text())
    assert not SearchEngine(tmp_path).healthy()
    assert SearchEngine(tmp_path).doc_count() == 0


def test_missing_index_dir_is_created(tmp_path):
    eng = SearchEngine(tmp_path / "new" / "index")
    assert eng.healthy() and eng.doc_count() == 0
    assert eng.search(SearchQuery(q="何か")).total == 0


def test_warm_is_harmless(make_engine):
    eng = make_engine()
    eng.warm()  # empty index
    eng.upsert(corpus())
    eng.warm()
    assert eng.search(SearchQuery(q="空き家")).total == 1


@pytest.mark.parametrize(
    "pointer", [b"../../elsewhere", b"\xff\xfe\x00garbage", b"", b"   \n", b"ix-never-written", b".hidden"]
)
def test_rebuild_replaces_a_garbled_pointer(tmp_path, pointer):
    eng = SearchEngine(tmp_path)
    eng.upsert(corpus())
    (tmp_path / "CURRENT").write_bytes(pointer)
    assert not eng.healthy()
    assert eng.search(SearchQuery(q="空き家")).total == 0  # degrades, does not raise
    assert eng.rebuild(corpus()) == 12
    assert eng.healthy() and ids(eng.search(SearchQuery(q="空き家"))) == [1]
    assert SearchEngine(tmp_path).search(SearchQuery(q="空き家")).total == 1
    # The unreachable old generation is cleaned up; only the new one is left.
    assert [p.name for p in tmp_path.glob("ix-*")] == [(tmp_path / "CURRENT").read_text()]


def test_writes_and_rebuild_recreate_a_removed_index_dir(tmp_path):
    import shutil

    root = tmp_path / "index"
    eng = SearchEngine(root)
    eng.upsert(corpus())
    assert eng.search(SearchQuery(q="空き家")).total == 1
    shutil.rmtree(root)
    assert eng.search(SearchQuery(q="空き家")).total == 0  # degrades, does not raise
    assert not eng.healthy()
    eng.upsert([make_doc(1, "再作成された索引の文書")])
    assert eng.healthy() and eng.doc_count() == 1
    assert ids(eng.search(SearchQuery(q="再作成"))) == [1]

    shutil.rmtree(root)
    eng.delete([1])
    assert eng.healthy() and eng.doc_count() == 0

    shutil.rmtree(root)
    assert eng.rebuild(corpus()) == 12
    assert eng.healthy() and ids(eng.search(SearchQuery(q="空き家"))) == [1]
    assert SearchEngine(root).doc_count() == 12
