"""From a parsed query to groups of weighted features that the ranker scores.

Each word of the query becomes a *group*; a compound word becomes one group per part
(移住体験ツアー -> 移住, 体験, ツアー) plus a bonus for the whole compound. A group matches a
posting through any of its *features*, each a backend-neutral match node (see below) with a
weight: the word as typed (1.0), its synonyms and the current name of a former municipality
(0.8), the words a kana query spells (0.9), the prefectures of a region (0.8), related terms
found by expansion (weaker, listed to the user), and the region of a prefecture (context only:
it ranks a posting about the topic in a nearby place, but never makes one a match by itself).

Match nodes (tuples, hashable so they key caches):
  ("term", token) ("phrase", (tokens…)) ("prefix", text) ("and", (nodes…)) ("or", (nodes…))
  ("andnot", positive, negative) ("all",)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .analysis import (
    READING_PREFIX,
    WORD_PREFIX,
    WordTokenizer,
    bigrams,
    display_spellings,
    expansions,
    is_kana,
    is_reading,
    normalize,
    reading_key,
)
from .places import as_prefecture, prefecture_region, regions

TYPED, SYNONYM, READING, PLACE, RELATED, NEARBY, COMPOUND = (
    "typed", "synonym", "reading", "place", "related", "nearby", "compound")
WEIGHTS = {TYPED: 1.0, SYNONYM: 0.8, READING: 0.9, PLACE: 0.8, RELATED: 0.45, NEARBY: 0.3,
           COMPOUND: 0.5}
# Sources that make a posting count as matching the word (strict matching, "missing" words).
STRONG = frozenset({TYPED, SYNONYM, READING, PLACE})
MAX_READING_SURFACES = 6
MINOR = 0.5  # weight of the verbs and framing words of a query sentence


@dataclass(frozen=True)
class Feature:
    node: tuple
    weight: float
    source: str
    label: str  # the spelling shown to the user for expansions

    @property
    def strong(self) -> bool:
        return self.source in STRONG

    @property
    def candidate(self) -> bool:
        """Can make a posting a match on its own (context features only add to the rank)."""
        return self.source != NEARBY


@dataclass
class Group:
    label: str
    features: list[Feature] = field(default_factory=list)
    required: bool = False  # +word or a phrase: postings without it are left out
    counts: bool = True  # False for the compound bonus: not a word that can be "missing"


@dataclass
class Plan:
    groups: list[Group]
    excluded: tuple | None
    highlight: list[str]

    @property
    def word_groups(self) -> list[Group]:
        return [g for g in self.groups if g.counts]

    def labels(self, *sources: str) -> list[str]:
        """Spellings of the features of these sources, without the words as typed."""
        typed = {f.label for g in self.groups for f in g.features if f.source == TYPED}
        out = [f.label for g in self.groups for f in g.features
               if f.source in sources and f.label not in typed]
        return list(dict.fromkeys(out))


def exact_node(text: str, words: WordTokenizer) -> tuple | None:
    """Match node for a normalised term: all bigrams of its content segments; with its
    dictionary words as an alternative preferred node (rewards real word boundaries)."""
    toks = list(dict.fromkeys(t for seg in words.content_segments(text) for t in bigrams(seg)))
    if not toks:
        return None
    if len(toks) == 1 and len(toks[0]) == 1 and toks[0] > "z":
        # A one-character CJK term is only indexed inside bigrams: match those too.
        return ("or", (("term", toks[0]), ("prefix", toks[0])))
    return ("term", toks[0]) if len(toks) == 1 else ("and", tuple(("term", t) for t in toks))


def _word_node(text: str, words: WordTokenizer) -> tuple | None:
    wtoks = [WORD_PREFIX + w for w in dict.fromkeys(words.words(text))]
    if not wtoks:
        return None
    return ("term", wtoks[0]) if len(wtoks) == 1 else ("and", tuple(("term", w) for w in wtoks))


def _features_for(text: str, source: str, words: WordTokenizer, label: str | None = None,
                  weight: float | None = None) -> list[Feature]:
    """The feature(s) of one spelling: the bigram match, and the same with its dictionary
    words (slightly heavier), so 京都 ranks 京都市 above 東京都."""
    node = exact_node(text, words)
    if node is None:
        return []
    w = WEIGHTS[source] if weight is None else weight
    out = [Feature(node, w, source, label or text)]
    wnode = _word_node(text, words)
    if wnode is not None:
        out.insert(0, Feature(("and", (node, wnode)), w * 1.15, source, label or text))
    return out


Lexicon = Callable[[str], list[str]]  # prefix -> index terms starting with it
Related = Callable[[str], list[tuple[str, float]]]  # word -> (related term, weight 0-1)


LITERAL_COST = 3  # a piece left in kana costs as much as three dictionary words


def read_kana(kana: str, lexicon: Lexicon | None, words: WordTokenizer) -> list[list[str]]:
    """What a kana query spells, in the spellings postings use: one list of alternatives
    (homophones) per piece, pieces from the index's reading vocabulary, fewest first; a piece
    the vocabulary lacks stays in kana (ふるさとのうぜい -> [[ふるさと], [納税]]). Without a
    full reading, SudachiPy's kana forms of nouns (ぼうさい -> [[防災]]), else []."""
    text = normalize(kana)
    key = reading_key(text)
    n = len(key)

    def surfaces(piece: str) -> list[str]:
        prefix = f"{READING_PREFIX}{piece}|"
        return [t[len(prefix):] for t in lexicon(prefix)][:MAX_READING_SURFACES] if lexicon else []

    # best[i]: (cost, pieces, words found) for key[:i]; each piece is ≥ 2 characters.
    best: list[tuple[int, list[list[str]], int] | None] = [None] * (n + 1)
    best[0] = (0, [], 0)
    for end in range(2, n + 1):
        for start in range(0, end - 1):
            if best[start] is None:
                continue
            cost, pieces, found_words = best[start]
            found = surfaces(key[start:end])
            options = [(1, found, 1)] if found else []
            options.append((LITERAL_COST, [text[start:end]], 0))
            for step, alts, is_word in options:
                if best[end] is None or cost + step < best[end][0]:
                    best[end] = (cost + step, [*pieces, alts], found_words + is_word)
    if best[n] is not None and best[n][2]:
        return best[n][1]
    forms = words.kana_forms(text)
    return [[f] for f in forms]


def _reading_groups(kana: str, words: WordTokenizer, lexicon: Lexicon | None,
                    related: Related | None, expand: bool) -> list[Group]:
    """Groups for a kana word: each piece it spells as a word of its own (its spellings as
    READING features, with their synonyms), the kana as typed as a feature of the first
    piece (one piece) or a bonus (several)."""
    pieces = [alts for alts in read_kana(kana, lexicon, words) if alts]
    typed = _features_for(kana, TYPED, words)
    if not pieces or all(alts == [kana] for alts in pieces):
        return [_word_group(kana, words, None, related, expand)]
    groups = []
    for alts in pieces:
        group = Group(label=alts[0] if len(pieces) > 1 else kana)
        for surface in alts:
            sub = _word_group(surface, words, None, related, expand)
            group.features += [
                Feature(f.node, f.weight * WEIGHTS[READING],
                        READING if f.source == TYPED and not is_kana(surface) else f.source, f.label)
                for f in sub.features]
        groups.append(group)
    if len(groups) == 1:
        groups[0].features = typed + groups[0].features
    else:
        groups.append(Group(label=kana, features=[Feature(f.node, WEIGHTS[COMPOUND], COMPOUND, f.label)
                                                  for f in typed], counts=False))
    return groups


def _place_features(text: str, words: WordTokenizer) -> list[Feature]:
    out: list[Feature] = []
    prefectures = regions().get(text)
    if prefectures:  # a region: its prefectures
        for pref in prefectures:
            out += _features_for(normalize(pref), PLACE, words, label=pref)
    pref = as_prefecture(text)
    if pref:  # a prefecture: its region, as context
        region = prefecture_region()[pref]
        out += _features_for(normalize(region), NEARBY, words, label=region)
        if normalize(pref) != text:
            out += _features_for(normalize(pref), PLACE, words, label=pref)
    return out


def _word_group(text: str, words: WordTokenizer, lexicon: Lexicon | None,
                related: Related | None, expand: bool = True) -> Group:
    group = Group(label=text)
    group.features += _features_for(text, TYPED, words)
    if expand:
        spellings = display_spellings()
        for alt in expansions(text)[1:]:
            group.features += _features_for(alt, SYNONYM, words, label=spellings.get(alt, alt))
    if expand:
        group.features += _place_features(text, words)
    if expand and related is not None:
        spellings = display_spellings()
        for term, weight in related(text):
            group.features += _features_for(term, RELATED, words, label=spellings.get(term, term),
                                            weight=WEIGHTS[RELATED] * weight)
    group.features = list(dict.fromkeys(group.features))
    return group


def build(parsed, words: WordTokenizer, lexicon: Lexicon | None = None,
          related: Related | None = None, expand: bool = True) -> Plan:
    """Groups for the positive words, the exclusion node, and the strings to highlight."""
    groups: list[Group] = []
    highlight: list[str] = []
    for alternatives in parsed.groups:
        if len(alternatives) > 1 or any(p for _, p in alternatives):
            # OR-ed words and phrases are matched as written (no splitting, no expansion of
            # phrases), as one group.
            group = Group(label=" OR ".join(t for t, _ in alternatives),
                          required=any(p for _, p in alternatives))
            for text, is_phrase in alternatives:
                if is_phrase:
                    toks = bigrams(text)
                    node = ("phrase", tuple(toks)) if len(toks) > 1 else ("term", toks[0])
                    group.features.append(Feature(node, 1.0, TYPED, text))
                    highlight.append(text)
                else:
                    sub = _word_group(text, words, lexicon, related, expand)
                    group.features += sub.features
                    highlight += [f.label for f in sub.features]
            groups.append(group)
            continue
        text, _ = alternatives[0]
        required = text in parsed.required
        if is_reading(text):
            for g in _reading_groups(text, words, lexicon, related, expand):
                g.required = required and g.counts
                groups.append(g)
                highlight += [f.label for f in g.features if f.source != NEARBY]
            continue
        parts = [(normalize(p), minor) for p, minor in words.query_parts(text)]
        parts = [(p, minor) for p, minor in parts if bigrams(p)]
        if len(parts) > 1:
            parts = [(p, m) for p, m in parts if len(p) > 1] or parts  # 市 of 市の課題 says nothing
        if len(parts) > 1:
            # A compound or a sentence: each part is a word of its own (a minor one only adds
            # to the rank); a synonym of the whole counts for every part (災害時相互応援協定
            # for 防災 and 協定 of 防災協定); the whole adds a bonus when it occurs as typed.
            whole = _word_group(text, words, None, related, expand)
            whole_synonyms = [f for f in whole.features if f.source == SYNONYM]
            for part, minor in parts:
                g = _word_group(part, words, lexicon, related, expand)
                g.required = required and not minor
                if minor:
                    g.counts = False
                    g.features = [Feature(f.node, f.weight * MINOR, f.source, f.label) for f in g.features]
                else:
                    g.features += whole_synonyms
                groups.append(g)
                highlight += [f.label for f in g.features]
            bonus = Group(label=text, counts=False)
            bonus.features += _features_for(text, COMPOUND, words)
            groups.append(bonus)
            highlight.append(text)
        else:
            g = _word_group(text, words, lexicon, related, expand)
            g.required = required
            groups.append(g)
            highlight += [f.label for f in g.features if f.source != NEARBY]
    nots = []
    for text, is_phrase in parsed.excluded:
        if is_phrase:
            toks = bigrams(text)
            nots.append(("phrase", tuple(toks)) if len(toks) > 1 else ("term", toks[0]))
        else:
            alts = [n for n in (exact_node(a, words) for a in expansions(text)) if n]
            if alts:
                nots.append(alts[0] if len(alts) == 1 else ("or", tuple(alts)))
    excluded = None if not nots else nots[0] if len(nots) == 1 else ("or", tuple(nots))
    groups = [g for g in groups if g.features]
    highlight = [normalize(h) for h in dict.fromkeys(highlight) if h]
    return Plan(groups, excluded, highlight)


SIMILAR_WORDS = 30  # the most telling words of a text are enough to find its neighbours
COMMON = 0.3  # words in more than this share of postings say little about a text
COMMON_MIN_INDEX = 100  # … once there are enough postings to tell


def similar_groups(view, normalized_text: str, words: WordTokenizer) -> list[Group]:
    """One group per telling content word of a text (for more_like): its words weighted by
    how often the text uses them and how rare they are in the index."""
    counts: dict[str, int] = {}
    for _, word, _reading in words.words_with_readings(normalized_text):
        counts[word] = counts.get(word, 0) + 1
    n = view.live.bit_count()
    scored = []
    for word, tf in counts.items():
        node = exact_node(word, words)
        if node is None:
            continue
        df = (view.plan_mask(node, "text") & view.live).bit_count()
        if not df or (n >= COMMON_MIN_INDEX and df > COMMON * n):
            continue
        scored.append((tf ** 0.5 * (1.0 / df) ** 0.5, word, node))
    scored.sort(reverse=True)
    return [Group(label=w, features=[Feature(node, 1.0, TYPED, w)]) for _, w, node in scored[:SIMILAR_WORDS]]

