"""What a posting is about, in the structured terms matching compares: is it about disasters,
which kinds of disaster help does it ask for, which job (職種) does a staff exchange concern.

These are short vocabularies over a posting's own fields and wording, not a text-similarity
measure (that comes from the search engine): they let a reason name the shared need.
"""

import re

from app.i18n import N_, join_words, translated
from app.models.postings import OFFER_TYPES

DISASTER_CATEGORY = "B-5"  # 災害時の相互協力
_DISASTER_WORDS = re.compile(
    r"災害|防災|被災|避難|疎開|震災|地震|水害|津波|豪雨|台風|噴火|復興|受援|応援職員|帰宅困難"
)

# A place recovering from a disaster (who takes in staff there is asking for help).
_RECOVERY_WORDS = re.compile(r"復旧|復興|被災|応援職員|震災|豪雨")

# Offer types asked for, from a request's wording.
_NEED_WORDS = {
    "evacuees": re.compile(r"避難者|避難先|広域避難|避難生活|被災者の受け?入れ|二次避難"),
    "evacuation_site": re.compile(r"疎開|避難先"),
    "supplies": re.compile(r"物資|備蓄|食料|飲料水|給水|毛布|燃料"),
    "staff": re.compile(r"応援職員|職員の派遣|職員派遣|人的支援|保健師|技術職員|技師|派遣してください|派遣をお願い"),
    "funds": re.compile(r"義援金|見舞金|資金|寄附|寄付"),
}

# Jobs (職種) of staff exchanges and requests for staff: (label, pattern).
JOBS: list[tuple[str, re.Pattern]] = [
    (label, re.compile(pattern)) for label, pattern in [
        (N_("保健師"), r"保健師|健康支援|地域保健"),
        (N_("土木"), r"土木|道路|河川|上下水道|治水|災害査定"),
        (N_("建築"), r"建築|応急危険度|住家被害|公費解体"),
        (N_("罹災証明・生活再建"), r"罹災証明|生活再建|被害認定"),
        (N_("復興まちづくり"), r"復興|まちづくり|仮設住宅|災害公営住宅|集団移転"),
        (N_("防災"), r"防災|避難所|帰宅困難|危機管理"),
        (N_("DX"), r"DX|ＤＸ|デジタル|電子申請|情報システム|業務改善"),
        (N_("観光"), r"観光|インバウンド|シティプロモーション"),
        (N_("移住・定住"), r"移住|定住|地域おこし協力隊|関係人口"),
        (N_("農業"), r"農業|農産|六次産業|就農|りんご"),
        (N_("林業・森林"), r"林業|森林|木材|バイオマス"),
        (N_("水産"), r"水産|漁業|漁港"),
        (N_("福祉・介護"), r"福祉|介護|高齢者"),
        (N_("子ども・子育て"), r"子ども|子育て|児童|家庭支援|若者"),
        (N_("産業振興"), r"産業|商工|中小企業|ものづくり|スタートアップ|企業誘致|商店街|物産"),
        (N_("環境"), r"環境|脱炭素|ごみ|ゼロ・ウェイスト|再エネ"),
        (N_("文化・文化財"), r"文化|文化財|世界遺産|伝統"),
        (N_("教育"), r"教育|学校|研修の企画"),
        (N_("広報"), r"広報|情報発信"),
        (N_("企画・地方創生"), r"企画|地方創生|総合政策"),
        (N_("事務"), r"事務"),
    ]
]


def is_disaster_related(posting) -> bool:
    if any(c.code == DISASTER_CATEGORY for c in posting.categories):
        return True
    if any(t.name == "防災" for t in posting.tags):
        return True
    text = " ".join([posting.title, posting.summary, getattr(posting, "sought", "") or ""])
    return bool(_DISASTER_WORDS.search(text))


def mentions_disaster(text: str) -> bool:
    return bool(_DISASTER_WORDS.search(text or ""))


def is_recovery(posting) -> bool:
    text = " ".join([posting.title, posting.summary, getattr(posting, "work_field", "") or ""])
    return bool(_RECOVERY_WORDS.search(text))


def requested_help(posting) -> set[str]:
    """Offer types a (disaster-related) request asks for, from its wording."""
    text = " ".join([posting.title, posting.summary, getattr(posting, "sought", "") or "", posting.body[:2000]])
    return {kind for kind, pattern in _NEED_WORDS.items() if pattern.search(text)}


def jobs(text: str) -> list[str]:
    return [label for label, pattern in JOBS if pattern.search(text or "")]


def help_labels(kinds) -> str:
    return join_words(translated(OFFER_TYPES[k]) for k in OFFER_TYPES if k in set(kinds))
