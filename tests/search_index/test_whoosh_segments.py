"""The rebuild's segment writer writes what Whoosh's own SegmentWriter writes for the same
documents: every term's postings, the stored fields, the field lengths and the column."""

import pytest
from whoosh import index as whoosh_index

from search_index import whoosh_backend
from search_index.schema import prepare
from search_index.whoosh_backend import WhooshStore, to_whoosh_doc

from .helpers import corpus, make_doc


def contents(path) -> dict:
    ix = whoosh_index.open_dir(str(path))
    with ix.searcher() as s:
        r = s.reader()
        count = r.doc_count_all()
        leaves = whoosh_backend._leaves(r)
        return {
            "count": count,
            "stored": list(r.all_stored_fields()),
            "postings": {(f, t): list(r.postings(f, t).all_ids()) for f, t in r.all_terms()},
            "lengths": {f: [r.doc_field_length(d, f) for d in range(count)]
                        for f in ("text", "title_text", "head_text")},
            "published_ts": [seg.column_reader("published_ts")[i]
                             for seg, _ in leaves for i in range(seg.doc_count_all())],
            "segments": len(leaves),
        }


def documents() -> list[dict]:
    # Enough documents for posting lists longer than one block (128 postings).
    extra = [make_doc(100 + i, f"防災協定の締結 その{i}", "災害時の相互応援を定めた。", fields=["防災"])
             for i in range(300)]
    return corpus() + extra


@pytest.mark.parametrize("procs", [1, 2])
def test_segments_are_whooshs_own(tmp_path, monkeypatch, procs):
    docs = documents()
    theirs, ours = tmp_path / "theirs", tmp_path / "ours"
    for path in (theirs, ours):
        path.mkdir()
        WhooshStore.create(str(path))

    # Whoosh's writer, a segment of 200 documents at a time (posting lists of more than one
    # block within a segment).
    for start in range(0, len(docs), 200):
        writer = whoosh_backend._without_lengths(whoosh_index.open_dir(str(theirs)).writer())
        for d in docs[start:start + 200]:
            writer.add_document(**to_whoosh_doc(prepare(d)))
        writer.commit(merge=False)

    monkeypatch.setattr(whoosh_backend, "SEGMENT_DOCS", 200)
    assert WhooshStore(str(ours)).bulk_load(iter(docs), procs=procs) == len(docs)

    expected = contents(theirs)
    assert expected["segments"] == 2
    assert max(len(ids) for ids in expected["postings"].values()) > 128
    assert contents(ours) == expected
