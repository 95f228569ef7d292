"""Warm workers and memory per worker, under gunicorn with the project's gunicorn.conf.py.

    .venv/bin/python -m bench.workers                   # 10,000 postings (bench.load's database)
    .venv/bin/python -m bench.workers --postings 311    # about the demo data's size

1. First search of a fresh worker: `--repeats` times, a server with one worker is started with
   the warm-up on (as deployed: post_worker_init → app/warmup.py) and off (GUNICORN_WARM_UP=0);
   once it answers /healthz, a first search that the warm-up did not ask is timed over HTTP
   (wall, and the worker's CPU time, which the machine's other jobs do not inflate), then five
   more (the steady state). Medians, and the ratio cold / warm.
2. Memory: a server with 2 workers, with preload_app (as deployed) and without
   (GUNICORN_PRELOAD=0): RSS / PSS / USS per worker once warmed and after wrk has driven each
   page of bench.load for a few seconds. RSS counts pages shared with other processes
   (libraries, the memory-mapped Sudachi dictionary, with preload what the master loaded); USS
   is what one worker alone holds.
3. /readyz: SQL statements and ms per request in process, and CPU ms per request under wrk
   against /healthz.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import urllib.parse
import urllib.request

from bench.load import FIRST_SEARCH, PAGES, ROOT, Server, build, ensure_tools, story_path, wrk

SEARCH = urllib.parse.quote(FIRST_SEARCH, safe="/?=&")


def _get_ms(server, url: str) -> tuple[float, float]:
    """(wall ms, the workers' CPU ms) of one request."""
    started, cpu = time.perf_counter(), server.cpu_seconds()
    urllib.request.urlopen(url, timeout=60).read()
    return (time.perf_counter() - started) * 1000, (server.cpu_seconds() - cpu) * 1000


def first_searches(folder, port: int, warm: bool) -> tuple[tuple[float, float], float]:
    """((first search wall ms, CPU ms), median wall ms of the next five) on a fresh
    one-worker server."""
    server = Server(folder, port, workers=1, cache=False, warm=warm)
    try:
        first = _get_ms(server, server.base + SEARCH)
        steady = statistics.median(_get_ms(server, server.base + SEARCH)[0] for _ in range(5))
        return first, steady
    finally:
        server.stop()


def memory(server) -> list[str]:
    out = []
    for worker in server.workers():
        info = worker.memory_full_info()
        out.append(f"RSS {info.rss / 2**20:.0f} / PSS {info.pss / 2**20:.0f} / USS {info.uss / 2**20:.0f} MB")
    return out


def readyz_in_process(folder) -> tuple[int, float]:
    from app.extensions import db
    from app.sqlcount import counting_statements
    from bench.load import bench_app

    app = bench_app(folder)
    client = app.test_client()
    client.get("/readyz")  # the head revision, the engine
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as sent:
        client.get("/readyz")
    times = []
    for _ in range(50):
        started = time.perf_counter()
        client.get("/readyz")
        times.append((time.perf_counter() - started) * 1000)
    return len(sent), statistics.median(times)


def print_first_searches(runs: dict, repeats: int) -> None:
    cold = statistics.median(r[0][0] for r in runs[False])
    warm = statistics.median(r[0][0] for r in runs[True])
    cold_cpu = statistics.median(r[0][1] for r in runs[False])
    warm_cpu = statistics.median(r[0][1] for r in runs[True])
    steady = statistics.median(r[1] for r in runs[True] + runs[False])
    print(f"fresh worker, first search {FIRST_SEARCH} over HTTP (median of {repeats}): cold {cold:.0f} ms "
          f"(worker CPU {cold_cpu:.0f} ms), warmed {warm:.0f} ms (CPU {warm_cpu:.0f} ms; cold / warmed = "
          f"{cold / warm:.1f}); steady state {steady:.0f} ms", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=4, help="wrk duration per page for the memory load")
    ap.add_argument("--port", type=int, default=8775)
    args = ap.parse_args()
    ensure_tools()
    folder = ROOT / "instance" / f"bench-{args.postings}"
    build(folder, args.postings)
    print(f"{args.postings:,} postings, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)

    runs = {True: [], False: []}
    for _ in range(args.repeats):
        for warm in (False, True):  # alternate, so that the machine's load touches both alike
            runs[warm].append(first_searches(folder, args.port, warm))
    if args.repeats:
        print_first_searches(runs, args.repeats)

    story = story_path(folder)
    for preload in (False, True):
        server = Server(folder, args.port, workers=2, cache=True, warm=True, preload=preload)
        try:
            label = "preload_app on " if preload else "preload_app off"
            print(f"{label}, after warm-up:  " + "; ".join(memory(server)), flush=True)
            for _label, path in PAGES:
                url = server.base + urllib.parse.quote(path.format(story=story), safe="/?=&")
                wrk(url, args.seconds, 4)
            print(f"{label}, after the load: " + "; ".join(memory(server)), flush=True)
        except BaseException:
            server.stop()
            raise
        if not preload:
            server.stop()
    try:
        cpu = server.cpu_seconds()
        ready = wrk(server.base + "/readyz", args.seconds, 4)
        ready_cpu = (server.cpu_seconds() - cpu) * 1000 / max(1, ready["requests"])
        cpu = server.cpu_seconds()
        health = wrk(server.base + "/healthz", args.seconds, 4)
        health_cpu = (server.cpu_seconds() - cpu) * 1000 / max(1, health["requests"])
    finally:
        server.stop()
    statements, ms = readyz_in_process(folder)
    print(f"/readyz: {statements} SQL statement(s), {ms:.1f} ms in process (median of 50); under wrk "
          f"{ready['rps']:.0f} req/s, {ready_cpu:.2f} CPU ms/request vs /healthz {health['rps']:.0f} req/s, "
          f"{health_cpu:.2f} CPU ms (x {ready_cpu / max(health_cpu, 1e-6):.1f}); errors {ready['errors']}")


if __name__ == "__main__":
    main()
