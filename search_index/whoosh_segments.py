"""A rebuild's Whoosh segments, written whole in Whoosh's own format (the default codec):
the same files a SegmentWriter produces for the same documents, without its per-posting work.

SegmentWriter sends every posting through a pool of tuples, sorts the pool and hands each
posting to the codec one call at a time: 85 % of a rebuild. A rebuild's segment is written
once and never updated, so here each term's document numbers are appended to an array as
documents are analysed (they arrive in order), terms are sorted once, and each block of
postings goes to the codec's postings writer whole. Everything a reader sees (terms, blocks,
stored fields, columns, lengths, compound file) comes from Whoosh's own writers.

Segments are written in worker processes, one per SEGMENT_DOCS documents, and committed
together by the caller: reading the database, analysing and writing overlap."""

from __future__ import annotations

import collections
from array import array
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor

from whoosh.codec import default_codec
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from .analysis import WordTokenizer
from .schema import prepare
from .tokens import document_tokens
from .workers import batched, worker_tokenizer

# Analysed in our code: the match fields (see whoosh_backend.build_schema).
MATCH_FIELDS = ("text", "title_text", "head_text")


class _Postings:
    """Document numbers per field and term, in the order documents were added."""

    def __init__(self):
        # Existence-format match fields: only document numbers (weight 1.0, no value).
        self.ids: dict[str, collections.defaultdict] = {
            f: collections.defaultdict(lambda: array("I")) for f in MATCH_FIELDS}
        # Every other indexed field, as Whoosh's field.index() gives it (a few terms a document).
        self.other: dict[str, collections.defaultdict] = collections.defaultdict(
            lambda: collections.defaultdict(list))

    def fields(self) -> list[str]:
        return sorted(set(self.ids) | set(self.other))


def write_segment(path: str, schema, docs: list[dict], words: WordTokenizer,
                  to_whoosh_doc) -> object:
    """Write `docs` (prepared) as one new segment of the index at `path`; returns the
    segment, to be committed with the others (commit_segments)."""
    storage = FileStorage(path)
    codec = default_codec()
    segment = codec.new_segment(storage, "MAIN")
    perdoc = codec.per_document_writer(storage, segment)
    postings = _Postings()
    for docnum, p in enumerate(docs):
        tokens = document_tokens(p, words)
        fields = to_whoosh_doc(p)
        perdoc.start_doc(docnum)
        for name in sorted(fields):  # as SegmentWriter.add_document
            value = fields[name]
            field = schema[name]
            length = 0
            if name in tokens:
                ids = postings.ids[name]
                for tok in tokens[name]:
                    ids[tok].append(docnum)
                length = len(tokens[name])
            elif field.indexed:
                other = postings.other[name]
                for tbytes, freq, weight, vbytes in field.index(value):
                    if field.scorable:
                        length += freq
                    other[tbytes].append((docnum, weight, vbytes))
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
    perdoc.close()
    _write_postings(codec.field_writer(storage, segment), schema, postings)
    segment.set_doc_count(len(docs))
    segment.create_compound_file(storage)
    return segment


def _write_postings(fw, schema, postings: _Postings) -> None:
    for name in postings.fields():
        fw.start_field(name, schema[name])
        if name in postings.ids:
            terms = postings.ids[name]
            for term in sorted(terms):
                fw.start_term(term.encode("utf-8"))
                _add_ids(fw._postwriter, terms[term])
                fw.finish_term()
        else:
            terms = postings.other[name]
            for tbytes in sorted(terms):
                fw.start_term(tbytes)
                for docnum, weight, vbytes in terms[tbytes]:
                    fw.add(docnum, weight, vbytes, 0)
                fw.finish_term()
        fw.finish_field()
    fw.close()


def _add_ids(pw, ids: array) -> None:
    """A posting list of weight-1.0, valueless postings, one block at a time (what
    W3PostingsWriter.add_posting would buffer, posting by posting)."""
    limit = pw._blocklimit
    for start in range(0, len(ids), limit):
        if start:
            pw._write_block()
        block = ids[start:start + limit]
        pw._ids = block
        pw._weights = array("f", [1.0]) * len(block)
        pw._maxweight = 1.0


def commit_segments(path: str, schema, segments: list) -> None:
    """Make `segments` the index at `path` (created empty): one new table of contents."""
    storage = FileStorage(path)
    generation = TOC._latest_generation(storage, "MAIN") + 1
    TOC(schema, segments, generation).write(storage, "MAIN")


def _segment_task(path: str, schema, docs: list[dict], tokenizer: str, to_whoosh_doc):
    words = worker_tokenizer(tokenizer)
    return write_segment(path, schema, [prepare(d) for d in docs], words, to_whoosh_doc), len(docs)


def load(path: str, schema, docs: Iterable[dict], *, tokenizer: str, to_whoosh_doc,
         segment_docs: int, procs: int = 1) -> int:
    """Index raw documents into the empty index at `path`, one segment per `segment_docs`,
    in `procs` processes, and commit them at once (searches see nothing before)."""
    tasks = ((path, schema, batch, tokenizer, to_whoosh_doc) for batch in batched(docs, segment_docs))
    segments, count = [], 0
    for segment, n in _in_order(tasks, procs):
        segments.append(segment)
        count += n
    if segments:
        commit_segments(path, schema, segments)
    return count


def _in_order(tasks, procs: int):
    """Results of _segment_task in task order; with `procs` > 1 in that many processes, a few
    tasks in flight (the documents are read while segments are written; memory stays bounded)."""
    if procs <= 1:
        yield from (_segment_task(*t) for t in tasks)
        return
    with ProcessPoolExecutor(procs) as pool:
        pending: collections.deque = collections.deque()
        for t in tasks:
            pending.append(pool.submit(_segment_task, *t))
            if len(pending) > procs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
