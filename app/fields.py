"""Form pieces shared by several features: the plain-text validator, the honeypot, date and
number fields whose errors name the field, and a municipality picker (free text with
suggestions, resolved on the server by app/services/data/municipalities.py: works without
JavaScript)."""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import DateField, DateTimeLocalField, IntegerField, StringField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import TextInput

from app.extensions import db
from app.models import Municipality
from app.services.contact.text import looks_like_html
from app.services.data import municipalities


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


class MunicipalityInput(TextInput):
    """A text input with a <datalist> of the field's choices (browsers suggest as you type)."""

    def __call__(self, field, **kwargs):
        if not field.suggestions:
            return super().__call__(field, **kwargs)
        list_id = f"{field.id}-options"
        kwargs.setdefault("list", list_id)
        kwargs.setdefault("autocomplete", "off")
        options = "".join(f'<option value="{escape(municipalities.label(m))}"></option>'
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
        return municipalities.label(self.data) if self.data is not None else ""

    def pre_validate(self, form):
        if not self.raw:
            return  # DataRequired (or Optional) decides
        try:
            self.data = municipalities.pick(self.raw, self._choices())
        except ValueError as exc:
            raise StopValidation(str(exc)) from None
