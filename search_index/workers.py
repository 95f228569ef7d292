"""What a rebuild's analysis processes share, whichever backend: batches of documents and a
tokenizer kept per process across batches (loading a dictionary costs more than a batch)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .analysis import WordTokenizer

_TOKENIZERS: dict[str, WordTokenizer] = {}


def worker_tokenizer(name: str) -> WordTokenizer:
    return _TOKENIZERS.get(name) or _TOKENIZERS.setdefault(name, WordTokenizer(name))


def batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
