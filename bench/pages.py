"""Page cost benchmark, in process: CPU ms and SQL statements per page, against /healthz.

    .venv/bin/python -m bench.pages                     # 10,000 postings (the database of bench.load)
    .venv/bin/python -m bench.pages --postings 100000   # national scale (first build is long)

No server and no load tool: each page is rendered through the app (test client) on the
generated database of bench/load.py, with the anonymous page cache off (every request
renders) and on (a repeat view), in rounds that take the pages in turn, so that what else runs
on the machine touches every page alike. Figures are medians of the CPU time of this process
per request and their ratio to /healthz in the same run (the ratio is what stays comparable on
a shared machine); SQL = statements one rendering sends. bench.load measures the same pages
under gunicorn and wrk (req/s, latency, RSS, saves).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.load import PAGES, ROOT, bench_app, build, story_path


def measure(folder, paths, rounds: int, cache: bool) -> dict[str, tuple[float, int]]:
    from app.extensions import db
    from app.sqlcount import counting_statements

    app = bench_app(folder, CACHE_TYPE="SimpleCache" if cache else "NullCache")
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    statements = {}
    for label, path in paths:
        client.get(path)  # compiles templates, warms the engine, fills the cache
        with counting_statements(engine) as sent:
            client.get(path)
        statements[label] = len(sent)
    cpu: dict[str, list[float]] = {label: [] for label, _ in paths}
    for _ in range(rounds):
        for label, path in paths:
            started = time.process_time()
            client.get(path)
            cpu[label].append((time.process_time() - started) * 1000)
    return {label: (statistics.median(cpu[label]), statements[label]) for label, _ in paths}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=15, help="requests per page (median)")
    args = ap.parse_args()
    folder = ROOT / "instance" / f"bench-{args.postings}"
    build(folder, args.postings)
    story = story_path(folder)
    paths = [(label, path.format(story=story)) for label, path in PAGES]
    uncached = measure(folder, paths, args.rounds, cache=False)
    cached = measure(folder, paths, args.rounds, cache=True)
    base, cached_base = uncached["healthz"][0], cached["healthz"][0]
    print(f"\n{args.postings:,} postings, {args.rounds} rounds, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<11} {'rendered CPU ms':>15} {'x healthz':>9} {'SQL':>4}   "
          f"{'cached CPU ms':>13} {'x healthz':>9} {'SQL':>4}")
    for label, _ in paths:
        ms, sql = uncached[label]
        cms, csql = cached[label]
        print(f"{label:<11} {ms:15.1f} {ms / base:9.1f} {sql:4d}   {cms:13.2f} {cms / cached_base:9.1f} {csql:4d}")


if __name__ == "__main__":
    main()
