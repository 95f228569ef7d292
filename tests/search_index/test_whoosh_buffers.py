"""search_index/whoosh_buffers.py: Whoosh's BufferFile reads a segment in place, and reads the
same bytes a BytesIO copy would."""

import io
import random

from whoosh.filedb.structfile import BufferFile

import search_index  # noqa: F401  (installs the reader)
from search_index import whoosh_buffers


def test_reads_like_a_bytes_io():
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(20_000)) + b"line one\nline two\nlast"
    for buf in (data, memoryview(data)):
        ours, theirs = whoosh_buffers._ViewReader(buf), io.BytesIO(data)
        for _ in range(500):
            op = rng.choice(["read", "readline", "seek", "seek_end", "seek_cur"])
            if op == "read":
                n = rng.choice([-1, 0, 1, 7, 300, 5000])
                assert ours.read(n) == theirs.read(n)
            elif op == "readline":
                assert ours.readline() == theirs.readline()
            elif op == "seek":
                pos = rng.randrange(len(data) + 10)
                assert ours.seek(pos) == theirs.seek(pos)
            elif op == "seek_end":
                back = rng.randrange(40)
                assert ours.seek(-back, 2) == theirs.seek(-back, 2)
            else:
                step = rng.randrange(-50, 50)
                target = max(0, theirs.tell() + step)
                ours.seek(target - ours.tell(), 1)
                theirs.seek(target)
            assert ours.tell() == theirs.tell()


def test_buffer_files_do_not_copy_the_segment():
    data = memoryview(b"x" * 100_000)
    f = BufferFile(data[10:5000], name="segment")
    assert isinstance(f.file, whoosh_buffers._ViewReader)
    assert f.file._buf.obj is data.obj  # a view of the map, not a copy
    assert f.read(3) == b"xxx" and f.tell() == 3
    assert f.get(0, 4) == b"xxxx"


def test_posting_ids_read_from_the_buffer_equal_whooshs_matcher(tmp_path):
    """Every posting list of a real index, read straight from the segment's buffer, lists
    the same documents as Whoosh's own matcher, over several blocks per list."""
    from search_index import SearchEngine
    from search_index.whoosh_backend import _leaves

    from .helpers import make_doc

    words = ["防災", "訓練", "空き家", "観光", "子育て", "移住"]
    docs = [make_doc(i, f"{words[i % 6]}と{words[i % 5]}の取組 {i}", "地域の連携", f"{words[i % 4]}を進めた。")
            for i in range(1, 701)]
    engine = SearchEngine(tmp_path / "ix")
    engine.rebuild(docs)
    reader = engine.backend.reader().view().searcher.reader()
    multi_block = 0
    for segreader, _ in _leaves(reader):
        terms = segreader._terms
        for term in segreader.lexicon("text"):
            info = terms.term_info("text", term)
            if info.is_inlined():
                continue
            ours = whoosh_buffers.posting_ids(terms._postfile, info.extent()[0])
            matcher = terms.matcher("text", term, segreader.schema["text"].format)
            theirs = list(matcher.all_ids())
            assert ours == theirs, term
            multi_block += len(theirs) > 128
    assert multi_block  # lists of several blocks (Whoosh writes 128 postings per block)
