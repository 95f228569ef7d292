"""Japanese text analysis shared by indexing, querying and highlighting.

Pipeline: NFKC + casefold -> kana folding (long vowel, ヴ row, small ヶ/ヵ) -> spelling
variant folding (okurigana, data/variants.txt) -> character bigrams (recall on names and
unknown words) plus dictionary words from a morphological tokenizer (precision in ranking).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

WORD_PREFIX = "w:"  # word tokens share the text field with bigrams; the prefix keeps them apart
# "y:<reading>|<word>": the vocabulary of readings, for queries typed in kana (こそだて -> 子育て).
READING_PREFIX = "y:"

# Characters that form CJK runs for bigramming. ー and 々 belong to the word they extend.
_CJK = "\u3041-\u3096\u30a1-\u30fa\u30fc\u30fd\u30fe\u309d\u309e\u3005\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff"
RUN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_HIRAGANA_ONLY = re.compile(r"^[\u3041-\u3096ー]+$")
_KANA_ONLY = re.compile(r"^[\u3041-\u3096\u30a1-\u30faー]+$")

# Dash-like marks after katakana are long vowels typed with the wrong key.
_DASH_AFTER_KATAKANA = re.compile(r"(?<=[\u30a1-\u30fa])[-\u2010-\u2015\u2212\uff0d]")
# A middle dot between katakana joins one term written in parts (カーボン・オフセット).
_KATAKANA_DOT = re.compile(r"(?<=[\u30a1-\u30fa\u30fc])[\u30fb\uff65](?=[\u30a1-\u30fa])")
# Drop a word-final ー after two katakana (JIS Z 8301 style: サーバー = サーバ, センター = センタ).
_FINAL_LONG_VOWEL = re.compile(r"(?<=[\u30a1-\u30fa\u30fc][\u30a1-\u30fa])\u30fc(?![\u30a1-\u30fa\u30fc])")
_KANA_FOLD = {
    "ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴ": "ブ",
    "ウィ": "ウイ", "ウェ": "ウエ", "ヶ": "ケ", "ヵ": "カ", "ヰ": "イ", "ヱ": "エ",
}
_KANA_FOLD_RE = re.compile("|".join(sorted(_KANA_FOLD, key=len, reverse=True)))


def _data_lines(name: str) -> Iterator[str]:
    text = resources.files("search_index").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def _basic(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DASH_AFTER_KATAKANA.sub("ー", text)
    text = _KATAKANA_DOT.sub("", text)
    text = _KANA_FOLD_RE.sub(lambda m: _KANA_FOLD[m.group(0)], text)
    return _FINAL_LONG_VOWEL.sub("", text)


@lru_cache(maxsize=1)
def _variant_table() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = {}
    for line in _data_lines("variants.txt"):
        canonical, _, variants = line.partition("\t")
        canonical = _basic(canonical)
        table[canonical] = canonical
        for v in variants.split():
            table[_basic(v)] = canonical
    # Longest first so that 取り組み wins over 取り組, and a canonical maps to itself.
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    return pattern, table


def normalize(text: str) -> str:
    """Normalise text for matching; index and query sides must both go through this."""
    if not text:
        return ""
    pattern, table = _variant_table()
    return pattern.sub(lambda m: table[m.group(0)], _basic(text))


# NFKC + casefold of single characters, filled as characters are met (a few thousand distinct
# ones at most): the highlighter folds every snippet's text char by char, and str.translate
# does that in C where unicodedata per char is slow.
_FOLDED: dict[int, str] = {}  # ord -> its fold, for the characters that change
_UNEVEN: set[str] = set()  # characters that fold to more or fewer than one
_SEEN: set[str] = set()


def _fold_chars(text: str) -> set[str]:
    chars = set(text)
    for ch in chars - _SEEN:
        n = unicodedata.normalize("NFKC", ch).casefold()
        if n != ch:
            _FOLDED[ord(ch)] = n
        if len(n) != 1:
            _UNEVEN.add(ch)
        _SEEN.add(ch)  # after the table: a character seen is in it
    return chars


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """normalize() plus, for each output char, the index of the source char it came from.

    Used by the highlighter to map matches back to the original text. Works char by char,
    so rare multi-char NFKC compositions may differ slightly from normalize().
    """
    chars = _fold_chars(text)
    s = text.translate(_FOLDED)
    if _UNEVEN.isdisjoint(chars):
        src = list(range(len(text)))  # the usual case: one char for one
    else:
        src = []
        for i, ch in enumerate(text):
            src.extend([i] * len(_FOLDED.get(ord(ch), ch)))
    for pattern, repl in (
        (_DASH_AFTER_KATAKANA, lambda m: "ー"),
        (_KATAKANA_DOT, lambda m: ""),
        (_KANA_FOLD_RE, lambda m: _KANA_FOLD[m.group(0)]),
        (_FINAL_LONG_VOWEL, lambda m: ""),
        (_variant_table()[0], lambda m: _variant_table()[1][m.group(0)]),
    ):
        s, src = _sub_with_map(pattern, repl, s, src)
    return s, src


def _sub_with_map(pattern, repl, s: str, src: list[int]) -> tuple[str, list[int]]:
    parts: list[str] = []
    new_src: list[int] = []
    last = 0
    for m in pattern.finditer(s):
        a, b = m.span()
        parts.append(s[last:a])
        new_src.extend(src[last:a])
        r = repl(m)
        parts.append(r)
        # Replacement chars point into the replaced span; the last one to its last char, so a
        # highlight of 空家 covers all of 空き家.
        for k in range(len(r)):
            j = b - 1 if k == len(r) - 1 else min(a + k, b - 1)
            new_src.append(src[j] if b > a else src[a] if a < len(src) else 0)
        last = b
    parts.append(s[last:])
    new_src.extend(src[last:])
    return "".join(parts), new_src


def bigrams(normalized: str) -> list[str]:
    """Character bigrams of CJK runs (a 1-char run stays a unigram); Latin/digit runs whole.

    Token order is the position order used for phrase matching: consecutive tokens get
    consecutive positions, so punctuation and spaces between runs are ignored by phrases.
    """
    out: list[str] = []
    for m in RUN_RE.finditer(normalized):
        run = m.group(0)
        if run[0] <= "z" or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


class WordTokenizer:
    """Dictionary-word segmentation; `name` is "sudachi" (default), "janome" or "none".

    SudachiPy was chosen over Janome: it is ~15x faster here (Rust core) and its
    normalized_form() folds spelling variants (取組 -> 取り組み, コンピュータ -> コンピューター).
    A tokenizer object must not be used by two threads at once (SudachiPy raises "Tokenizer is
    already in use"), so each thread gets its own, from one shared dictionary.
    """

    def __init__(self, name: str = "sudachi"):
        self.name = name
        self._local = threading.local()

    def __getstate__(self):  # tokenizer objects do not pickle; recreate lazily in workers
        return {"name": self.name}

    def __setstate__(self, state):
        self.name = state["name"]
        self._local = threading.local()

    def _tok(self):
        tok = getattr(self._local, "tok", None)
        if tok is None:
            tok = self._local.tok = _new_tokenizer(self.name)
        return tok

    def words(self, normalized: str) -> list[str]:
        """Content words of already-normalised text, themselves normalised again."""
        return [w for _, w in self.words_at(normalized)]

    def words_at(self, normalized: str) -> list[tuple[int, str]]:
        """(start offset, normalised word) for the content words of normalised text."""
        return [(begin, word) for begin, word, _ in self.words_with_readings(normalized)]

    def words_with_readings(self, normalized: str) -> list[tuple[int, str, str]]:
        """(start offset, normalised word, normalised katakana reading) for the content words
        (SudachiPy mode A units; the mode B compound too when it is longer, 防災士 beside 防災).
        Readings are empty for other tokenizers."""
        return [(b, w, r) for b, w, r, is_word in self.vocabulary(normalized) if is_word]

    def vocabulary(self, normalized: str) -> list[tuple[int, str, str, bool]]:
        """words_with_readings() plus (is_word False) two adjacent nouns as one entry
        (避難+所 -> 避難所, ヒナンジョ): the reading vocabulary of a text, for kana queries."""
        if self.name == "none" or not normalized:
            return []
        out = []
        if self.name == "sudachi":
            from sudachipy import SplitMode

            previous = None  # (end offset, surface, reading) of the last noun
            for m in self._tok().tokenize(normalized):
                # The mode A units (none when the unit does not split), then the whole unit.
                for piece in (*m.split(SplitMode.A), m):
                    if _HIRAGANA_ONLY.match(piece.surface()):
                        continue
                    f = _norm_word(piece.normalized_form())
                    if f:
                        out.append((piece.begin(), f, reading_key(piece.reading_form()), True))
                noun = _NOUN_POS.get(m.part_of_speech_id())
                if noun is None:  # by id: the part of speech as a tuple costs more than the rest
                    noun = _NOUN_POS[m.part_of_speech_id()] = m.part_of_speech()[0] in ("名詞", "接尾辞")
                if noun and previous is not None and previous[0] == m.begin():
                    pair = _norm_word(previous[1] + m.surface())
                    if pair:
                        out.append((m.begin(), pair, reading_key(previous[2] + m.reading_form()), False))
                previous = (m.end(), m.surface(), m.reading_form()) if noun else None
            return out
        for begin, surface, form in _janome_items(self._tok(), normalized):
            f = "" if _HIRAGANA_ONLY.match(surface) else _norm_word(form)
            if f:
                out.append((begin, f, "", True))
        return out

    def _pos_items(self, normalized: str) -> list[tuple[str, str, str]]:
        """(surface, part of speech, normalised form) of mode B units (SudachiPy) or tokens."""
        if self.name == "sudachi":
            return [(m.surface(), m.part_of_speech()[0], m.normalized_form())
                    for m in self._tok().tokenize(normalized)]
        return [(t.surface, t.part_of_speech.split(",")[0], t.base_form)
                for t in self._tok().tokenize(normalized)]

    def content_segments(self, normalized: str) -> list[str]:
        """Split a query term at function words (particles, auxiliaries, symbols):
        脱炭素の取組 -> [脱炭素, 取組], so that bigrams across の are not required."""
        if self.name == "none" or not normalized:
            return [normalized] if normalized else []
        segments, current = [], ""
        for surface, pos, _ in self._pos_items(normalized):
            if pos in _FUNCTION_POS:
                if current:
                    segments.append(current)
                current = ""
            else:
                current += surface
        if current:
            segments.append(current)
        return segments or [normalized]

    def parts(self, normalized: str) -> list[str]:
        """The parts of a compound query word (see query_parts), as text only."""
        return [text for text, _minor in self.query_parts(normalized)]

    def query_parts(self, normalized: str) -> list[tuple[str, bool]]:
        """The parts of a query word or sentence at SudachiPy's middle (B) units, without
        function words; a suffix or prefix stays with its neighbour:
        移住体験ツアー -> 移住, 体験, ツアー; 防災士養成 -> 防災士, 養成. `minor` marks what only
        colours a sentence (verbs by their stem, adjectives, とき/こと, 方法 …); words that say
        nothing (する, 探す, 知りたい …) are left out."""
        if self.name == "none" or not normalized:
            return [(normalized, False)] if normalized else []
        parts: list[list] = []  # [text, minor]
        glue_next = False
        for surface, pos, form in self._pos_items(normalized):
            if pos in _FUNCTION_POS or form in _EMPTY_WORDS or pos == "代名詞":
                glue_next = False
                parts.append(["", False])  # a particle separates parts
                continue
            if pos == "接尾辞" and _HIRAGANA_ONLY.match(surface):
                continue  # ごと of 会社ごと, たち of 子どもたち: adds nothing to the word
            if (pos == "接尾辞" and parts and parts[-1][0]) or (glue_next and parts):
                parts[-1][0] += surface
            elif pos in _MINOR_POS:
                stem = _STEM.match(form)
                # A verb by its kanji stem (手伝っ -> 手伝), else as typed (直し, 住む).
                parts.append([stem.group(0) if stem and len(stem.group(0)) > 1 else surface, True])
            else:
                minor = _HIRAGANA_ONLY.match(surface) is not None or form in _GENERIC_NOUNS
                parts.append([surface, minor])
            glue_next = pos == "接頭辞"
        out: list[list] = []
        for i, (part, minor) in enumerate(parts):
            # A one-character part (地 of 温泉地) means nothing alone: keep it with a neighbour.
            if (len(part) == 1 and out and parts[i - 1][0]) or (out and len(out[-1][0]) == 1 and parts[i - 1][0]):
                out[-1][0] += part
                out[-1][1] = out[-1][1] and minor
            elif part:
                out.append([part, minor])
        if sum(not minor for _, minor in out) < 2:
            # Few topic words: the verbs and adjectives are what the query says.
            out = [[text, False] for text, _ in out]
        return [(text, minor) for text, minor in out] or [(normalized, False)]

    def kana_forms(self, normalized: str) -> list[str]:
        """Dictionary forms that a kana-only query word spells: ぼうさい -> [防災],
        ぼうさいくんれん -> [防災, 訓練] (SudachiPy knows the kana spelling of many words)."""
        if self.name != "sudachi" or not _KANA_ONLY.match(normalized or ""):
            return []
        out = []
        for _surface, pos, form in self._pos_items(normalized):
            if pos in _FUNCTION_POS:
                continue
            f = _norm_word(form)
            if pos != "名詞" or not f or _KANA_ONLY.match(f):
                return []  # only a reading of nouns is trusted (しまいとし is not 仕舞い為る)
            out.append(f)
        return out


def _new_tokenizer(name: str):
    if name == "sudachi":
        from sudachipy import SplitMode

        return _sudachi_dictionary().tokenizer(mode=SplitMode.B)
    if name == "janome":
        from janome.tokenizer import Tokenizer

        return Tokenizer()
    return None


_DICTIONARY_LOCK = threading.Lock()
_NOUN_POS: dict[int, bool] = {}  # part-of-speech id of the one dictionary -> noun or suffix


@lru_cache(maxsize=1)
def _sudachi_dictionary():
    """One dictionary per process (it is large); tokenizers made from it are per thread."""
    from sudachipy import Dictionary

    with _DICTIONARY_LOCK:
        return Dictionary()


@lru_cache(maxsize=65536)  # a rebuild asks for the same readings again and again
def reading_key(kana: str) -> str:
    """A reading folded for lookup: katakana, without voicing marks (避難所 is read ヒナンショ
    by the dictionary and typed ひなんじょ by people: both are ヒナンショ)."""
    decomposed = unicodedata.normalize("NFD", normalize(to_katakana(kana)))
    return unicodedata.normalize("NFC", decomposed.replace("\u3099", "").replace("\u309a", ""))


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def is_kana(text: str) -> bool:
    return bool(_KANA_ONLY.match(text or ""))


def is_reading(text: str) -> bool:
    """Kana with some hiragana: how a reader types a word whose kanji they do not know
    (katakana alone is how loanwords are written)."""
    return is_kana(text) and bool(re.search(r"[\u3041-\u3096]", text))


_FUNCTION_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白"})
_MINOR_POS = frozenset({"動詞", "形容詞", "副詞", "連体詞", "接続詞", "感動詞", "形状詞"})
_STEM = re.compile(r"^[\u4e00-\u9fff\u3005]+")
# Dictionary forms that carry no topic in a query sentence (「…を探したい」「…を知りたい」).
_EMPTY_WORDS = frozenset(
    ["する", "ある", "有る", "いる", "居る", "なる", "成る", "できる", "出来る", "もらう", "貰う", "くれる", "呉れる", "やる", "遣る", "思う", "考える", "知る", "探す", "教える", "欲しい", "良い", "行う", "言う", "見る", "聞く", "如何", "どう", "何", "皆", "様"])
# Nouns that frame a question rather than name a topic (they only colour the ranking).
_GENERIC_NOUNS = frozenset(
    ["方法", "場合", "相手", "事例", "一緒", "他", "以外", "必要", "内容", "状況", "仕方", "方", "件", "点", "時", "際", "為", "事", "物", "所", "中", "話", "人"])


def _janome_items(tok, text: str):
    pos = 0
    for t in tok.tokenize(text):
        yield pos, t.surface, t.base_form
        pos += len(t.surface)


@lru_cache(maxsize=65536)
def _norm_word(form: str) -> str:
    f = normalize(form)
    return f if len(f) >= 2 and not _HIRAGANA_ONLY.match(f) and RUN_RE.fullmatch(f) else ""


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """normalised term -> every member of its group(s), itself included."""
    groups: dict[str, set[str]] = {}
    for line in _data_lines("synonyms.txt"):
        members = [normalize(t) for t in line.split(",") if t.strip()]
        for m in members:
            groups.setdefault(m, set()).update(members)
    return {k: tuple(sorted(v, key=lambda t: (t != k, t))) for k, v in groups.items()}


@lru_cache(maxsize=1)
def related_table() -> dict[str, tuple[str, ...]]:
    """normalised word -> its related terms (data/related.txt), normalised."""
    out: dict[str, tuple[str, ...]] = {}
    for line in _data_lines("related.txt"):
        word, _, terms = line.partition("\t")
        out[normalize(word)] = tuple(normalize(t) for t in terms.split(",") if t.strip())
    return out


@lru_cache(maxsize=1)
def curated_vocabulary() -> tuple[str, ...]:
    """Sorted "y:<reading>|<term>" entries for the terms of the curated data (synonyms, related
    terms, place names), read by SudachiPy: a kana query finds 姉妹都市 even before any posting
    uses the word in a title."""
    terms: set[str] = set()
    for line in _data_lines("synonyms.txt"):
        terms.update(normalize(t) for t in line.split(",") if t.strip())
    for line in _data_lines("related.txt"):
        word, _, related = line.partition("\t")
        terms.add(normalize(word))
        terms.update(normalize(t) for t in related.split(",") if t.strip())
    for name in ("places.tsv", "gazetteer.tsv"):
        terms.update(normalize(line.split("\t")[0]) for line in _data_lines(name))
    words = WordTokenizer()
    if words.name != "sudachi":
        return ()
    out = set()
    for term in terms:
        if not term or _KANA_ONLY.match(term):
            continue
        reading = "".join(m.reading_form() for m in words._tok().tokenize(term))
        if reading:
            out.add(f"{READING_PREFIX}{reading_key(reading)}|{term}")
    return tuple(sorted(out))


@lru_cache(maxsize=1)
def former_names() -> dict[str, tuple[str, str]]:
    """normalised former municipality name -> (current 6-digit code, current name)."""
    out: dict[str, tuple[str, str]] = {}
    for line in _data_lines("former_names.tsv"):
        former, code, current, *_ = line.split("\t")
        out[normalize(former)] = (code, current)
    return out


def expansions(term: str) -> list[str]:
    """A normalised query term and the alternatives it should also match (synonyms, and the
    current name for a former municipality name)."""
    alts = list(synonym_groups().get(term, (term,)))
    alias = former_names().get(term)
    if alias and normalize(alias[1]) not in alts:
        alts.append(normalize(alias[1]))
    return alts


@lru_cache(maxsize=1)
def display_spellings() -> dict[str, str]:
    """normalised synonym or current municipality name -> its spelling in the data files
    (normalising lower-cases IT, DX and folds full-width forms)."""
    out: dict[str, str] = {}
    for line in _data_lines("synonyms.txt"):
        for t in line.split(","):
            if t.strip():
                out.setdefault(normalize(t.strip()), t.strip())
    for _code, current in former_names().values():
        out.setdefault(normalize(current), current)
    for line in _data_lines("related.txt"):
        for t in line.partition("\t")[2].split(","):
            if t.strip():
                out.setdefault(normalize(t.strip()), t.strip())
    return out
