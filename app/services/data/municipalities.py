"""Finding a municipality from what a person typed: a code, a name (with or without its
prefecture, its 郡, or the prefecture in brackets), a reading in kana, or a part of the name.
The one lookup behind every picker: one municipality (`pick`: sign-up, follows, staff pages) or
a list of them (`pick_list`: a posting's partners, the partners of a partnership made)."""

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.extensions import db
from app.models import Municipality
from app.models.geo import PREFECTURES


def label(m: Municipality) -> str:
    """How a municipality is offered and shown in a picker: name, prefecture and code."""
    if m.kind == "prefecture":
        return f"{m.name}（{m.code}）"
    return f"{m.name}（{m.prefecture}・{m.code}）"


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


_BRACKETED = re.compile(r"(.+?)\((.+?)\)")  # 府中市(東京都), after NFKC made the brackets ASCII
_COUNTY = re.compile(r".+?郡(.+[町村])")  # 本吉郡南三陸町: names are stored without their 郡


def _plain_name(text: str) -> str:
    """「府中市（東京都）」→「東京都府中市」, 「宮城県本吉郡南三陸町」→「宮城県南三陸町」."""
    bracketed = _BRACKETED.fullmatch(text)
    if bracketed and bracketed.group(2) in PREFECTURES:
        text = bracketed.group(2) + bracketed.group(1)
    prefecture = next((p for p in PREFECTURES if text.startswith(p)), "")
    county = _COUNTY.fullmatch(text[len(prefecture):])
    return prefecture + county.group(1) if county else text


def find(text: str, choices=None, limit: int = 11) -> list[Municipality]:
    """Municipalities matching what a person typed: a 6-digit code (also inside a suggestion
    such as 新宿区（東京都・131041）), an exact name, prefecture + name or reading, else a part
    of the name or the start of its reading. `choices` is the SELECT to search within."""
    stmt = choices if choices is not None else select(Municipality).order_by(Municipality.code)
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return []
    if text.isdigit() and len(text) < 6:
        text = text.zfill(6)  # a code whose leading zero a spreadsheet dropped (46060 → 046060)
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", text)
    if code:
        return list(db.session.scalars(stmt.where(Municipality.code == code.group(1)).limit(limit)))
    compact = re.sub(r"\s+", "", text)
    kana = _katakana(compact)
    for name in dict.fromkeys((compact, _plain_name(compact))):
        exact = list(db.session.scalars(stmt.where(or_(
            Municipality.name == name,
            Municipality.prefecture + Municipality.name == name,
            Municipality.kana == kana,
        )).limit(limit)))
        if exact:
            return exact
    return list(db.session.scalars(stmt.where(or_(
        Municipality.name.contains(compact, autoescape=True),
        Municipality.kana.startswith(kana, autoescape=True),
    )).limit(limit)))


def pick(text: str, choices=None) -> Municipality:
    """The one municipality `text` names; ValueError (Japanese) if none, or naming the
    candidates if several."""
    found = find(text, choices)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(_("「%(text)s」に当てはまる自治体が見つかりません。自治体名か6桁の団体コードを"
                           "入力してください。", text=text))
    shown = "、".join(label(m) for m in found[:10])
    raise ValueError(_("「%(text)s」に当てはまる自治体が複数あります。都道府県名を付けるか、団体コードで"
                       "選んでください: %(candidates)s", text=text, candidates=shown))


def pick_list(words: list[str]) -> tuple[list[Municipality], list[str]]:
    """Several municipalities, one per word of a list someone typed (split on 、 , and
    spaces); a prefecture followed by a municipality of it is one (「宮城県 南三陸町」).
    Returns (found, each once, in order; problems, one message per word not understood)."""
    found: dict[int, Municipality] = {}
    problems = []
    words = list(words)
    while words:
        word = words.pop(0)
        if word in PREFECTURES and words:
            joined = find(word + words[0])
            if len(joined) == 1:
                words.pop(0)
                found.setdefault(joined[0].id, joined[0])
                continue
        try:
            municipality = pick(word)
        except ValueError as exc:
            problems.append(str(exc))
        else:
            found.setdefault(municipality.id, municipality)
    return list(found.values()), problems
