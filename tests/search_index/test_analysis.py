import csv
from pathlib import Path

from search_index.analysis import (
    WordTokenizer,
    bigrams,
    expansions,
    former_names,
    normalize,
    normalize_with_map,
    synonym_groups,
)

MUNICIPALITIES = Path(__file__).resolve().parents[2] / "app" / "data" / "municipalities.csv"


def test_width_and_case_fold():
    assert normalize("ＩＴ") == normalize("IT") == "it"
    assert normalize("ｶﾀｶﾅ") == "カタカナ"
    assert normalize("１２３") == "123"


def test_okurigana_variants_fold_to_one_form():
    assert normalize("取り組み") == normalize("取組") == normalize("取組み")
    assert normalize("申し込み") == normalize("申込")
    assert normalize("空き家") == normalize("空家")
    assert normalize("問い合わせ") == normalize("問合せ")


def test_katakana_variants():
    assert normalize("コンピューター") == normalize("コンピュータ")
    assert normalize("サーバー") == normalize("サーバ")
    assert normalize("ヴァイオリン") == normalize("バイオリン")
    assert normalize("データ") == "データ"  # an inner long vowel is kept
    assert normalize("カー") == "カー"  # too short to be a JIS-style variant


def test_bigrams_and_latin_runs():
    assert bigrams(normalize("防災協定")) == ["防災", "災協", "協定"]
    assert bigrams(normalize("ＤＸ推進")) == ["dx", "推進"]
    assert bigrams("市") == ["市"]


def test_map_points_back_to_source():
    text = "ＩＴと空き家"
    norm, src = normalize_with_map(text)
    start = norm.index("空家")
    assert text[src[start] : src[start + 1] + 1] == "空き家"


def test_map_points_back_through_characters_that_fold_to_several():
    # ㍻ folds to two characters and ß to two: the positions after them still point home.
    for text in ("㍻の空き家", "ßと空き家", "空き家"):
        norm, src = normalize_with_map(text)
        assert len(src) == len(norm) and norm == normalize(text), text
        start = norm.index("空家")
        assert text[src[start] : src[start + 1] + 1] == "空き家", text


def test_word_tokenizers_agree_on_variants():
    for name in ("sudachi", "janome"):
        words = WordTokenizer(name).words(normalize("空き家の取り組みを行う"))
        assert normalize("空家") in words and normalize("取組") in words, (name, words)


def test_synonyms_are_symmetric_data():
    groups = synonym_groups()
    assert len({tuple(sorted(v)) for v in groups.values()}) >= 30
    assert "災害対策" in expansions("防災") and "防災" in expansions("災害対策")
    assert normalize("職員派遣") in expansions(normalize("人事交流"))


def test_former_names_match_municipality_list():
    with MUNICIPALITIES.open(encoding="utf-8") as f:
        rows = {r["code"]: r for r in csv.DictReader(f)}
    current_names = {r["name"] for r in rows.values()}
    aliases = former_names()
    assert len(aliases) >= 30
    assert aliases[normalize("門前町")] == ("172049", "輪島市")
    for former, (code, name) in aliases.items():
        assert rows[code]["name"] == name, former
        assert former not in current_names, former
