"""Documents shared by the search_index tests."""

from datetime import datetime


def make_doc(doc_id: int, title: str, summary: str = "", body: str = "", **kw) -> dict:
    doc = {
        "id": doc_id, "external_id": f"case-{doc_id:04d}", "kind": "case_study",
        "title": title, "summary": summary, "body": body, "extra_text": "",
        "municipality_code": "132012", "municipality_name": "八王子市",
        "municipality_kana": "ハチオウジシ", "prefecture": "東京都", "region": "関東",
        "partner_codes": [], "partner_names": [], "partner_prefectures": [], "partner_regions": [],
        "categories": ["A-4"], "category_labels": ["体験交流を通じた連携"], "fields": ["観光"],
        "status": "published", "visibility": "public", "request_status": None,
        "published_at": datetime(2024, 4, 1, 9, 0), "updated_at": datetime(2024, 4, 1, 9, 0),
    }
    doc.update(kw)
    return doc


WAJIMA = {
    "partner_codes": ["172049"], "partner_names": ["輪島市"],
    "partner_prefectures": ["石川県"], "partner_regions": ["中部"],
}


def corpus() -> list[dict]:
    return [
        make_doc(1, "空き家バンクを活用した移住相談会", "都内で空き家の活用と移住相談を合同開催した。",
                 "相談会では地方の**空き家**情報を紹介した。", fields=["移住"]),
        make_doc(2, "ＩＴ人材の相互派遣", "ＩＴ分野で若手職員を受け入れた。", "デジタル化の実務を学ぶ。",
                 kind="staff_exchange", fields=["DX"]),
        make_doc(3, "子育て支援の取組を共有", "両区の取組を比較した。", "保育の取り組み事例。",
                 published_at=datetime(2023, 6, 1)),
        make_doc(4, "体験学習への申込受付", "児童の体験学習の申込方法。", "申し込みは学校経由。",
                 kind="partnership_request", request_status="open"),
        make_doc(5, "コンピューター教室の共同運営", "高齢者向けのパソコン教室。", "講師を派遣。",
                 published_at=datetime(2025, 1, 10)),
        make_doc(6, "能登の被災地へ物資を送付", "令和6年能登半島地震の発災後に支援した。",
                 "給水車と職員を派遣した。", kind="disaster_offer", fields=["防災"],
                 categories=["B-5"], category_labels=["災害時の相互協力"], **WAJIMA),
        make_doc(7, "災害時相互応援協定の締結", "遠隔地の自治体と協定を結んだ。",
                 "大規模災害に備え、相互応援協定に基づく訓練を毎年行う。", fields=["防災"],
                 categories=["B-5"], category_labels=["災害時の相互協力"],
                 municipality_code="131016", municipality_name="千代田区",
                 municipality_kana="チヨダク", partner_codes=["202011"], partner_names=["長野市"],
                 partner_prefectures=["長野県"], partner_regions=["中部"]),
        make_doc(8, "職員派遣による復興支援", "技術職員を中長期で派遣した。", "土木職の派遣。",
                 kind="staff_exchange", fields=["防災"], **WAJIMA),
        make_doc(9, "相互の応援と協定の見直し", "既存の協定を見直した。",
                 "相互に職員が応援し、協定書を改定した。"),
        make_doc(10, "商店街の活性化", "商店街のにぎわいづくり。", "観光と物産展。秋に開催。"),
        make_doc(11, "農業体験ツアー", "収穫体験。", "商店街の店主も参加した活性化の取り組み。"),
        make_doc(12, "廃校を使ったサテライトオフィス", "旧校舎を改修。", "企業誘致。",
                 published_at=datetime(2022, 11, 3)),
    ]


def ids(result) -> list[int]:
    return [h.id for h in result.hits]
