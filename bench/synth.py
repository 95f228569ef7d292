"""Deterministic synthetic postings for speed benchmarks (realistic-ish Japanese from templates)."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from app.models.geo import PREFECTURES, region_for_prefecture

ROOT = Path(__file__).resolve().parents[1]
MUNICIPALITIES = ROOT / "app" / "data" / "municipalities.csv"

# prefecture -> region, from the app's one table (bench may import the app; search_index may not).
REGION_OF = {p: region_for_prefecture(p) for p in PREFECTURES}


def load_municipalities() -> list[dict]:
    with MUNICIPALITIES.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["kind"] not in ("prefecture", "ward")]
    for r in rows:
        r["region"] = REGION_OF[r["prefecture"]]
    return rows


TOPICS = [
    # (field tag, category, category label, title phrases, sentences)
    ("防災", "B-5", "災害時の相互協力", ["災害時相互応援協定", "合同防災訓練", "避難所運営の支援", "備蓄物資の相互融通"],
     ["大規模災害の発生に備え、{p}と災害時相互応援協定を締結した。", "発災時には給水車や職員を派遣し、避難所運営を支援する。",
      "毎年秋に合同防災訓練を実施し、連絡体制を確認している。", "備蓄物資の情報を共有し、不足時には相互に融通する。"]),
    ("移住", "A-2", "移住・定住の促進", ["移住相談会の共同開催", "空き家バンクの連携", "お試し移住の受け入れ"],
     ["都内で移住相談会を共同開催し、{p}の暮らしや仕事を紹介した。", "空き家バンクの物件情報を区の窓口でも案内している。",
      "お試し移住住宅を活用し、二地域居住を希望する区民を受け入れた。"]),
    ("観光", "A-4", "体験交流を通じた連携", ["観光物産展の開催", "モニターツアーの実施", "体験交流ツアー"],
     ["区役所のロビーで観光物産展を開き、{p}の特産品を販売した。", "区民を対象にモニターツアーを実施し、農業体験や郷土料理づくりを行った。",
      "インバウンド向けの観光情報を多言語で共同発信している。"]),
    ("人事交流", "C-1", "職員の相互派遣", ["職員の相互派遣", "人事交流の実施", "技術職員の派遣"],
     ["若手職員を一年間相互に派遣し、互いの行政運営を学んだ。", "技術職員の不足に対応するため、土木職の職員派遣を受け入れた。",
      "派遣期間終了後も、オンラインで定期的に情報交換を続けている。"]),
    ("子育て", "D-3", "子ども・教育の交流", ["児童の自然体験交流", "子育て支援の情報交換", "林間学校の受け入れ"],
     ["区内の小学生が{p}を訪れ、自然体験や農業体験に参加した。", "子育て支援の取組について、担当課同士で情報交換を行った。",
      "夏休みに林間学校を受け入れ、地元の児童とも交流した。"]),
    ("DX", "E-2", "行政のデジタル化", ["ＩＴを活用した窓口改革", "デジタル人材の育成", "オンライン申請の共同導入"],
     ["ＩＴを活用した窓口のデジタル化について、共同で実証実験を行った。", "デジタル人材の育成に向け、研修プログラムを共同で開発した。",
      "オンライン申請システムを共同で調達し、コストを削減した。"]),
    ("環境", "F-1", "環境・エネルギー", ["カーボン・オフセットの連携", "森林整備の協定", "再生可能エネルギーの導入"],
     ["区の公共施設で排出される二酸化炭素を、{p}の森林整備によるクレジットで相殺している。", "森林環境譲与税を活用し、間伐や植林を共同で進めている。",
      "再生可能エネルギーの電力を区内の施設で利用する取組を始めた。"]),
    ("福祉", "G-2", "健康・福祉", ["高齢者の見守り連携", "健康づくり事業の交流", "介護人材の確保"],
     ["高齢者の見守り活動について、ボランティア団体同士の交流を支援した。", "健康づくりのウォーキングイベントを両地域で同時に開催した。",
      "介護人材の確保に向け、合同の就職説明会を開いた。"]),
]
KINDS = [("case_study", 0.45), ("partnership_request", 0.25), ("disaster_offer", 0.15), ("staff_exchange", 0.15)]
FILLER = [
    "今後も継続的な交流を通じて、両地域の課題解決につなげたい。", "事業の成果は報告書にまとめ、区のホームページで公開している。",
    "参加者からは「また訪れたい」という声が多く寄せられた。", "費用は双方で折半し、国の交付金も活用した。",
    "担当者同士が定期的に打ち合わせを行い、次年度の計画を検討している。", "地元の商店街や事業者にも協力を呼びかけた。",
]


def generate(n: int, seed: int = 20240101):
    """Yield n posting dicts in the search_index document format."""
    rng = random.Random(seed)
    munis = load_municipalities()
    tokyo = [m for m in munis if m["prefecture"] == "東京都"]
    others = [m for m in munis if m["prefecture"] != "東京都"]
    kinds, weights = zip(*KINDS, strict=True)
    start = datetime(2018, 4, 1)
    for i in range(1, n + 1):
        owner = rng.choice(tokyo) if rng.random() < 0.6 else rng.choice(munis)
        partners = rng.sample(others, rng.choice((1, 1, 1, 2)))
        pname = partners[0]["name"]
        topics = rng.sample(TOPICS, rng.choice((1, 1, 2)))
        field, cat, label, titles, sentences = topics[0]
        title = f"{pname}との{rng.choice(titles)}"
        sents = [s.format(p=pname) for t in topics for s in t[4]]
        rng.shuffle(sents)
        body_sents = sents[:4] + rng.sample(FILLER, 3)
        body = "## 概要\n" + "".join(body_sents[:3]) + "\n\n## 取組内容\n" + "".join(body_sents[3:])
        published = start + timedelta(days=rng.randrange(0, 2400), minutes=rng.randrange(1440))
        status = "archived" if rng.random() < 0.1 else "published"
        yield {
            "id": i, "external_id": None if i % 3 else f"synth-{i:06d}",
            "kind": rng.choices(kinds, weights)[0], "title": title,
            "summary": sents[0] + rng.choice(FILLER), "body": body,
            "extra_text": rng.choice(FILLER),
            "municipality_code": owner["code"], "municipality_name": owner["name"],
            "municipality_kana": owner["kana"], "prefecture": owner["prefecture"], "region": owner["region"],
            "partner_codes": [p["code"] for p in partners], "partner_names": [p["name"] for p in partners],
            "partner_prefectures": [p["prefecture"] for p in partners],
            "partner_regions": [p["region"] for p in partners],
            "categories": [t[1] for t in topics], "category_labels": [t[2] for t in topics],
            "fields": [t[0] for t in topics], "status": status,
            "visibility": "officials" if rng.random() < 0.2 else "public",
            "request_status": None, "published_at": published, "updated_at": published,
        }
