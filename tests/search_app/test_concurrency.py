"""Several processes (gunicorn workers) save postings at once: no index lock error reaches the
caller, and after `flask search sync` everything is indexed."""

import multiprocessing
import traceback

from app.services.search import indexing
from tests.search_app.conftest import find_ids

WORKERS = 3
PER_WORKER = 6


def _worker(db_uri: str, index_dir: str, backend: str, number: int, barrier, errors) -> None:
    from app import create_app
    from config import TestingConfig
    from tests.helpers import PostingFactory

    # A tiny lock wait makes writers collide and give up often: the worst case for users.
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=db_uri, SEARCH_INDEX_DIR=index_dir,
                     SEARCH_BACKEND=backend, SEARCH_LOCK_TIMEOUT=0.01)
    with app.app_context():
        make = PostingFactory()
        barrier.wait()
        for i in range(PER_WORKER):
            try:
                make(title=f"並行保存テスト 第{number}班 {i}号")
            except Exception:
                errors.put(traceback.format_exc())


def test_concurrent_writers_never_fail_and_sync_catches_up(app, runner, postings):
    # Forked like gunicorn workers; each builds its own app, engine and database connections.
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    errors = ctx.Queue()
    uri, index_dir = app.config["SQLALCHEMY_DATABASE_URI"], app.config["SEARCH_INDEX_DIR"]
    backend = app.config["SEARCH_BACKEND"]
    # The index exists before the workers start, as after `make run`. The posting also creates
    # the workers' field tag: two first uses of a new tag at once collide in postings.tags_for
    # (a separate, known race, not the index's).
    postings(title="準備の投稿", fields=["観光"])
    procs = [ctx.Process(target=_worker, args=(uri, index_dir, backend, n, barrier, errors)) for n in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert not failures, failures[0]
    assert all(p.exitcode == 0 for p in procs)

    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert len(find_ids("並行保存テスト")) == WORKERS * PER_WORKER
    assert indexing.pending_count() == 0
