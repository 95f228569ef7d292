"""Baselines: SQLite FTS5 with the `trigram` tokenizer (stdlib sqlite3), same documents.

plain (tuned=False): what a team would try first: the query as typed, each term a trigram
    MATCH; terms of 1-2 characters cannot match a trigram index and are dropped.
tuned (tuned=True): NFKC on the query, LIKE for 1-2 character terms.
Both: bm25() with column weights (title 10, summary 5, places 2, body 1), visibility/status
filters and facet counts in SQL.
"""

from __future__ import annotations

import sqlite3
import unicodedata

from search_index import markdown_to_text
from search_index.schema import published_timestamp

FACETS = ("kind", "category", "prefecture", "region", "field", "status", "year")


class Fts5Baseline:
    def __init__(self, path: str = ":memory:", tuned: bool = True):
        self.tuned = tuned
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            CREATE TABLE docs(id INTEGER PRIMARY KEY, kind TEXT, status TEXT, visibility TEXT,
                              published_ts INTEGER, alltext TEXT);
            CREATE TABLE facets(doc_id INTEGER, facet TEXT, value TEXT);
            CREATE INDEX facets_doc ON facets(doc_id);
            CREATE INDEX facets_fv ON facets(facet, value);
            CREATE VIRTUAL TABLE fts USING fts5(title, summary, places, body, tokenize='trigram');
            """
        )

    def build(self, docs) -> int:
        n = 0
        cur = self.db.cursor()
        for d in docs:
            places = " ".join(filter(None, [
                d.get("municipality_name"), d.get("prefecture"), d.get("region"),
                *d.get("partner_names", []), *d.get("partner_prefectures", []),
                *d.get("partner_regions", []), *d.get("category_labels", []), *d.get("fields", []),
            ]))
            body = markdown_to_text(d.get("body") or "") + " " + (d.get("extra_text") or "")
            title, summary = d.get("title") or "", d.get("summary") or ""
            alltext = unicodedata.normalize("NFKC", " ".join([title, summary, places, body])).lower()
            cur.execute("INSERT INTO docs VALUES (?,?,?,?,?,?)", (
                d["id"], d["kind"], d["status"], d["visibility"],
                published_timestamp(d.get("published_at")), alltext))
            cur.execute("INSERT INTO fts(rowid, title, summary, places, body) VALUES (?,?,?,?,?)",
                        (d["id"], title, summary, places, body))
            pub = d.get("published_at")
            rows = [("kind", d["kind"]), ("status", d["status"])]
            rows += [("category", c) for c in d.get("categories", [])]
            rows += [("prefecture", p) for p in {d.get("prefecture"), *d.get("partner_prefectures", [])} if p]
            rows += [("region", r) for r in {d.get("region"), *d.get("partner_regions", [])} if r]
            rows += [("field", f) for f in d.get("fields", [])]
            if pub:
                rows.append(("year", str(pub.year)))
            cur.executemany("INSERT INTO facets VALUES (?,?,?)", [(d["id"], f, v) for f, v in rows])
            n += 1
        self.db.commit()
        return n

    def _conditions(self, q: str):
        """SQL conditions (AND of OR-groups, NOT for -term) and the bm25 MATCH expression."""
        q = unicodedata.normalize("NFKC", q or "") if self.tuned else (q or "").replace("\u3000", " ")
        groups: list[list[tuple[str, list]]] = []
        negs: list[tuple[str, list]] = []
        ranked: list[str] = []
        join = False
        for tok, phrase in _tokens(q):
            if tok in ("OR", "|") and not phrase:
                join = bool(groups)
                continue
            neg = not phrase and tok.startswith("-") and len(tok) > 1
            text = tok[1:] if neg else tok
            if len(text) >= 3:  # trigram MATCH
                quoted = '"' + text.replace('"', '""') + '"'
                cond = ("d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)", [quoted])
                if not neg:
                    ranked.append(quoted)
            elif self.tuned:  # trigram cannot match 1-2 characters: scan
                cond = ("d.alltext LIKE ?", [f"%{text.lower()}%"])
            elif neg:
                continue
            else:
                cond = ("0", [])  # plain: a 1-2 character term matches nothing
            if neg:
                negs.append(cond)
            elif join:
                groups[-1].append(cond)
            else:
                groups.append([cond])
            join = False
        where, args = [], []
        for g in groups:
            where.append("(" + " OR ".join(c for c, _ in g) + ")")
            args += [a for _, p in g for a in p]
        for c, p in negs:
            where.append(f"NOT ({c})")
            args += p
        return where, args, (" OR ".join(ranked) or None)

    def search(self, q: str = "", audience: str = "public", limit: int = 20, filters=None,
               facets: bool = True):
        where, args, rank_expr = self._conditions(q)
        if audience == "public":
            where.append("d.visibility='public' AND d.status='published'")
        else:
            where.append("d.status='published'")
        for f, v in (filters or {}).items():
            if v is None:
                continue
            if f in ("kind", "status"):
                where.append(f"d.{f}=?")
            else:
                where.append("d.id IN (SELECT doc_id FROM facets WHERE facet=? AND value=?)")
                args.append(f)
            args.append(str(v))
        cond = " AND ".join(where)
        if rank_expr:
            sql = (f"SELECT d.id FROM docs d LEFT JOIN (SELECT rowid, bm25(fts, 10.0, 5.0, 2.0, 1.0) "
                   f"AS r FROM fts WHERE fts MATCH ?) m ON m.rowid=d.id WHERE {cond} "
                   "ORDER BY coalesce(m.r, 0), d.published_ts DESC LIMIT ?")
            rows = self.db.execute(sql, [rank_expr, *args, limit]).fetchall()
        else:
            sql = f"SELECT d.id FROM docs d WHERE {cond} ORDER BY d.published_ts DESC LIMIT ?"
            rows = self.db.execute(sql, [*args, limit]).fetchall()
        ids_sql = f"SELECT d.id FROM docs d WHERE {cond}"
        total = self.db.execute(f"SELECT count(*) FROM ({ids_sql})", args).fetchone()[0]
        counts: dict[str, list] = {}
        if facets:
            for f, v, c in self.db.execute(
                f"SELECT facet, value, count(*) FROM facets WHERE doc_id IN ({ids_sql}) "
                "GROUP BY facet, value", args):
                counts.setdefault(f, []).append((v, c))
        return total, [r[0] for r in rows], counts


def _tokens(q: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    buf = ""
    quoted = False
    for ch in q + " ":
        if ch in '"「」“”':
            if quoted:
                out.append((buf, True))
                buf = ""
                quoted = False
            else:
                if buf.strip():
                    out.extend((w, False) for w in buf.split())
                buf = ""
                quoted = True
        elif ch.isspace() and not quoted:
            if buf:
                out.append((buf, False))
            buf = ""
        else:
            buf += ch
    return [(t, p) for t, p in out if t]
