"""Form validators whose messages name the field and the limit, in the visitor's language
(fields with such messages are in app/fields.py).

WTForms' own messages are generic (「フィールドは 200 文字を超えることはできません」「無効な日付型です」);
an official filling in a long form needs to know which field and what to do.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    StopValidation,
    ValidationError,
)


class Required(DataRequired):
    """DataRequired that stays quiet when the value could not be read: the field has already
    said why (「開始日時は 2027-01-15 10:00 のような日時で…」), 「…を入力してください」 would be wrong."""

    def __call__(self, form, field):
        if field.process_errors:
            raise StopValidation()
        super().__call__(form, field)


def required(name, choose: bool = False) -> DataRequired:
    """「タイトルを入力してください。」 (or 「…を選んでください。」 for choices)."""
    if choose:
        return Required(_l("%(name)sを1つ以上選んでください。", name=name))
    return Required(_l("%(name)sを入力してください。", name=name))


class MaxLength(Length):
    """Length(max=…) that says which field, the limit and how long the text is now."""

    def __init__(self, name, max: int):  # noqa: A002 (WTForms' own argument name)
        super().__init__(max=max)
        self.name = name

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.max:
            raise ValidationError(_("%(name)sは%(max)s文字以内で入力してください（いま%(length)s文字）。",
                               name=self.name, max=self.max, length=length))


class Between(NumberRange):
    def __init__(self, name, low: int, high: int, unit: str = ""):
        super().__init__(min=low, max=high)
        self.name, self.unit = name, unit

    def __call__(self, form, field):
        if field.data is not None and not self.min <= field.data <= self.max:
            raise ValidationError(_("%(name)sは%(low)s〜%(high)s%(unit)sの数で入力してください。",
                               name=self.name, low=self.min, high=self.max, unit=self.unit))


def number_required(name) -> InputRequired:
    return InputRequired(_l("%(name)sを数字で入力してください。", name=name))
