"""Form pieces shared by several features: the plain-text validator, the honeypot, date and
number fields whose errors name the field, and a municipality picker (free text with
suggestions, resolved on the server: works without JavaScript)."""

import re
import unicodedata
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import or_, select
from wtforms import DateField, DateTimeLocalField, IntegerField, StringField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import TextInput

from app.extensions import db
from app.models import Municipality
from app.services.contact.text import looks_like_html


def plain_text(form, field):
    if looks_like_html(field.data or ""):
        raise ValidationError(_("HTMLタグは使えません。プレーンテキストで入力してください。"))


class Honeypot:
    """Mixin for public forms: a field hidden from people (partials/honeypot.html), which
    form-spamming bots fill in. A filled one fails validation with a neutral message."""

    website = StringField(_l("ウェブサイト（入力しないでください）"))

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_("送信できませんでした。入力内容を確認してください。"))


# --- dates and numbers ------------------------------------------------------------------


class _Named:
    """`short=` names the field in messages when its label is long (「人数（…）」→「人数」)."""

    def __init__(self, *args, short=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.short = short

    @property
    def message_name(self) -> str:
        return str(self.short or self.label.text)


class DayField(_Named, DateField):
    """A date field whose parse error names the field and shows the expected form
    (WTForms' own says only 「無効な日付型です」)."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = date.fromisoformat(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_("%(name)sは 2026-03-31 のような日付で入力してください。",
                               name=self.message_name)) from None


class DayTimeField(_Named, DateTimeLocalField):
    """A date-and-time field (<input type=datetime-local>) whose parse error names the field."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = datetime.fromisoformat(valuelist[0].strip()).replace(second=0, microsecond=0)
        except ValueError:
            self.data = None
            raise ValueError(_("%(name)sは 2027-01-15 10:00 のような日時で入力してください。",
                               name=self.message_name)) from None
        if self.data.tzinfo is not None:  # the form's times are wall-clock times in Japan
            self.data = self.data.replace(tzinfo=None)


class NumberField(_Named, IntegerField):
    """An integer field whose parse error names the field (全角 digits are accepted)."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_("%(name)sは数字で入力してください。", name=self.message_name)) from None


# --- municipality picker ----------------------------------------------------------------


def municipality_label(m: Municipality) -> str:
    """How a municipality is offered and shown in the picker: name, prefecture and code."""
    if m.kind == "prefecture":
        return f"{m.name}（{m.code}）"
    return f"{m.name}（{m.prefecture}・{m.code}）"


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def find_municipalities(text: str, choices=None, limit: int = 11) -> list[Municipality]:
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


def pick_municipality(text: str, choices=None) -> Municipality:
    """The one municipality `text` names; ValueError (Japanese) if none, or naming the
    candidates if several."""
    found = find_municipalities(text, choices)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(_("「%(text)s」に当てはまる自治体が見つかりません。自治体名か6桁の団体コードを"
                           "入力してください。", text=text))
    shown = "、".join(municipality_label(m) for m in found[:10])
    raise ValueError(_("「%(text)s」に当てはまる自治体が複数あります。団体コードで選んでください: "
                       "%(candidates)s", text=text, candidates=shown))


class MunicipalityInput(TextInput):
    """A text input with a <datalist> of the field's choices (browsers suggest as you type)."""

    def __call__(self, field, **kwargs):
        if not field.suggestions:
            return super().__call__(field, **kwargs)
        list_id = f"{field.id}-options"
        kwargs.setdefault("list", list_id)
        kwargs.setdefault("autocomplete", "off")
        options = "".join(f'<option value="{escape(municipality_label(m))}"></option>'
                          for m in field.suggestion_rows())
        return Markup(f'{super().__call__(field, **kwargs)}<datalist id="{list_id}">{options}</datalist>')


class MunicipalityField(StringField):
    """Pick a municipality by name, reading or code. `data` is a Municipality (or None).

    choices: a callable returning the SELECT of municipalities that may be chosen (default:
    all); suggestions: offer them in a <datalist> (keep it to lists of a few thousand).
    An unknown or ambiguous entry fails validation with the candidates named.
    """

    widget = MunicipalityInput()

    def __init__(self, label=None, validators=None, choices=None, suggestions=True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choices = choices
        self.suggestions = suggestions
        self.raw = ""

    def _choices(self):
        return self.choices() if self.choices is not None else None

    def suggestion_rows(self) -> list[Municipality]:
        stmt = self._choices()
        if stmt is None:
            stmt = select(Municipality).order_by(Municipality.code)
        return list(db.session.scalars(stmt.limit(3000)))

    def process_data(self, value):
        self.data = value if isinstance(value, Municipality) else None

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()[:100]
        self.data = None

    def _value(self) -> str:
        if self.raw:
            return self.raw
        return municipality_label(self.data) if self.data is not None else ""

    def pre_validate(self, form):
        if not self.raw:
            return  # DataRequired (or Optional) decides
        try:
            self.data = pick_municipality(self.raw, self._choices())
        except ValueError as exc:
            raise StopValidation(str(exc)) from None
