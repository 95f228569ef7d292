"""Whoosh reads a compound segment file through a memory map, but its BufferFile copies each
sub-file it opens into a BytesIO: the whole index once more in every process's heap (128 MB
per web worker at 100,000 postings). Installed on import: BufferFile reads the memoryview of
the map in place instead, so the index's pages are the file's, shared by every process."""

from whoosh.filedb import structfile


class _ViewReader:
    """The part of a binary file object that StructFile uses, over a bytes-like buffer."""

    def __init__(self, buf):
        self._buf = buf
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start, end = self._pos, len(self._buf)
        if size is not None and size >= 0:
            end = min(end, start + size)
        self._pos = max(start, end)
        return bytes(self._buf[start:end])

    def readline(self, size: int | None = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        pos = self._pos
        while pos < end:
            chunk = bytes(self._buf[pos:min(end, pos + 4096)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                return self.read(pos + newline + 1 - self._pos)
            pos += len(chunk)
        return self.read(end - self._pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._buf)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._buf = b""


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = _ViewReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


structfile.BufferFile.__init__ = _buffer_file_init
