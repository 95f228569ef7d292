"""Build bench/data/judgments.json: graded (0-3) judgments for the relevance queries.

Judging is rule-based and independent of search_index: for each query a person listed the
concept strings that make a posting relevant (spelling variants and synonyms written out
explicitly). A posting's grade for one concept group is where its best string occurs, by plain
NFKC + lower-case substring test: 3 title, 2 summary or metadata (places, fields, category
labels), 1 body/extra text, 0 absent. Multi-group queries (AND) take the minimum over groups;
an excluded concept anywhere makes the grade 0. Only postings the public can see are judged.

    .venv/bin/python -m bench.make_judgments
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from .make_corpus import load

OUT = Path(__file__).resolve().parent / "data" / "judgments.json"

ISHIKAWA = ["石川県", "輪島", "珠洲", "七尾", "能登町", "金沢", "白山市", "能美", "加賀市", "志賀町",
            "穴水", "羽咋", "かほく", "小松市", "野々市", "津幡", "内灘"]
ASSIST = ["災害時相互応援協定", "相互応援協定", "災害時相互援助協定", "相互援助協定", "応援協定",
          "防災協定", "災害協定", "援助協定"]

# (query, variant type, concept groups, excluded concepts)
QUERIES = [
    ("空家", "okurigana", [["空家", "空き家"]], []),
    ("空き家 移住", "okurigana+AND", [["空家", "空き家"], ["移住", "定住", "二地域居住", "お試し住宅"]], []),
    ("子ども食堂の取り組み", "okurigana", [["子ども食堂", "こども食堂", "子供食堂"]], []),
    ("脱炭素の取組", "okurigana", [["脱炭素", "ゼロカーボン", "カーボンニュートラル"]], []),
    ("林間学校 申し込み", "okurigana", [["林間学校"], ["申込", "申し込み", "申込み"]], []),
    ("申込受付", "okurigana", [["申込", "申し込み"], ["受付", "受け付け"]], []),
    ("ＩＴ企業", "width", [["it企業"]], []),
    ("IT 人材", "width", [["it", "ict", "デジタル人材"], ["人材"]], []),
    ("ﾜｰｹｰｼｮﾝ", "width (half-width kana)", [["ワーケーション"]], []),
    ("防災協定１０周年", "width (digits)", [["防災協定", *ASSIST], ["10周年", "10年"]], []),
    ("コンピュータ", "long vowel", [["コンピュータ", "コンピューター", "パソコン"]], []),
    ("サーバ バックアップ", "long vowel", [["サーバ", "サーバー", "データセンター"], ["バックアップ"]], []),
    ("防災協定", "synonym", [ASSIST], []),
    ("人事交流", "synonym", [["人事交流", "職員派遣", "相互派遣", "職員交流", "職員を派遣", "若手職員"]], []),
    ("職員派遣", "synonym", [["職員派遣", "職員を派遣", "応援職員", "中長期派遣", "人事交流", "相互派遣", "派遣した"]], []),
    ("移住", "synonym", [["移住", "定住", "二地域居住", "お試し住宅"]], []),
    ("疎開", "synonym", [["疎開", "広域避難"]], []),
    ("インバウンド", "synonym", [["インバウンド", "訪日外国人", "外国人観光客", "訪日客"]], []),
    ("ふるさと納税", "synonym", [["ふるさと納税", "ふるさと寄附"]], []),
    ("地域おこし協力隊", "synonym", [["地域おこし協力隊", "協力隊"]], []),
    ("門前町", "former name", [["門前町", "輪島"]], []),
    ("平良市", "former name", [["平良", "宮古島"]], []),
    ("本渡市", "former name", [["本渡", "天草"]], []),
    ("中村市", "former name", [["中村市", "四万十市"]], []),
    ("相川町", "former name", [["相川", "佐渡"]], []),
    ("篠山市", "former name / rename", [["篠山"]], []),
    ("今市市", "former name", [["今市", "日光"]], []),
    ("山古志村", "former name", [["山古志", "長岡市"]], []),
    ("石川県", "prefecture of partner", [ISHIKAWA], []),
    ("新潟県", "prefecture of partner", [["新潟", "佐渡", "長岡", "上越", "十日町", "魚沼", "南魚沼", "妙高", "糸魚川", "燕市", "三条", "村上市", "柏崎"]], []),
    ("沖縄県", "prefecture of partner", [["沖縄", "宮古島", "竹富", "石垣", "那覇", "南城", "名護", "座間味", "渡嘉敷"]], []),
    ('"災害時相互応援協定"', "phrase", [["災害時相互応援協定"]], []),
    ('"お試し住宅"', "phrase", [["お試し住宅"]], []),
    ('"関係人口"', "phrase", [["関係人口"]], []),
    ("輪島塗 OR 有田焼", "OR", [["輪島塗", "有田焼"]], []),
    ("カヌー OR スキー", "OR", [["カヌー", "スキー"]], []),
    ("移住 -空き家", "exclusion", [["移住", "定住", "二地域居住"]], ["空家", "空き家"]),
    ("防災 -訓練", "exclusion", [["防災", "災害"]], ["訓練"]),
    ("給水車", "plain", [["給水車", "給水支援", "給水"]], []),
    ("保健師", "plain", [["保健師"]], []),
    ("棚田", "plain", [["棚田"]], []),
    ("高齢者 見守り", "synonym+AND", [["高齢者", "シニア", "お年寄り"], ["見守り"]], []),
    ("サテライトオフィス", "plain", [["サテライトオフィス"]], []),
    ("震災伝承", "plain", [["震災伝承", "語り部", "伝承"]], []),
    ("能登半島地震 支援", "plain+AND", [["能登半島地震", "能登"], ["支援", "派遣", "応援"]], []),
    ("子育て支援", "synonym", [["子育て", "育児"]], []),
    ("ＤＸ", "width", [["dx", "デジタル化", "デジタルトランスフォーメーション"]], []),
    ("伝統芸能", "plain", [["伝統芸能", "郷土芸能", "神楽", "歌舞伎", "おどり", "踊り"]], []),
    ("物産展", "synonym", [["物産展", "物産pr", "アンテナショップ", "物産フェア", "マルシェ"]], []),
    ("温泉 健康", "AND", [["温泉", "湯治"], ["健康", "介護予防"]], []),
]


def _n(s: str) -> str:
    return unicodedata.normalize("NFKC", s or "").lower()


def grade(doc: dict, groups, excluded) -> int:
    title, summary = _n(doc["title"]), _n(doc["summary"])
    meta = _n(" ".join([
        doc["municipality_name"], doc["prefecture"], *doc["partner_names"],
        *doc["partner_prefectures"], *doc["fields"], *doc["category_labels"],
    ]))
    body = _n(doc["body"] + " " + (doc.get("extra_text") or ""))
    everything = " ".join([title, summary, meta, body])
    if any(_n(x) in everything for x in excluded):
        return 0
    grades = []
    for group in groups:
        g = 0
        for c in map(_n, group):
            if c in title:
                g = 3
            elif c in summary or c in meta:
                g = max(g, 2)
            elif c in body:
                g = max(g, 1)
        grades.append(g)
    return min(grades)


def main() -> None:
    docs = [d for d in load() if d["status"] == "published" and d["visibility"] == "public"]
    out = []
    for q, variant, groups, excluded in QUERIES:
        judged = {d["external_id"]: grade(d, groups, excluded) for d in docs}
        out.append({
            "q": q, "variant": variant, "groups": groups, "excluded": excluded,
            "judgments": {k: v for k, v in judged.items() if v > 0},
        })
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(out)} queries over {len(docs)} public postings to {OUT}")
    for item in out:
        rel = item["judgments"]
        print(f"  {item['q']:<24} {sum(1 for v in rel.values() if v >= 2):4d} grade>=2, {len(rel):4d} >0")


if __name__ == "__main__":
    main()
