"""The declaration form (liaison desks and admins) and the planning form (anyone)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from app.fields import DayField
from app.i18n import translated
from app.models.geo import PREFECTURES
from app.models.postings import OFFER_TYPES
from app.postings.forms import CheckboxListField
from app.services.matching.disasters import MAX_PEOPLE
from app.validators import MaxLength, Required

PEOPLE_LIMIT = f"{MAX_PEOPLE:,}"  # 「1〜10,000」


class DeclarationForm(FlaskForm):
    name = StringField(_l("災害の名前（例: 宮城県沖を震源とする地震）"), validators=[
        DataRequired(_l("災害の名前を入力してください。")), MaxLength(_l("災害の名前"), 120)])
    prefectures = CheckboxListField(_l("被災した都道府県"), choices=[(p, p) for p in PREFECTURES],
                                    validators=[DataRequired(_l("被災した都道府県を1つ以上選んでください。"))])
    needs = CheckboxListField(_l("必要な支援"),
                              validators=[DataRequired(_l("必要な支援を1つ以上選んでください。"))])
    people = IntegerField(_l("移動が必要な人数（わかれば）"), validators=[
        Optional(), NumberRange(1, MAX_PEOPLE, _l("1〜%(max)sの数で入力してください。", max=PEOPLE_LIMIT))])
    starts_on = DayField(_l("開始日"), validators=[Required(_l("開始日を入力してください（例: 2027-01-15）。"))])
    ends_on = DayField(_l("終了日（未定なら空欄。手動で終了することもできます）"), short=_l("終了日"), validators=[Optional()])
    note = TextAreaField(_l("補足（被害の状況、連絡の方法など）"), validators=[
        Optional(), MaxLength(_l("補足"), 2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs.choices = [(value, translated(label)) for value, label in OFFER_TYPES.items()]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("終了日は開始日と同じか、それより後の日にしてください。"))


def _without_blanks(values):
    return [v for v in values if v] if values else values


class PlanForm(FlaskForm):
    """Offers for an assumed disaster, without declaring one (planning in peacetime); the same
    parameters as GET /api/v1/disaster-offers."""

    class Meta:
        csrf = False  # a GET search that changes nothing

    prefecture = CheckboxListField(_l("被災を想定する都道府県"), choices=[(p, p) for p in PREFECTURES],
                                   filters=[_without_blanks],
                                   validators=[DataRequired(_l("都道府県を1つ以上選んでください。"))])
    need = CheckboxListField(_l("必要な支援（選ばなければすべて）"), filters=[_without_blanks], validators=[Optional()])
    people = IntegerField(_l("移動が必要な人数（わかれば）"), validators=[
        Optional(), NumberRange(1, MAX_PEOPLE, _l("1〜%(max)sの数で入力してください。", max=PEOPLE_LIMIT))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.need.choices = [(value, translated(label)) for value, label in OFFER_TYPES.items()]
