import threading
import time

import pytest

from search_index import locking
from search_index.locking import LockTimeout, file_lock


class _Clock:
    """Stands in for the time module inside locking: sleeping advances it at once."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_file_lock_is_exclusive_and_times_out(tmp_path, monkeypatch):
    path = tmp_path / "a" / "b" / "x.lock"  # missing folders are created
    with file_lock(path, timeout=1.0):
        assert path.exists()
        clock = _Clock()
        monkeypatch.setattr(locking, "time", clock)
        with pytest.raises(LockTimeout), file_lock(path, timeout=0.2):
            pass
        # It tried again until its wait was over, and no longer than one retry beyond it.
        assert 0.2 <= clock.now < 0.2 + 0.05
        monkeypatch.undo()
    with file_lock(path, timeout=0.0):  # released: taken at once
        pass


def test_file_lock_waits_for_the_holder(tmp_path):
    path = tmp_path / "x.lock"
    order = []
    holding = threading.Event()

    def holder():
        with file_lock(path, timeout=1.0):
            holding.set()
            time.sleep(0.3)
            order.append("holder done")

    t = threading.Thread(target=holder)
    t.start()
    holding.wait(5)
    with file_lock(path, timeout=5.0):
        order.append("waiter in")
    t.join()
    assert order == ["holder done", "waiter in"]


def test_the_lock_is_released_when_the_block_raises(tmp_path):
    path = tmp_path / "x.lock"
    with pytest.raises(ValueError), file_lock(path, timeout=1.0):
        raise ValueError("boom")
    with file_lock(path, timeout=0.0):
        pass
