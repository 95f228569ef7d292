"""Finding a municipality from what a person typed: a code, a name (with or without its
prefecture), a reading in kana, or a part of the name. The one lookup behind every picker
(forms, follows, the staff pages)."""

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.extensions import db
from app.models import Municipality


def label(m: Municipality) -> str:
    """How a municipality is offered and shown in a picker: name, prefecture and code."""
    if m.kind == "prefecture":
        return f"{m.name}（{m.code}）"
    return f"{m.name}（{m.prefecture}・{m.code}）"


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def find(text: str, choices=None, limit: int = 11) -> list[Municipality]:
    """Municipalities matching what a person typed: a 6-digit code (also inside a suggestion
    such as 新宿区（東京都・131041）), an exact name, prefecture + name or reading, else a part
    of the name or the start of its reading. `choices` is the SELECT to search within."""
    stmt = choices if choices is not None else select(Municipality).order_by(Municipality.code)
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return []
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", text)
    if code:
        return list(db.session.scalars(stmt.where(Municipality.code == code.group(1)).limit(limit)))
    compact = re.sub(r"\s+", "", text)
    kana = _katakana(compact)
    exact = list(db.session.scalars(stmt.where(or_(
        Municipality.name == compact,
        Municipality.prefecture + Municipality.name == compact,
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
    raise ValueError(_("「%(text)s」に当てはまる自治体が複数あります。団体コードで選んでください: "
                       "%(candidates)s", text=text, candidates=shown))
