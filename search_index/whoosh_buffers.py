"""Whoosh reads a compound segment file through a memory map, but its BufferFile copies each
sub-file it opens into a BytesIO: the whole index once more in every process's heap (128 MB
per web worker at 100,000 postings). Installed on import: BufferFile reads the memoryview of
the map in place instead, so the index's pages are the file's, shared by every process.

`posting_ids` reads a whole posting list from that buffer: the block headers and data are
unpickled from slices (C), not through Whoosh's matcher reading the file a few bytes at a time
(a fresh worker's first search pays for that once per term and segment)."""

import io
import pickle
import struct
import zlib
from itertools import accumulate

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.filedb import structfile

_BLOCK_LENGTH = struct.Struct("!i")  # whoosh.system.pack_int: negative on the last block


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


def posting_ids(postfile, offset: int) -> list[int] | None:
    """Every document number of the posting list at `offset` of a segment's postings file
    (Whoosh 3 block format: length, pickled block info, pickled (ids, weights, values) with
    the ids delta-encoded, zlib-compressed when the info says so), or None when the file is
    not an in-memory buffer (the caller then steps Whoosh's own matcher)."""
    buf = getattr(postfile, "_buf", None)
    if not isinstance(postfile, structfile.BufferFile) or buf is None:
        return None
    if bytes(buf[offset:offset + len(WHOOSH3_HEADER_MAGIC)]) != WHOOSH3_HEADER_MAGIC:
        return None
    pos = offset + len(WHOOSH3_HEADER_MAGIC)
    out: list[int] = []
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(buf, pos)
        start = pos + _BLOCK_LENGTH.size
        end = start + abs(length)
        block = io.BytesIO(buf[start:end])
        info = pickle.load(block)
        data = block.read()
        ids = pickle.loads(zlib.decompress(data) if info[3] else data)[0]
        out.extend(accumulate(ids))
        if length < 0:
            return out
        pos = end
