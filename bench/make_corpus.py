"""Build bench/data/corpus.jsonl for the relevance benchmark (a frozen snapshot: rebuilding it
changes the document ids the judgments refer to by external_id, so rebuild only with new
judgments).

Sources: the demo postings (app/data/demo/postings.jsonl, drafts skipped), hand-written
postings below that use spelling variants (送り仮名, 全角/半角, long vowels, former municipality
names, partner-only prefectures), postings written separately from the judged queries by
people who did not see them (bench/data/extra_a.jsonl, extra_b.jsonl, import format), and
synthetic postings (bench/synth.py) as distractors. Run:  .venv/bin/python -m bench.make_corpus
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

from .synth import MUNICIPALITIES, REGION_OF, generate

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "app" / "data" / "demo" / "postings.jsonl"
TAXONOMY = ROOT / "app" / "data" / "survey_taxonomy.json"
OUT = Path(__file__).resolve().parent / "data" / "corpus.jsonl"
EXTRA = [Path(__file__).resolve().parent / "data" / f"extra_{part}.jsonl" for part in ("a", "b")]

# (kind, title, summary, body, owner code, partner codes, categories, fields, published)
HANDMADE = [
    ("case_study", "空家を活用したお試し住宅の共同運営", "町の空家を改修し、区民向けのお試し住宅として貸し出した。",
     "空家バンクに登録された古民家を町が改修し、区は区報で募集を行った。三年間で延べ42世帯が滞在し、うち6世帯が定住した。", "131156", ["192091"], ["A-1"], ["移住"], "2023-07-01"),
    ("partnership_request", "空き家対策の担当者勉強会への参加自治体募集", "空き家の利活用と管理不全の防止について、事例を持ち寄る勉強会を開きます。",
     "空き家の所有者への働きかけや、相続登記の促進について意見交換を行います。オンライン参加も可能です。", "131211", [], ["A-1"], ["移住"], "2024-09-10"),
    ("case_study", "ＩＴ企業のサテライトオフィス誘致", "区内のＩＴ企業と町をつなぎ、空き店舗にサテライトオフィスを開設した。",
     "町はＷｉ－Ｆｉ環境を整備し、区は企業向けセミナーで町を紹介した。テレワークで働く社員が地域の祭りにも参加している。", "131041", ["392103"], ["E-1"], ["DX"], "2023-11-20"),
    ("staff_exchange", "IT人材の相互派遣による窓口のデジタル化", "情報システム担当の職員を半年ずつ相互に派遣し、電子申請の導入を進めた。",
     "派遣された職員は、相手方の業務フローを調べ、オンライン申請の対象手続を洗い出した。", "131202", ["202207"], ["C-1"], ["DX"], "2024-02-15"),
    ("case_study", "子ども食堂の取組を両区で共有", "子ども食堂の運営の取組について、担当課とボランティア団体が情報交換した。",
     "食材の寄附の受け方や衛生管理の工夫など、現場の取組を資料にまとめた。", "131199", ["131172"], ["D-3"], ["子育て"], "2022-10-05"),
    ("case_study", "脱炭素に向けた取り組みの相互視察", "両自治体のゼロカーボンの取り組みを職員が相互に視察した。",
     "太陽光発電の屋根貸しや、公用車の電動化の取り組みを学んだ。", "131083", ["202011"], ["F-1"], ["環境"], "2024-03-01"),
    ("partnership_request", "農業体験ツアーの申込受付を代行してくれる区を募集", "収穫体験ツアーの申込受付と区民への周知に協力いただける区を探しています。",
     "申込は先着順で、受付期間は毎年5月です。参加費の徴収は村が行います。", "202177", [], ["A-4"], ["農業", "観光"], "2024-04-12"),
    ("case_study", "林間学校の申し込み手続を電子化", "保護者からの林間学校の申し込みをオンラインに切り替えた。",
     "紙の申し込み用紙をやめ、区の電子申請サービスで受け付けた。町側も名簿を自動で受け取れるようになった。", "131105", ["212032"], ["D-3"], ["教育", "DX"], "2023-05-30"),
    ("case_study", "コンピューター教室でシニアのスマホ相談", "区内の大学生がボランティアで高齢者のスマートフォン相談会を開いた。",
     "コンピューターに不慣れな高齢者向けに、町の公民館と区の会場をオンラインでつないだ。", "131121", ["172111"], ["G-2"], ["福祉", "DX"], "2024-06-18"),
    ("disaster_offer", "サーバー室の被災時バックアップを提供", "大規模災害で庁舎のサーバが停止した場合に、区のデータセンターの一部を貸し出します。",
     "平時から遠隔地バックアップの手順を確認しておくことで、住民記録などの業務を早期に再開できます。", "131032", [], ["B-5"], ["防災", "DX"], "2024-08-01"),
    ("case_study", "輪島市への中長期の職員派遣", "能登半島地震の後、土木と保健師の職員を一年間派遣した。",
     "旧門前町の地区を中心に、応急仮設住宅の見守りや道路の復旧工事の監督を担った。", "131229", ["172049"], ["B-5", "C-1"], ["防災"], "2024-10-01"),
    ("case_study", "能登の漆器職人と区内の百貨店をつなぐ", "被災した漆器職人の作品を区内の百貨店で販売した。",
     "輪島塗の工房の再建を支援するため、区が会場を用意し、売上は全額工房に届けた。", "131067", ["172049"], ["A-4"], ["産業", "文化"], "2024-05-25"),
    ("disaster_offer", "珠洲市など奥能登への給水支援の実績", "発災直後から給水車と職員を派遣した実績をもとに、支援の申出を継続しています。",
     "断水が長期化した地域に給水車2台を派遣した。受援側の負担を減らすため、燃料と宿泊は自前で確保した。", "131237", ["172057"], ["B-5"], ["防災"], "2024-01-20"),
    ("case_study", "佐渡の金山と区の歴史講座", "旧相川町の鉱山の歴史を学ぶ区民講座を開いた。",
     "講師は市の学芸員が務め、受講者は秋に現地を訪れた。", "131059", ["152242"], ["A-4"], ["文化", "観光"], "2023-09-09"),
    ("case_study", "山古志の棚田オーナー制度に区民が参加", "中越地震から復興した地区の棚田で、区民がオーナーとして米づくりに参加した。",
     "田植えと稲刈りの年2回、区民バスを運行している。", "131130", ["152021"], ["A-4"], ["農業"], "2022-06-12"),
    ("staff_exchange", "人事交流で若手職員を一年間受け入れ", "市の若手職員を区の企画課で受け入れ、区からも一名を市へ送った。",
     "人事交流の期間中、双方の政策課題について共同で報告書をまとめた。", "131024", ["042056"], ["C-1"], ["人材育成"], "2023-04-01"),
    ("staff_exchange", "保健師の職員派遣と受援体制づくり", "災害時の保健活動を支えるため、保健師の職員派遣の手順を定めた。",
     "派遣される職員の宿泊先や移動手段を事前に決めておき、受援側の負担を減らす。", "131164", ["046060"], ["B-5", "C-1"], ["防災", "福祉"], "2024-07-07"),
    ("case_study", "定住につながった二地域居住の支援", "区民の二地域居住を支援し、三年後に定住した世帯が生まれた。",
     "週末だけ町で暮らす区民に、町営住宅の短期貸出と仕事の紹介を行った。", "131148", ["462225"], ["A-1"], ["移住"], "2023-12-01"),
    ("case_study", "学童疎開の記憶を語り継ぐ交流", "戦時中に区の子どもたちが疎開した町と、記憶を伝える交流を続けている。",
     "疎開を経験した方の証言を区内の小学校で紹介し、町の子どもたちとも手紙を交わした。", "131091", ["202029"], ["D-3"], ["文化", "教育"], "2022-08-15"),
    ("disaster_offer", "大規模災害時の区民の避難先として宿泊施設を提供", "首都直下地震の際、区民の広域避難を宿泊施設で受け入れます。",
     "避難者の移送は区が手配し、町は旅館組合と協力して受入れを行う。", "192139", ["131181"], ["B-5"], ["防災"], "2024-02-02"),
    ("case_study", "災害時相互応援協定にもとづく合同訓練", "協定を結ぶ市と、物資輸送と職員派遣の合同訓練を行った。",
     "災害時相互応援協定の実効性を高めるため、連絡手段の確認と物資の受け渡し訓練を毎年行っている。", "131113", ["282090"], ["B-5"], ["防災"], "2023-10-28"),
    ("case_study", "防災協定の締結10周年の記念事業", "防災協定の締結から10年を迎え、区民向けの防災フェアを共同で開いた。",
     "会場では町の非常食の試食や、起震車の体験を行った。", "131172", ["072125"], ["B-5"], ["防災"], "2024-11-03"),
    ("partnership_request", "丹波篠山の黒豆オーナーを募集する区を探しています", "黒豆の収穫体験と加工品づくりを通じた交流相手を募集します。",
     "旧篠山市の時代から続くオーナー制度で、毎年10月に収穫体験を行います。", "282219", [], ["A-4"], ["農業", "食"], "2024-05-01"),
    ("case_study", "宮古島の海で区の中学生が環境学習", "サンゴ礁の保全活動に区の中学生が参加した。",
     "旧平良市の港から船で出て、海の清掃と水質調査を行った。", "131202", ["472140"], ["D-3", "F-1"], ["環境", "教育"], "2023-08-20"),
    ("case_study", "天草の移住フェアを区役所で開催", "区役所のロビーで天草の移住フェアを開き、仕事と住まいの相談を受けた。",
     "旧本渡市の市街地の空き店舗を使った起業支援も紹介した。", "131156", ["432156"], ["A-1"], ["移住"], "2024-01-28"),
    ("case_study", "四万十川の清流でカヌー体験", "区の子ども会が夏休みに川のカヌー体験に参加した。",
     "旧中村市の市街地に宿泊し、地元の子どもたちとも交流した。", "131075", ["392103"], ["D-3"], ["スポーツ", "観光"], "2022-07-30"),
    ("case_study", "日光の社寺と区の文化財保存の交流", "文化財の保存修理を担う職人と、区の文化財担当が意見交換した。",
     "旧今市市の杉並木の保全活動にも区民ボランティアが参加した。", "131067", ["092061"], ["A-4"], ["文化"], "2023-06-06"),
    ("case_study", "ふるさと納税の返礼品で区内の商店街と連携", "町のふるさと納税の返礼品に、区内の商店街の加工品を加えた。",
     "町の農産物を区内の菓子店が加工し、返礼品として出品している。", "131181", ["102121"], ["A-4"], ["産業", "食"], "2024-09-30"),
    ("case_study", "地域おこし協力隊のOBが区内で特産品を販売", "協力隊の任期を終えた隊員が、区内のマルシェで町の特産品を販売している。",
     "区は出店場所を紹介し、町は出荷の物流費を補助した。", "131202", ["062031"], ["A-4"], ["地域おこし", "食"], "2023-03-15"),
    ("case_study", "ワーケーションでつながる企業と村", "区内企業の社員が村でワーケーションを行い、村の課題解決に取り組んだ。",
     "村の観光協会が宿泊とコワーキングスペースを用意した。", "131032", ["202177"], ["E-1"], ["DX", "観光"], "2024-04-20"),
    ("case_study", "インバウンドの観光案内を共同で多言語化", "訪日外国人向けの観光案内を両自治体で共同制作した。",
     "英語・中国語・韓国語の観光マップを作り、区の観光案内所で配布している。", "131016", ["212032"], ["A-4"], ["観光"], "2023-02-14"),
    ("case_study", "メモリアルイベントで被災地を応援", "震災の記憶を伝えるメモリアルイベントを区内で開いた。",
     "被災地の高校生が語り部として登壇し、区民と意見交換した。", "131091", ["042021"], ["B-5"], ["防災", "教育"], "2022-03-11"),
]


def _load_munis() -> dict[str, dict]:
    with MUNICIPALITIES.open(encoding="utf-8") as f:
        return {r["code"]: r for r in csv.DictReader(f)}


def _labels() -> dict[str, str]:
    data = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    return {c["code"]: c["label"] for c in data["partnership_categories"]}


def _doc(i, ext, kind, title, summary, body, extra, owner, partners, cats, fields, status,
         visibility, published, munis, labels) -> dict | None:
    if owner not in munis or any(p not in munis for p in partners):
        return None
    o = munis[owner]
    ps = [munis[p] for p in partners]
    return {
        "id": i, "external_id": ext, "kind": kind, "title": title, "summary": summary,
        "body": body, "extra_text": extra, "municipality_code": owner,
        "municipality_name": o["name"], "municipality_kana": o["kana"],
        "prefecture": o["prefecture"], "region": REGION_OF[o["prefecture"]],
        "partner_codes": partners, "partner_names": [p["name"] for p in ps],
        "partner_prefectures": [p["prefecture"] for p in ps],
        "partner_regions": [REGION_OF[p["prefecture"]] for p in ps],
        "categories": cats, "category_labels": [labels.get(c, "") for c in cats],
        "fields": fields, "status": status, "visibility": visibility, "request_status": None,
        "published_at": published, "updated_at": published,
    }


def build() -> list[dict]:
    munis, labels = _load_munis(), _labels()
    docs: list[dict] = []
    for path in [DEMO, *EXTRA]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            if d.get("status") == "draft":
                continue
            details = d.get("details") or {}
            extra = "\n".join(str(v) for v in details.values() if isinstance(v, str) and v)
            doc = _doc(len(docs) + 1, d["external_id"], d["kind"], d["title"], d.get("summary") or "",
                       d.get("body") or "", extra, d["municipality"], d.get("partners") or [],
                       d.get("categories") or [], d.get("fields") or [], d.get("status", "published"),
                       d.get("visibility", "public"), d.get("published_at") or "2024-01-01",
                       munis, labels)
            if doc:
                if d["kind"] == "partnership_request":
                    doc["request_status"] = details.get("request_status") or "open"
                docs.append(doc)
    for n, (kind, title, summary, body, owner, partners, cats, fields, pub) in enumerate(HANDMADE, 1):
        doc = _doc(len(docs) + 1, f"bench-{n:03d}", kind, title, summary, body, "", owner,
                   partners, cats, fields, "published", "public", pub, munis, labels)
        if doc:
            docs.append(doc)
    for s in generate(120, seed=7):
        s = dict(s, id=len(docs) + 1, external_id=f"synth-{s['id']:03d}",
                 status="published", visibility="public",
                 published_at=s["published_at"].date().isoformat())
        s["updated_at"] = s["published_at"]
        docs.append(s)
    return docs


def load(path: Path = OUT) -> list[dict]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        for k in ("published_at", "updated_at"):
            if d.get(k):
                d[k] = datetime.fromisoformat(d[k])
        docs.append(d)
    return docs


def main() -> None:
    docs = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"wrote {len(docs)} postings to {OUT}")


if __name__ == "__main__":
    main()
