"""Speed benchmark: index build, single-posting save, query latency (with facets, audience
public), the FTS5 trigram baseline, and peak RSS — for either search backend.

    .venv/bin/python -m bench.speed --sizes 10000,100000
    .venv/bin/python -m bench.speed --sizes 10000 --backend postgres --procs 2 --skip-fts
        (a PostgreSQL server: --postgres-url, default the test server of `make test`; a
        database of its own is created and dropped)

Generated data and indexes go to bench/data/generated/ (git-ignored). Figures are medians /
percentiles of one run; the machine is shared, so rerun before trusting small differences.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import time
from pathlib import Path

from search_index import SearchEngine, SearchQuery

from .fts5_baseline import Fts5Baseline
from .synth import generate

OUT = Path(__file__).resolve().parent / "data" / "generated"

QUERY_MIX = [
    SearchQuery(q="防災"),
    SearchQuery(q="空き家 移住"),
    SearchQuery(q="石川県"),
    SearchQuery(q="職員派遣"),
    SearchQuery(q="人事交流"),
    SearchQuery(q="観光 物産展"),
    SearchQuery(q='"災害時相互応援協定"'),
    SearchQuery(q="子育て支援 取り組み"),
    SearchQuery(q="門前町"),
    SearchQuery(q="ＩＴ 窓口"),
    SearchQuery(q="防災 OR 避難所"),
    SearchQuery(q="移住 -空き家"),
    SearchQuery(q="森林整備", region="中部"),
    SearchQuery(q="モニターツアー", kind="case_study"),
    SearchQuery(q="", prefecture="北海道"),
    SearchQuery(q="", field="DX", sort="newest"),
    SearchQuery(q="デジタル人材", page=3),
    SearchQuery(q="高齢者 見守り", year=2022),
    SearchQuery(q="輪島市"),
    SearchQuery(q="給水車 派遣", sort="newest"),
    # Kinds of query the ranked retrieval serves: readings, a compound, a sentence, place + topic.
    SearchQuery(q="ぼうさい"),
    SearchQuery(q="こそだて しえん"),
    SearchQuery(q="移住体験ツアー"),
    SearchQuery(q="大雪のときに除雪を手伝ってもらえる自治体を探したい"),
    SearchQuery(q="熊本県 災害復旧"),
]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 50) * 1000:7.1f} ms  p95 {pct(values, 95) * 1000:7.1f} ms"


CPU = []  # CPU seconds per query of the last run_mix, next to the wall-clock figures


def run_mix(fn, rounds: int) -> list[float]:
    times = []
    CPU.clear()
    for _ in range(rounds):
        for q in QUERY_MIX:
            t, c = time.perf_counter(), time.process_time()
            fn(q)
            times.append(time.perf_counter() - t)
            CPU.append(time.process_time() - c)
    return times


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_size(n: int, rounds: int, procs: int, skip_fts: bool, make_engine) -> None:
    print(f"\n=== {n:,} postings ===", flush=True)
    t = time.perf_counter()
    docs = list(generate(n))
    print(f"generate            {time.perf_counter() - t:8.1f} s", flush=True)
    engine = make_engine(f"speed-{n}", fresh=True)
    t, c, k = time.perf_counter(), time.process_time(), _children_cpu()
    engine.rebuild(docs, procs=procs)
    build, cpu, kids = time.perf_counter() - t, time.process_time() - c, _children_cpu() - k
    # CPU time as well as wall time: on a shared machine the wall time includes waiting.
    # (The PostgreSQL server's own CPU, e.g. building the GIN indexes, is in neither.)
    print(f"index build         {build:8.1f} s wall, {cpu:.1f} s CPU here + {kids:.1f} s in "
          f"analysis processes  ({n / build:,.0f} postings/s wall, procs={procs}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())})", flush=True)

    reader = make_engine(f"speed-{n}")  # a fresh "worker": cold caches
    cold = run_mix(reader.search, 1)
    cold_cpu = list(CPU)
    warm = run_mix(reader.search, rounds)
    print(f"query cold (1st)    {ms(cold)}   CPU {ms(cold_cpu)}", flush=True)
    print(f"query warm          {ms(warm)}   CPU {ms(CPU)}   ({len(warm)} queries)", flush=True)

    saves, after = [], []
    for i in range(5):
        doc = dict(docs[i * 7], title=f"{docs[i * 7]['title']}（更新{i}）")
        t = time.perf_counter()
        engine.upsert([doc])
        saves.append(time.perf_counter() - t)
        after += run_mix(reader.search, 1)  # first queries after a write: caches partly cold
    print(f"single save+index   median {statistics.median(saves) * 1000:7.1f} ms  "
          f"(max {max(saves) * 1000:.1f} ms)", flush=True)
    print(f"query after a write {ms(after)}", flush=True)
    public = reader.search(SearchQuery(q="防災"))
    print(f"sanity: 防災 -> {public.total:,} public hits; facets {len(public.facets['prefecture'])} prefectures")

    if not skip_fts:
        db = OUT / f"fts5-{n}.sqlite"
        db.unlink(missing_ok=True)
        fts = Fts5Baseline(str(db))
        t = time.perf_counter()
        fts.build(docs)
        print(f"FTS5 build          {time.perf_counter() - t:8.1f} s", flush=True)

        def fts_search(q: SearchQuery):
            filters = {"kind": q.kind, "prefecture": q.prefecture, "region": q.region,
                       "field": q.field, "year": q.year}
            return fts.search(q.q, limit=q.page * q.per_page, filters=filters)

        run_mix(fts_search, 1)
        wall = run_mix(fts_search, max(1, rounds // 2))
        print(f"FTS5 query          {ms(wall)}   CPU {ms(CPU)}", flush=True)
    print(f"peak RSS so far     {peak_rss_mb():8.0f} MB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000", help="comma-separated posting counts")
    ap.add_argument("--rounds", type=int, default=5, help="warm rounds over the query mix")
    ap.add_argument("--procs", type=int, default=1, help="indexing processes for rebuild()")
    ap.add_argument("--skip-fts", action="store_true")
    ap.add_argument("--backend", default="whoosh", choices=["whoosh", "postgres"])
    ap.add_argument("--postgres-url", default="postgresql://kakehashi:kakehashi@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with _engines(args.backend, args.postgres_url) as make_engine:
        print(f"backend: {args.backend}")
        for n in (int(s) for s in args.sizes.split(",")):
            bench_size(n, args.rounds, args.procs, args.skip_fts, make_engine)


@contextlib.contextmanager
def _engines(backend: str, server_url: str):
    """make_engine(name, fresh=False): an engine on index `name` (a new reader of it unless fresh)."""
    if backend == "whoosh":
        def make_whoosh(name, fresh=False):
            if fresh:
                shutil.rmtree(OUT / name, ignore_errors=True)
            return SearchEngine(OUT / name)

        yield make_whoosh
        return
    import psycopg

    from search_index.postgres_backend import PostgresIndex

    database = f"kakehashi_speed_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        admin.execute(f'CREATE DATABASE "{database}"')
    conninfo = psycopg.conninfo.make_conninfo(server_url, dbname=database)
    try:
        yield lambda name, fresh=False: SearchEngine(
            backend=PostgresIndex(lambda: psycopg.connect(conninfo), prefix=name.replace("-", "_") + "_"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
