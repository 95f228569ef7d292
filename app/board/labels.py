"""Interface names on the board, translatable (the models keep the Japanese data labels)."""

from flask_babel import lazy_gettext as _l

KIND_NAMES = {"question": _l("質問"), "challenge": _l("課題の共有")}
STATUS_NAMES = {"open": _l("受付中"), "solved": _l("解決済み")}
MARK_NAMES = {"helpful": _l("参考になった"), "solution": _l("解決")}
REPORT_REASON_NAMES = {
    "inappropriate": _l("不適切な内容"),
    "personal": _l("個人情報が含まれている"),
    "advert": _l("宣伝・勧誘"),
    "off_topic": _l("掲示板の目的に合わない"),
    "other": _l("その他"),
}
