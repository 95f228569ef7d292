"""Municipalities (総務省 全国地方公共団体コード) and the regions derived from prefectures."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.i18n import N_

REGIONS: dict[str, list[str]] = {
    N_("北海道"): ["北海道"],
    N_("東北"): ["青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"],
    N_("関東"): ["茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県"],
    N_("中部"): ["新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県"],
    N_("近畿"): ["三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県"],
    N_("中国"): ["鳥取県", "島根県", "岡山県", "広島県", "山口県"],
    N_("四国"): ["徳島県", "香川県", "愛媛県", "高知県"],
    N_("九州・沖縄"): ["福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"],
}
# A disaster offer may cover the whole country instead of listed regions.
NATIONWIDE = "全国"
_PREFECTURE_REGION = {pref: region for region, prefs in REGIONS.items() for pref in prefs}
# Prefectures in official code order (01 北海道 … 47 沖縄県).
PREFECTURES: list[str] = [p for prefs in REGIONS.values() for p in prefs]

KIND_LABELS = {
    "prefecture": N_("都道府県"),
    "designated_city": N_("政令指定都市"),
    "city": N_("市"),
    "special_ward": N_("特別区"),
    "ward": N_("行政区"),
    "town": N_("町"),
    "village": N_("村"),
}


def region_for_prefecture(prefecture: str) -> str:
    return _PREFECTURE_REGION[prefecture]


def normalize_coverage(values) -> list[str]:
    """Regions an offer covers, in the country's order; 「全国」 alone stands for all of them."""
    chosen = set(values or [])
    if NATIONWIDE in chosen:
        return [NATIONWIDE]
    return [region for region in REGIONS if region in chosen]


def covers(regions_covered, region: str) -> bool:
    """Does an offer with this coverage reach `region`? (No regions listed: nationwide, as the
    posting page says.)"""
    return not regions_covered or NATIONWIDE in regions_covered or region in regions_covered


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    prefecture: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    kana: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    region: Mapped[str] = mapped_column(String(8), index=True)

    @property
    def is_special_ward(self) -> bool:
        return self.kind == "special_ward"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def display_name(self) -> str:
        """Name with its prefecture, unless the name already is the prefecture."""
        if self.kind == "prefecture" or self.kind == "special_ward":
            return self.name
        return f"{self.prefecture} {self.name}"

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name}>"
