"""Posting forms: the common fields, plus one subclass per kind for its own fields."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.extensions import db
from app.models import REGIONS, Category, Municipality
from app.models.geo import NATIONWIDE
from app.models.postings import (
    DIRECTIONS,
    MAX_CAPACITY_PEOPLE,
    OFFER_TYPES,
    PARTNER_TYPES,
    REQUEST_STATUSES,
    STATUSES,
    VISIBILITIES,
)

REQUIRED = "入力してください。"
SPLIT = re.compile(r"[、,，\s]+")


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        # WTForms' own message is English only (its catalogue lacks this one).
        kwargs.setdefault("invalid_choice_message", _l("選択肢にない値があります: %(value)s"))
        super().__init__(*args, **kwargs)


def officer_id(value) -> int:
    """The officer menu's value; empty (or blank) is 0, "a new officer, entered below"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    return int(value)


def split_list(text: str | None) -> list[str]:
    return [part for part in SPLIT.split(text or "") if part]


def resolve_municipalities(text: str | None) -> tuple[list[Municipality], list[str]]:
    """Codes or names ("輪島市", "東京都府中市") to municipalities; returns (found, problems)."""
    found, problems = [], []
    for token in split_list(text):
        if token.isdigit():
            muni = db.session.scalar(select(Municipality).where(Municipality.code == token.zfill(6)))
            matches = [muni] if muni else []
        else:
            matches = db.session.scalars(select(Municipality).where(Municipality.name == token)).all()
            if not matches:
                for pref in {m for ms in REGIONS.values() for m in ms}:
                    if token.startswith(pref) and len(token) > len(pref):
                        matches = db.session.scalars(
                            select(Municipality).where(
                                Municipality.prefecture == pref, Municipality.name == token[len(pref):]
                            )
                        ).all()
                        break
        if len(matches) == 1:
            found.append(matches[0])
        elif not matches:
            problems.append(f"「{token}」という自治体が見つかりません")
        else:
            prefs = "、".join(m.prefecture + m.name for m in matches)
            problems.append(f"「{token}」は複数あります。都道府県名を付けてください（{prefs}）")
    return found, problems


class PostingForm(FlaskForm):
    title = StringField("タイトル", validators=[DataRequired(REQUIRED), Length(max=200)])
    summary = TextAreaField("概要（一覧に表示する1〜2文）", validators=[DataRequired(REQUIRED), Length(max=2000)])
    body = TextAreaField("本文（Markdown が使えます）", validators=[Optional(), Length(max=50000)])
    categories = CheckboxListField("カテゴリ（調査の分類）", validators=[DataRequired("1つ以上選んでください。")])
    fields = StringField("分野タグ（読点・カンマ区切り: 防災、観光）", validators=[Optional(), Length(max=300)])
    partners = StringField("連携先の自治体（団体コードまたは名称、読点区切り）", validators=[Optional(), Length(max=1000)])
    municipality = StringField("投稿する自治体（団体コード）", validators=[Optional(), Regexp(r"^\d{6}$", message="6桁の団体コードで入力してください。")])
    # No Optional(): an empty choice must still reach validate_officer below.
    officer = SelectField("担当者", coerce=officer_id)
    contact_name = StringField("新しい担当者の氏名", validators=[Optional(), Length(max=100)])
    contact_department = StringField("所属（部署）", validators=[Optional(), Length(max=120)])
    contact_title = StringField("役職", validators=[Optional(), Length(max=60)])
    contact_email = StringField("メールアドレス（公開されません）", validators=[Optional(), Email("メールアドレスの形式が正しくありません。"), Length(max=254)])
    contact_phone = StringField("電話番号（公開されません）", validators=[Optional(), Length(max=40)])
    status = SelectField("公開状態", choices=list(STATUSES.items()), default="draft")
    visibility = SelectField("公開範囲", choices=list(VISIBILITIES.items()), default="public")
    image_url = URLField("写真・イラストのURL（任意）", validators=[Optional(), URL(message="URLの形式が正しくありません。"), Length(max=500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = [
            (c.code, f"{c.code} {c.label}")
            for c in db.session.scalars(select(Category).order_by(Category.position))
        ]
        self.partner_list: list[Municipality] = []

    def validate_partners(self, field):
        self.partner_list, problems = resolve_municipalities(field.data)
        if problems:
            raise ValidationError("／".join(problems))

    def validate_officer(self, field):
        if not field.data and not ((self.contact_name.data or "").strip()
                                   and (self.contact_email.data or "").strip()):
            raise ValidationError("担当者を選ぶか、新しい担当者の氏名とメールアドレスを入力してください。")

    def detail_data(self) -> dict:
        return {}


def _region_choices():
    return [(r, r) for r in REGIONS]


def _coverage_choices():
    return [(NATIONWIDE, "全国（地域を限らない）"), *_region_choices()]


class CaseStudyForm(PostingForm):
    period_start = StringField("開始年月（例: 2024-04）", validators=[Optional(), Regexp(r"^\d{4}-\d{2}$", message="年月は 2024-04 の形で入力してください。")])
    period_end = StringField("終了年月（継続中は空欄）", validators=[Optional(), Regexp(r"^\d{4}-\d{2}$", message="年月は 2024-04 の形で入力してください。")])
    activities = TextAreaField("取り組んだこと", validators=[DataRequired(REQUIRED), Length(max=10000)])
    outcomes = TextAreaField("成果", validators=[Optional(), Length(max=10000)])
    challenges = TextAreaField("課題・今後", validators=[Optional(), Length(max=10000)])

    def detail_data(self):
        return {
            "period_start": self.period_start.data or None,
            "period_end": self.period_end.data or None,
            "activities": self.activities.data or "",
            "outcomes": self.outcomes.data or "",
            "challenges": self.challenges.data or "",
        }


class PartnershipRequestForm(PostingForm):
    sought = TextAreaField("求めていること", validators=[DataRequired(REQUIRED), Length(max=10000)])
    partner_type = SelectField("希望する相手", choices=list(PARTNER_TYPES.items()), default="any")
    wished_regions = CheckboxListField("希望地域", choices=_region_choices(), validators=[Optional()])
    deadline = DateField("締切", validators=[Optional()])
    request_status = SelectField("募集状況", choices=list(REQUEST_STATUSES.items()), default="open")

    def detail_data(self):
        return {
            "sought": self.sought.data,
            "partner_type": self.partner_type.data,
            "wished_regions": self.wished_regions.data or [],
            "deadline": self.deadline.data,
            "request_status": self.request_status.data,
        }


class DisasterOfferForm(PostingForm):
    offer_types = CheckboxListField("協力の種類", choices=list(OFFER_TYPES.items()), validators=[DataRequired("1つ以上選んでください。")])
    capacity = TextAreaField("規模（人数・数量など）", validators=[Optional(), Length(max=2000)])
    capacity_people = IntegerField("受け入れられる人数（避難者・疎開の場合、任意）", validators=[Optional(), NumberRange(1, MAX_CAPACITY_PEOPLE, f"1〜{MAX_CAPACITY_PEOPLE:,}の数で入力してください。")])
    regions_covered = CheckboxListField("対象地域（「全国」を選ぶと地域を限りません）", choices=_coverage_choices(), validators=[Optional()])
    conditions = TextAreaField("条件", validators=[Optional(), Length(max=5000)])
    valid_until = DateField("有効期限", validators=[Optional()])

    def detail_data(self):
        return {
            "offer_types": self.offer_types.data,
            "capacity": self.capacity.data or "",
            "capacity_people": self.capacity_people.data,
            "regions_covered": self.regions_covered.data or [],
            "conditions": self.conditions.data or "",
            "valid_until": self.valid_until.data,
        }


class StaffExchangeForm(PostingForm):
    direction = SelectField("派遣・受入", choices=list(DIRECTIONS.items()), default="dispatch")
    work_field = StringField("業務分野", validators=[DataRequired(REQUIRED), Length(max=200)])
    headcount = IntegerField("人数", default=1, validators=[InputRequired("人数を入力してください。"), NumberRange(1, 100, "1〜100の数で入力してください。")])
    duration_months = IntegerField("期間（か月）", default=12, validators=[InputRequired("期間を入力してください。"), NumberRange(1, 120, "1〜120の数で入力してください。")])
    start_date = DateField("開始日", validators=[Optional()])

    def detail_data(self):
        return {
            "direction": self.direction.data,
            "work_field": self.work_field.data,
            "headcount": self.headcount.data,
            "duration_months": self.duration_months.data,
            "start_date": self.start_date.data,
        }


FORMS = {
    "case_study": CaseStudyForm,
    "partnership_request": PartnershipRequestForm,
    "disaster_offer": DisasterOfferForm,
    "staff_exchange": StaffExchangeForm,
}
