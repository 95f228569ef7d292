"""Posting forms: the common fields, plus one subclass per kind for its own fields."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, URLField
from wtforms.validators import URL, Email, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.extensions import db
from app.fields import DayField, NumberField
from app.i18n import category_label, translated
from app.models import REGIONS, Category, Municipality
from app.models.geo import NATIONWIDE
from app.models.kinds import (
    CASE_STUDY,
    DIRECTIONS,
    DISASTER_OFFER,
    OFFER_TYPES,
    PARTNER_TYPES,
    PARTNERSHIP_REQUEST,
    REQUEST_STATUSES,
    STAFF_EXCHANGE,
)
from app.models.postings import STATUSES, VISIBILITIES
from app.services.data import municipalities
from app.services.postings import dates
from app.validators import Between, MaxLength, number_required, required

SPLIT = re.compile(r"[、,，\s]+")


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        # WTForms' own message is English only (its catalogue lacks this one).
        kwargs.setdefault("invalid_choice_message", _l("選択肢にない値があります: %(value)s"))
        super().__init__(*args, **kwargs)


def split_list(text: str | None) -> list[str]:
    return [part for part in SPLIT.split(text or "") if part]


MONTH = r"^\d{4}-\d{2}$"


def _month_format(name):
    return Regexp(MONTH, message=_l("%(name)sは 2024-04 のような年月で入力してください。", name=name))


def _choices(labels: dict) -> list[tuple[str, str]]:
    """Choices shown in the visitor's language (evaluated per form, per request)."""
    return [(value, translated(label)) for value, label in labels.items()]


def officer_id(value) -> int:
    """The officer menu's value; empty (or blank) is 0, "a new officer, entered below"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    return int(value)


class PostingForm(FlaskForm):
    """Fields in the groups the page shows: 基本, 内容, (the kind's own), 担当者, 公開範囲."""

    # 基本
    title = StringField(_l("タイトル"), validators=[required(_l("タイトル")), MaxLength(_l("タイトル"), 200)],
                        description=_l("一覧と検索結果に出る見出しです。何の連携かが分かる言葉を入れてください。"))
    summary = TextAreaField(_l("概要（一覧に表示する1〜2文）"),
                            validators=[required(_l("概要")), MaxLength(_l("概要"), 2000)])
    municipality = StringField(_l("投稿する自治体（団体コード）"), validators=[
        Optional(), Regexp(r"^\d{6}$", message=_l("投稿する自治体は6桁の団体コードで入力してください。"))])
    categories = CheckboxListField(_l("カテゴリ（調査の分類）"), validators=[required(_l("カテゴリ"), choose=True)],
                                   description=_l("当てはまるものをすべて選んでください。"))
    fields = StringField(_l("分野タグ"), validators=[Optional(), MaxLength(_l("分野タグ"), 300)],
                         description=_l("読点かカンマで区切ります（例: 防災、観光）。"))
    partners = StringField(_l("連携先の自治体"), validators=[Optional(), MaxLength(_l("連携先の自治体"), 1000)],
                           description=_l("団体コードか名称を読点で区切って入力します（例: 輪島市、172049）。同じ名前の市町村がある場合は都道府県名から（例: 東京都府中市）。"))
    # 内容
    body = TextAreaField(_l("本文"), validators=[Optional(), MaxLength(_l("本文"), 50000)],
                         description=_l("Markdown が使えます（見出しは ## 、箇条書きは - ）。"))
    image_url = URLField(_l("写真・イラストのURL（任意）"), validators=[
        Optional(), URL(message=_l("写真・イラストのURLは https:// で始まる形で入力してください。")),
        MaxLength(_l("写真・イラストのURL"), 500)])
    # 担当者
    # No Optional(): an empty choice must still reach validate_officer below.
    officer = SelectField(_l("担当者"), coerce=officer_id,
                          description=_l("問い合わせを受ける人です。一覧にいない人のときは「新しい担当者を下に入力」を選び、下の「一覧にいない場合: 新しい担当者」を開いて入力します。"))
    contact_name = StringField(_l("新しい担当者の氏名"), validators=[Optional(), MaxLength(_l("氏名"), 100)])
    contact_department = StringField(_l("所属（部署）"), validators=[Optional(), MaxLength(_l("所属（部署）"), 120)])
    contact_title = StringField(_l("役職"), validators=[Optional(), MaxLength(_l("役職"), 60)])
    contact_email = StringField(_l("メールアドレス（公開されません）"), validators=[
        Optional(), Email(_l("担当者のメールアドレスの形式が正しくありません（例: tanaka@city.example.lg.jp）。")),
        MaxLength(_l("メールアドレス"), 254)])
    contact_phone = StringField(_l("電話番号（公開されません）"), validators=[Optional(), MaxLength(_l("電話番号"), 40)])
    # 公開範囲
    status = SelectField(_l("公開状態"), default="draft",
                         description=_l("「下書き」は自分の自治体の職員だけが見られます。"))
    visibility = SelectField(_l("公開範囲"), default="public",
                             description=_l("「自治体職員のみ」にすると、ログインした職員だけが読めます。"))

    BASIC = ("title", "summary", "municipality", "categories", "fields", "partners")
    CONTENT = ("body", "image_url")
    CONTACT = ("officer", "contact_name", "contact_department", "contact_title", "contact_email",
               "contact_phone")
    PUBLISHING = ("status", "visibility")
    # The kind, and what its own fieldset says before its fields (set by each subclass).
    kind = ""
    intro = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = [
            (c.code, f"{c.code} {category_label(c.code, c.label)}")
            for c in db.session.scalars(select(Category).order_by(Category.position))
        ]
        self.status.choices = _choices(STATUSES)
        self.visibility.choices = _choices(VISIBILITIES)
        self.partner_list: list[Municipality] = []
        # The day date windows start from (the view sets the edited posting's own).
        self.reference_date = dates.reference_date()

    def kind_fields(self) -> list:
        """The kind's own fields, in the order they are declared."""
        common = {"csrf_token", *self.BASIC, *self.CONTENT, *self.CONTACT, *self.PUBLISHING}
        return [f for f in self if f.name not in common]

    def validate_partners(self, field):
        self.partner_list, problems = municipalities.pick_list(split_list(field.data))
        if problems:
            raise ValidationError("／".join(problems))

    def validate_officer(self, field):
        if not field.data and not ((self.contact_name.data or "").strip()
                                   and (self.contact_email.data or "").strip()):
            raise ValidationError(_l("担当者を選ぶか、新しい担当者の氏名とメールアドレスを入力してください。"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        kind_dates = {name: getattr(self, name).data for name in self._date_fields()}
        for name, message in dates.problems(self.kind, kind_dates, self.reference_date).items():
            field = getattr(self, name)
            if not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def _date_fields(self) -> list[str]:
        names = ("deadline", "valid_until", "start_date", "period_start", "period_end")
        return [n for n in names if hasattr(self, n) and not getattr(self, n).errors]

    def detail_data(self) -> dict:
        return {}


def _region_choices():
    return [(r, translated(r)) for r in REGIONS]


def _coverage_choices():
    return [(NATIONWIDE, _("全国（地域を限らない）")), *_region_choices()]


class CaseStudyForm(PostingForm):
    kind = CASE_STUDY.key
    intro = _l("実際に行った交流の記録です。いつから、何をして、どうなったかを書くと、ほかの自治体の参考になります。")
    period_start = StringField(_l("開始年月"), validators=[Optional(), _month_format(_l("開始年月"))],
                               description=_l("例: 2024-04"))
    period_end = StringField(_l("終了年月"), validators=[Optional(), _month_format(_l("終了年月"))],
                             description=_l("続いている場合は空欄にします。"))
    activities = TextAreaField(_l("取り組んだこと"), validators=[
        required(_l("取り組んだこと")), MaxLength(_l("取り組んだこと"), 10000)])
    outcomes = TextAreaField(_l("成果"), validators=[Optional(), MaxLength(_l("成果"), 10000)],
                             description=_l("数字があれば入れてください（参加者数、売上など）。"))
    challenges = TextAreaField(_l("課題・今後"), validators=[Optional(), MaxLength(_l("課題・今後"), 10000)])

    def detail_data(self):
        return {
            "period_start": self.period_start.data or None,
            "period_end": self.period_end.data or None,
            "activities": self.activities.data or "",
            "outcomes": self.outcomes.data or "",
            "challenges": self.challenges.data or "",
        }


class PartnershipRequestForm(PostingForm):
    kind = PARTNERSHIP_REQUEST.key
    intro = _l("連携の相手を探す募集です。求めていることと、希望する相手・地域を書いてください。締切は投稿の作成日から10年先までの日付です。")
    sought = TextAreaField(_l("求めていること"), validators=[
        required(_l("求めていること")), MaxLength(_l("求めていること"), 10000)],
                           description=_l("どんな相手と、何を一緒にしたいか。"))
    partner_type = SelectField(_l("希望する相手"), default="any")
    wished_regions = CheckboxListField(_l("希望地域"), validators=[Optional()],
                                       description=_l("選ばなければ「指定なし」になります。"))
    deadline = DayField(_l("締切"), validators=[Optional()], description=_l("例: 2027-03-31（空欄なら締切なし）"))
    request_status = SelectField(_l("募集状況"), default="open")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_type.choices = _choices(PARTNER_TYPES)
        self.wished_regions.choices = _region_choices()
        self.request_status.choices = _choices(REQUEST_STATUSES)

    def detail_data(self):
        return {
            "sought": self.sought.data,
            "partner_type": self.partner_type.data,
            "wished_regions": self.wished_regions.data or [],
            "deadline": self.deadline.data,
            "request_status": self.request_status.data,
        }


class DisasterOfferForm(PostingForm):
    kind = DISASTER_OFFER.key
    intro = _l("災害のときに提供できる協力です。協力の種類、規模、対象地域、条件を書いてください。")
    offer_types = CheckboxListField(_l("協力の種類"), validators=[required(_l("協力の種類"), choose=True)])
    capacity = TextAreaField(_l("規模（人数・数量など）"), validators=[Optional(), MaxLength(_l("規模"), 2000)])
    capacity_people = NumberField(_l("受け入れられる人数（避難者・疎開の場合、任意）"), short=_l("受け入れられる人数"), validators=[
        Optional(), Between(_l("受け入れられる人数"), *DISASTER_OFFER.detail("capacity_people").bounds, _l("人"))],
                                  description=_l("数字があると、受け入れ先を探す自治体が人数で比べられます。"))
    regions_covered = CheckboxListField(_l("対象地域"), validators=[Optional()],
                                        description=_l("「全国」を選ぶか何も選ばなければ、地域を限りません。"))
    conditions = TextAreaField(_l("条件"), validators=[Optional(), MaxLength(_l("条件"), 5000)])
    valid_until = DayField(_l("有効期限"), validators=[Optional()],
                           description=_l("例: 2028-03-31（空欄なら定めなし）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_types.choices = _choices(OFFER_TYPES)
        self.regions_covered.choices = _coverage_choices()

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
    kind = STAFF_EXCHANGE.key
    intro = _l("職員を派遣したい、または受け入れたいという募集です。業務分野、人数、期間を書いてください。")
    direction = SelectField(_l("派遣・受入"), default="dispatch")
    work_field = StringField(_l("業務分野"), validators=[required(_l("業務分野")), MaxLength(_l("業務分野"), 200)],
                             description=_l("例: 観光振興、税務、土木"))
    headcount = NumberField(_l("人数"), default=1, validators=[
        number_required(_l("人数")), Between(_l("人数"), *STAFF_EXCHANGE.detail("headcount").bounds, _l("人"))])
    duration_months = NumberField(_l("期間（か月）"), short=_l("期間"), default=12, validators=[
        number_required(_l("期間")), Between(_l("期間"), *STAFF_EXCHANGE.detail("duration_months").bounds, _l("か月"))])
    start_date = DayField(_l("開始日"), validators=[Optional()], description=_l("例: 2027-04-01（空欄なら調整による）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.direction.choices = _choices(DIRECTIONS)

    def detail_data(self):
        return {
            "direction": self.direction.data,
            "work_field": self.work_field.data,
            "headcount": self.headcount.data,
            "duration_months": self.duration_months.data,
            "start_date": self.start_date.data,
        }


# The bounds of whole numbers come from the registry (app/models/kinds.py): the importer checks the same.
FORMS = {form.kind: form for form in (CaseStudyForm, PartnershipRequestForm, DisasterOfferForm, StaffExchangeForm)}
