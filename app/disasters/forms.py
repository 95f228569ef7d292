"""The declaration form (liaison desks and admins) and the planning form (anyone)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.models.geo import PREFECTURES
from app.models.postings import OFFER_TYPES
from app.postings.forms import CheckboxListField
from app.services.matching.disasters import MAX_PEOPLE


class DeclarationForm(FlaskForm):
    name = StringField("災害の名前（例: 宮城県沖を震源とする地震）",
                       validators=[DataRequired("災害の名前を入力してください。"), Length(max=120)])
    prefectures = CheckboxListField("被災した都道府県", choices=[(p, p) for p in PREFECTURES],
                                    validators=[DataRequired("被災した都道府県を1つ以上選んでください。")])
    needs = CheckboxListField("必要な支援", choices=list(OFFER_TYPES.items()),
                              validators=[DataRequired("必要な支援を1つ以上選んでください。")])
    people = IntegerField("移動が必要な人数（わかれば）", validators=[
        Optional(), NumberRange(1, MAX_PEOPLE, f"1〜{MAX_PEOPLE:,}の数で入力してください。")])
    starts_on = DateField("開始日", validators=[DataRequired("開始日を入力してください（例: 2027-01-15）。")])
    ends_on = DateField("終了日（未定なら空欄。手動で終了することもできます）", validators=[Optional()])
    note = TextAreaField("補足（被害の状況、連絡の方法など）", validators=[Optional(), Length(max=2000)])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("終了日は開始日と同じか、それより後の日にしてください。")


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
    need = CheckboxListField(_l("必要な支援（選ばなければすべて）"), choices=list(OFFER_TYPES.items()),
                             filters=[_without_blanks], validators=[Optional()])
    people = IntegerField(_l("移動が必要な人数（わかれば）"), validators=[
        Optional(), NumberRange(1, MAX_PEOPLE, _l("1〜%(max)sの数で入力してください。", max=f"{MAX_PEOPLE:,}"))])
