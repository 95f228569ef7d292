"""The tokens a document is matched by, for every backend: character bigrams of every section,
and for the word sections (title, summary) dictionary words ("w:…") and the reading vocabulary
("y:<reading>|<word>", for kana queries)."""

from __future__ import annotations

from .analysis import READING_PREFIX, WORD_PREFIX, WordTokenizer, bigrams, normalize
from .schema import HEAD_SECTIONS, WORD_SECTIONS


def section_tokens(sections: list[tuple[str, str]], words: WordTokenizer) -> set[str]:
    """Tokens of (section name, raw text) pairs; words only where `words` is a tokenizer."""
    normalized = [normalize(text) for _, text in sections]
    toks: set[str] = set()
    for norm in normalized:
        toks.update(bigrams(norm))
    return toks | _word_tokens([name for name, _ in sections], normalized, words)


def document_tokens(prepared: dict, words: WordTokenizer) -> dict[str, set[str]]:
    """The three match fields of a prepared document: all text, the title, the head.

    The same as section_tokens() over all sections, the title alone and the head sections
    without words, with each section normalised and bigrammed once (a rebuild's main cost)."""
    sections = prepared["sections"]
    normalized = [normalize(text) for _, text in sections]
    grams = [set(bigrams(norm)) for norm in normalized]
    title = prepared["stored"].get("title") or ""
    title_grams = next((g for (name, text), g in zip(sections, grams, strict=True)
                        if name == "title" and text == title), None)
    if title_grams is None:
        title_grams = set(bigrams(normalize(title)))
    return {
        "text": set().union(*grams) | _word_tokens([name for name, _ in sections], normalized, words),
        "title_text": title_grams,
        "head_text": set().union(*(g for (name, _), g in zip(sections, grams, strict=True)
                                   if name in HEAD_SECTIONS)),
    }


def _word_tokens(names: list[str], normalized: list[str], words: WordTokenizer) -> set[str]:
    """Dictionary words and readings (see WordTokenizer.vocabulary) of the word sections, from
    ONE tokenizer call over them (per-call overhead dominates on short texts)."""
    picked = [norm for name, norm in zip(names, normalized, strict=True) if name in WORD_SECTIONS or not name]
    out: set[str] = set()
    if not picked or words.name == "none":
        return out
    for _begin, word, reading, is_word in words.vocabulary("\n".join(picked)):
        if is_word:
            out.add(WORD_PREFIX + word)
        if reading:
            out.add(f"{READING_PREFIX}{reading}|{word}")
    return out
