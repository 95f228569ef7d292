"""Baseline: a plain Whoosh index as a team would first set it up, with Whoosh's own BM25F.

Fields title (boost 3), summary and places (boost 2), body (1), each analysed into NFKC +
lower-cased SudachiPy words (mode A) plus character bigrams of CJK runs; the query's tokens
are OR-ed (Whoosh's QueryParser with OrGroup) and ranked by BM25F. No synonyms, readings,
variants or places: what the search_index package adds is measured against this.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata

from whoosh import index, qparser
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.scoring import BM25F

from search_index import markdown_to_text

_RUN = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff\u3005]+|[a-z0-9]+")


class _WordsAndBigrams(Tokenizer):
    def __init__(self):
        self._tok = None

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        if self._tok is None:
            from sudachipy import Dictionary, SplitMode

            self._tok = Dictionary().tokenizer(mode=SplitMode.A)
        text = unicodedata.normalize("NFKC", value).lower()
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        tokens = [m.surface() for m in self._tok.tokenize(text) if _RUN.fullmatch(m.surface())]
        for run in _RUN.findall(text):
            if run[0] > "z" and len(run) > 1:
                tokens += [run[i : i + 2] for i in range(len(run) - 1)]
        for tok in tokens:
            t.text, t.boost, t.pos = tok, 1.0, pos
            pos += 1
            yield t

    def __getstate__(self):
        return {"_tok": None}


class WhooshBm25Baseline:
    def __init__(self):
        self._dir = tempfile.TemporaryDirectory()
        analyzer = _WordsAndBigrams()
        schema = Schema(id=ID(stored=True, unique=True),
                        title=TEXT(analyzer=analyzer, field_boost=3.0),
                        summary=TEXT(analyzer=analyzer, field_boost=2.0),
                        places=TEXT(analyzer=analyzer, field_boost=2.0),
                        body=TEXT(analyzer=analyzer))
        self.ix = index.create_in(self._dir.name, schema)
        self.visible: set[int] = set()

    def build(self, docs) -> int:
        writer = self.ix.writer(limitmb=256)
        n = 0
        for d in docs:
            places = " ".join(filter(None, [
                d.get("municipality_name"), d.get("prefecture"), d.get("region"),
                *d.get("partner_names", []), *d.get("partner_prefectures", []),
                *d.get("category_labels", []), *d.get("fields", []),
            ]))
            body = markdown_to_text(d.get("body") or "") + "\n" + (d.get("extra_text") or "")
            writer.add_document(id=str(d["id"]), title=d.get("title") or "",
                                summary=d.get("summary") or "", places=places, body=body)
            if d.get("visibility") == "public" and d.get("status") == "published":
                self.visible.add(d["id"])
            n += 1
        writer.commit()
        return n

    def search(self, q: str, limit: int = 20) -> list[int]:
        parser = qparser.MultifieldParser(["title", "summary", "places", "body"], self.ix.schema,
                                          group=qparser.OrGroup)
        query = parser.parse(unicodedata.normalize("NFKC", q or ""))
        with self.ix.searcher(weighting=BM25F()) as s:
            hits = s.search(query, limit=limit * 3)
            ids = [int(h["id"]) for h in hits]
        return [i for i in ids if i in self.visible][:limit]
