"""The index follows the database: after commit, on archive/delete, after failures, rebuilds."""

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import IndexQueue, Posting
from app.services.postings.editing import archive_posting
from app.services.search import indexing
from search_index import IndexWriteError, SearchEngine
from tests.search_app.conftest import find_ids


def test_a_saved_posting_is_findable_and_an_edit_reindexes_it(postings):
    posting = postings(title="古民家を活かした二地域居住の実証", summary="週末だけの暮らしを試す。")
    assert find_ids("古民家") == [posting.id]
    assert db.session.scalar(select(IndexQueue)) is None

    from app.services.postings.editing import PostingInput, update_posting

    data = PostingInput(kind=posting.kind, title="棚田オーナー制度の共同運営", municipality=posting.municipality,
                        officer=posting.officer, status="published", categories=list(posting.categories))
    update_posting(posting, data, actor=None)
    assert find_ids("古民家") == []
    assert find_ids("棚田") == [posting.id]


def test_archive_removes_it_from_results(postings, users):
    posting = postings(title="雪国の除雪ボランティア交流")
    archive_posting(posting, actor=None)
    assert find_ids("除雪") == []
    official = users.officer("131041")
    assert find_ids("除雪", user=official) == []
    # Officials may still look through the archive on purpose, as on the list pages.
    assert find_ids("除雪", user=official, status="archived") == [posting.id]
    assert find_ids("除雪", status="archived") == []


def test_a_deleted_posting_leaves_the_index(postings):
    posting = postings(title="廃止予定の相互派遣研修")
    posting_id = posting.id
    db.session.delete(posting)
    indexing.queue(posting_id)
    db.session.commit()
    assert indexing.apply_pending() == 0
    assert find_ids("相互派遣研修") == []


def test_drafts_are_never_indexed(postings):
    posting = postings(title="下書きの連携構想", status="draft")
    assert indexing.get_engine().search(_query("連携構想", "official")).total == 0
    assert posting.id not in find_ids("連携構想")


def _query(q, audience):
    from search_index import SearchQuery

    return SearchQuery(q=q, audience=audience)


def test_a_failed_index_write_keeps_the_save_and_sync_catches_up(postings, runner, monkeypatch):
    def broken(self, docs):
        raise IndexWriteError("disk full")

    monkeypatch.setattr(SearchEngine, "upsert", broken)
    posting = postings(title="災害時の給水車相互派遣")  # no exception reaches the caller
    assert db.session.get(Posting, posting.id).title == "災害時の給水車相互派遣"
    row = db.session.get(IndexQueue, posting.id)
    assert row is not None and row.attempts == 1
    assert find_ids("給水車") == []

    monkeypatch.undo()
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert find_ids("給水車") == [posting.id]
    assert indexing.pending_count() == 0


def test_the_next_write_replays_what_a_failed_one_left(postings, monkeypatch):
    monkeypatch.setattr(SearchEngine, "upsert", lambda self, docs: (_ for _ in ()).throw(IndexWriteError("x")))
    first = postings(title="棚田の保全交流")
    monkeypatch.undo()
    second = postings(title="棚田米の学校給食")
    assert sorted(find_ids("棚田")) == sorted([first.id, second.id])
    assert indexing.pending_count() == 0


def test_sync_reports_failure_while_the_index_stays_unwritable(postings, runner, monkeypatch):
    monkeypatch.setattr(SearchEngine, "upsert", lambda self, docs: (_ for _ in ()).throw(IndexWriteError("x")))
    postings(title="漁業体験の受け入れ")
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 1 and "still pending" in result.output


@pytest.mark.search_backend("whoosh")  # a rebuild writes a new directory
def test_rebuild_gives_the_same_results(postings, runner, users):
    for i, (title, vis) in enumerate([
        ("防災協定にもとづく合同訓練", "public"), ("空き家バンクの共同説明会", "public"),
        ("職員派遣による復興支援", "officials"), ("移住相談会を都内で開催", "public"),
        ("災害時相互応援協定の締結", "public"),
    ]):
        postings(title=title, visibility=vis, code=["131041", "131016", "132012"][i % 3],
                 partners=["172049"] if i % 2 else [])
    official = users.officer("131041")
    queries = [("防災", None), ("空家", None), ("人事交流", official), ("石川県", None), ("", None), ("", official)]
    before = [find_ids(q, user=u) for q, u in queries]
    old_dirs = set(Path(indexing.get_engine().backend.root).glob("ix-*"))

    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "Indexed 5 postings" in result.output
    assert set(Path(indexing.get_engine().backend.root).glob("ix-*")) != old_dirs  # a new directory
    assert [find_ids(q, user=u) for q, u in queries] == before
    assert before[0] and before[2]


def test_search_keeps_answering_while_a_rebuild_runs(postings):
    posting = postings(title="遠隔地の自治体との防災交流")
    seen_during = []

    def documents(session):
        # Mid-rebuild, the old directory still answers.
        seen_during.append(find_ids("防災交流"))
        yield from original(session)

    original = indexing.all_documents
    feed, own = type(indexing.POSTINGS), type(indexing.POSTINGS).all_documents
    feed.all_documents = lambda self, session: documents(session)
    try:
        assert indexing.rebuild() == 1
    finally:
        feed.all_documents = own
    assert seen_during == [[posting.id]]
    assert find_ids("防災交流") == [posting.id]


@pytest.mark.search_backend("whoosh")  # damaged index files
@pytest.mark.parametrize("damage", ["missing", "corrupt_files", "bad_pointer"])
def test_sync_detects_and_rebuilds_a_missing_or_corrupt_index(postings, runner, app, damage):
    posting = postings(title="広域避難の受け入れ協定")
    root = Path(app.config["SEARCH_INDEX_DIR"])
    if damage == "missing":
        shutil.rmtree(root)
    elif damage == "corrupt_files":
        for f in root.glob("ix-*/*"):
            f.write_bytes(b"not a whoosh file")
    else:
        (root / "CURRENT").write_text("../../elsewhere")
    leftover = root.with_name(f"{root.name}.broken-18f0a")  # moved aside by an older version
    (leftover / "ix-old").mkdir(parents=True)
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "rebuilt with 1 postings" in result.output
    assert find_ids("広域避難") == [posting.id]
    assert not list(root.parent.glob(f"{root.name}.broken-*"))  # nothing moved aside, old copies gone
    status = runner.invoke(args=["search", "status"])
    assert "healthy:    yes" in status.output and "documents:  1" in status.output


def test_sync_rebuilds_an_index_that_lost_documents(postings, runner):
    posting = postings(title="姉妹都市との物産展")
    indexing.get_engine().delete([posting.id])  # e.g. an old backup restored
    result = runner.invoke(args=["search", "sync"])
    assert "rebuilt with 1 postings" in result.output
    assert find_ids("物産展") == [posting.id]


def test_documents_are_built_without_n_plus_1_queries(postings):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    for i in range(12):
        postings(title=f"連携事例 {i}", partners=["172049", "202011"], fields=["観光", "防災"])
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with Session(db.engine) as session:
            docs = list(indexing.all_documents(session))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(docs) == 12 and docs[0]["partner_names"] == ["輪島市", "長野市"]
    assert len(statements) <= 8, statements


def test_a_posting_saved_and_archived_through_the_pages_follows_in_search(client, users):
    client.login(users.officer("131041").email)
    form = {
        "title": "区民農園で始めた収穫体験の交流", "summary": "子ども向けの収穫体験を共同で開催しました。",
        "body": "区と町の職員が一緒に企画しました。", "categories": ["A-4"], "fields": "農業",
        "partners": "輪島市", "officer": "0", "contact_name": "佐藤 涼",
        "contact_email": "ryo.sato@shinjuku.example.jp", "contact_department": "地域振興課",
        "contact_title": "主事", "contact_phone": "", "status": "published", "visibility": "public",
        "period_start": "2024-04", "period_end": "", "activities": "年3回の収穫体験",
        "outcomes": "延べ120人が参加", "challenges": "",
    }
    response = client.post_form("/postings/new/cases", form)
    assert response.status_code == 302, re.findall(r"field-error[^>]*>([^<]+)", response.get_data(as_text=True))
    client.logout()
    html = client.get("/search/?q=収穫体験").get_data(as_text=True)
    assert response.headers["Location"] in html and "<mark>収穫体験</mark>" in html

    client.login(users.officer("131041").email)
    posting_url = response.headers["Location"]
    archived = client.post_form(f"{posting_url}/archive", token_from=posting_url)
    assert archived.status_code == 302
    client.logout()
    assert posting_url not in client.get("/search/?q=収穫体験").get_data(as_text=True)


def test_queueing_the_same_posting_twice_keeps_one_newer_row(postings):
    posting = postings(title="二重の保存")
    # Within one transaction (on SEARCH_BACKEND=postgres the commit itself clears the queue).
    indexing.queue(posting.id)
    first = db.session.scalar(select(IndexQueue.queued_at).where(IndexQueue.posting_id == posting.id))
    indexing.queue(posting.id)
    rows = db.session.execute(select(IndexQueue.queued_at).where(IndexQueue.posting_id == posting.id)).all()
    assert len(rows) == 1 and rows[0][0] >= first
    db.session.commit()
    assert indexing.sync() == 0 and find_ids("二重の保存") == [posting.id]
