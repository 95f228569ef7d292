"""The tokens a document is matched by, for every backend: character bigrams of every section,
and for the word sections (title, summary) dictionary words ("w:…") and the reading vocabulary
("y:<reading>|<word>", for kana queries)."""

from __future__ import annotations

from .analysis import READING_PREFIX, WORD_PREFIX, WordTokenizer, bigrams, normalize
from .schema import HEAD_SECTIONS, WORD_SECTIONS

_NO_WORDS = WordTokenizer("none")


def section_tokens(sections: list[tuple[str, str]], words: WordTokenizer) -> set[str]:
    """Tokens of (section name, raw text) pairs; words only where `words` is a tokenizer."""
    normalized = [(name, normalize(text)) for name, text in sections]
    toks: set[str] = set()
    for (_, norm), found in zip(normalized, _section_words(normalized, words), strict=True):
        toks.update(bigrams(norm))
        for word, reading, is_word in found:
            if is_word:
                toks.add(WORD_PREFIX + word)
            if reading:
                toks.add(f"{READING_PREFIX}{reading}|{word}")
    return toks


def document_tokens(prepared: dict, words: WordTokenizer) -> dict[str, set[str]]:
    """The three match fields of a prepared document: all text, the title, the head."""
    sections = prepared["sections"]
    return {
        "text": section_tokens(sections, words),
        "title_text": section_tokens([("title", prepared["stored"].get("title") or "")], _NO_WORDS),
        "head_text": section_tokens([s for s in sections if s[0] in HEAD_SECTIONS], _NO_WORDS),
    }


def _section_words(sections: list[tuple[str, str]], words: WordTokenizer) -> list[list[tuple[str, str, bool]]]:
    """(dictionary word, reading, is a word) per section (see WordTokenizer.vocabulary), from
    ONE tokenizer call over the word sections (per-call overhead dominates on short texts)."""
    out: list[list[tuple[str, str, bool]]] = [[] for _ in sections]
    picked = [i for i, (name, _) in enumerate(sections) if name in WORD_SECTIONS or not name]
    if not picked or words.name == "none":
        return out
    joined, starts = [], []
    offset = 0
    for i in picked:
        starts.append((offset, i))
        joined.append(sections[i][1])
        offset += len(sections[i][1]) + 1
    k = 0
    for begin, word, reading, is_word in words.vocabulary("\n".join(joined)):
        while k + 1 < len(starts) and begin >= starts[k + 1][0]:
            k += 1
        out[starts[k][1]].append((word, reading, is_word))
    return out
