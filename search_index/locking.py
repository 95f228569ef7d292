"""An exclusive, cross-process file lock with a bounded wait (fcntl; pure Python, no Flask).

    with file_lock(path, timeout=2.0):   # raises LockTimeout after `timeout` seconds
        ...

Used by the engine's write lock and by the app's apply lock (app/services/search/indexing.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path


class LockTimeout(Exception):
    """Another process held the lock for the whole wait."""


@contextlib.contextmanager
def file_lock(path, timeout: float) -> Iterator[None]:
    """Hold an exclusive `flock` on `path` (created, with its folder, if missing) for the
    block. Retries with jitter until `timeout` seconds have passed, then raises LockTimeout.
    OSError if the file cannot be created or opened."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)  # the folder may have been removed
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{path} is locked by another process (waited {timeout:.1f}s)") from None
                time.sleep(0.02 + random.random() * 0.03)  # jitter avoids lockstep retries
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
