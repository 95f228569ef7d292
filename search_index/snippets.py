"""Highlighted, HTML-safe snippets: document text is escaped, <mark> is the only markup."""

from __future__ import annotations

from html import escape

from .analysis import normalize_with_map

SNIPPET_CHARS = 120
_LEAD = 24  # chars of context kept before the first match


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    norm, src = normalize_with_map(text)
    spans = []
    for term in terms:
        start = norm.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((src[start], src[end - 1] + 1))
            start = norm.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def make_snippet(texts: list[str], terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """Snippet from the first text that contains a query term (else the first non-empty one)."""
    texts = [" ".join(t.split()) for t in texts if t and t.strip()]
    if not texts:
        return ""
    for text in texts:
        spans = _spans(text, terms) if terms else []
        if spans:
            break
    else:
        text, spans = texts[0], []
    start = max(0, spans[0][0] - _LEAD) if spans else 0
    if len(text) - start < width:
        start = max(0, len(text) - width)
    end = min(len(text), start + width)
    out = ["…" if start > 0 else ""]
    pos = start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out.append(escape(text[pos:a]))
        out.append("<mark>" + escape(text[a:b]) + "</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)
