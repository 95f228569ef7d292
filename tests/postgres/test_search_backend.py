"""SEARCH_BACKEND=postgres through the app: the index lives in the app's database, is written
in the posting's own transaction, and every app instance (web host) finds a save at once."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import IndexQueue
from app.services.data.reference import load_reference_data
from app.services.search import indexing
from app.services.search import query as search_service
from config import TestingConfig
from tests.helpers import PostingFactory

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_search(pg_app):
    pg_app.config["SEARCH_BACKEND"] = "postgres"
    upgrade()
    load_reference_data()
    return pg_app


def _other_host(app, tmp_path):
    """Another app instance on the same database, with an instance folder of its own."""
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      SEARCH_INDEX_DIR=str(tmp_path / "other-host"), SEARCH_BACKEND="postgres")


def _found(q: str) -> list[int]:
    return [i.posting.id for i in search_service.search(None, search_service.SearchParams(q=q)).items]


def test_a_save_is_indexed_in_its_transaction_and_found_by_another_host(pg_search, tmp_path):
    assert indexing.get_engine().transactional
    posting = PostingFactory()(title="ゼクスペリオン温泉の移住体験", summary="区民向けの移住体験。")
    assert db.session.scalar(select(func.count()).select_from(IndexQueue)) == 0  # nothing left to replay
    assert _found("ゼクスペリオン") == [posting.id]
    other = _other_host(pg_search, tmp_path)
    with other.app_context():
        assert _found("ゼクスペリオン") == [posting.id]
        assert _found("いじゅう") == [posting.id]  # a reading, from the shared vocabulary
        db.session.remove()
        db.engine.dispose()


def test_a_rolled_back_save_leaves_no_trace_in_the_index(pg_search):
    posting = PostingFactory()(title="ゼクスペリオン港の交流", summary="交流の記録。")
    posting.title = "取り消される題名"
    indexing.queue(posting.id)
    db.session.flush()
    db.session.rollback()
    assert _found("取り消される") == [] and _found("ゼクスペリオン") == [posting.id]


def test_rebuild_and_replay_on_the_database(pg_search):
    runner = pg_search.test_cli_runner()
    first = PostingFactory()(title="ゼクスペリオン山の防災", summary="防災の記録。")
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert indexing.get_engine().healthy() and _found("ゼクスペリオン") == [first.id]
    # A change queued outside the save path (as the importer may leave it) is replayed by sync.
    first.title = "ゼクスペリオン川の防災"
    db.session.add(IndexQueue(posting_id=first.id, queued_at=first.updated_at, attempts=0))
    db.session.info.pop("search_changes", None)
    db.session.commit()
    assert indexing.sync() == 0 and _found("ゼクスペリオン川") == [first.id]
