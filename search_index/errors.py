class IndexWriteError(RuntimeError):
    """A write (upsert, delete, rebuild) did not reach the index: lock timeout or I/O error.

    The caller should keep the change and replay it later; nothing was partially applied
    except what an earlier successful call committed.
    """
