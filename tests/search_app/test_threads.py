"""A threaded server (the dev server, gunicorn's gthread workers): concurrent searches, while
postings are saved and indexed, never fail (SudachiPy tokenizers are not thread-safe)."""

import json
import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from werkzeug.serving import make_server

THREADS, PER_THREAD = 8, 25


def test_concurrent_searches_and_index_writes_never_fail(app, postings):
    for i in range(5):
        postings(title=f"防災の取組 第{i}号", summary="地域の防災訓練と備蓄の取組です。")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}/api/v1/search?q="
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()

    def search(n: int) -> int:
        url = base + urllib.parse.quote(f"防災の取組{n % 7}")
        with urllib.request.urlopen(url, timeout=30) as response:
            assert json.loads(response.read())["total"] >= 0
            return response.status

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            results = pool.map(search, range(THREADS * PER_THREAD))
            for i in range(5):  # index writes (tokenising) at the same time as the searches
                postings(title=f"並行して保存する取組 {i}", summary="防災の取組を保存しながら検索します。")
            statuses = list(results)
    finally:
        server.shutdown()
    assert statuses == [200] * (THREADS * PER_THREAD)
    from app.services.search import indexing

    assert indexing.pending_count() == 0  # every index write went through
