"""Posting forms: the common fields, plus one subclass per kind whose own fields are built from
the kinds' registry (app/models/kinds.py)."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, URLField
from wtforms.validators import URL, Email, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.extensions import db
from app.fields import DayField, NumberField
from app.i18n import category_label, translated
from app.models import Category, Municipality
from app.models.kinds import REGISTRY, Detail, Kind
from app.models.postings import POSTING_CLASSES, STATUSES, VISIBILITIES
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
    # The kind, what its own fieldset says before its fields, and those fields (set by each subclass).
    kind = ""
    intro = ""
    details: tuple[Detail, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = [
            (c.code, f"{c.code} {category_label(c.code, c.label)}")
            for c in db.session.scalars(select(Category).order_by(Category.position))
        ]
        self.status.choices = _choices(STATUSES)
        self.visibility.choices = _choices(VISIBILITIES)
        for detail in self.details:
            if detail.choices:
                getattr(self, detail.name).choices = _choices(detail.choices)
        self.partner_list: list[Municipality] = []
        # The day date windows start from (the view sets the edited posting's own).
        self.reference_date = dates.reference_date()

    def kind_fields(self) -> list:
        """The kind's own fields, in the order they are declared."""
        return [getattr(self, d.name) for d in self.details]

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
        return [d.name for d in self.details
                if (d.type is date or d.month) and not getattr(self, d.name).errors]

    def detail_data(self) -> dict:
        return {d.name: _detail_value(d, getattr(self, d.name).data) for d in self.details}


def _detail_value(detail: Detail, data):
    """A field's value as the posting stores it: empty text is "" (a month None), no choice []."""
    if detail.type is list:
        return data or []
    if detail.month:
        return data or None
    if detail.type is str and not detail.choices:
        return data or ""
    return data


def _detail_field(detail: Detail):
    """The form field that asks for one of a kind's own fields, with the registry's rules."""
    label = _l(detail.label)
    name = _l(detail.short or detail.label)  # how messages name the field
    hint = _l(detail.hint) if detail.hint else ""
    if detail.type is list:
        check = required(name, choose=True) if detail.required else Optional()
        return CheckboxListField(label, validators=[check], description=hint)
    if detail.choices:
        return SelectField(label, default=detail.default, description=hint)
    if detail.type is date:
        return DayField(label, validators=[Optional()], description=hint)
    if detail.type is int:
        check = number_required(name) if detail.required else Optional()
        unit = _l(detail.unit) if detail.unit else ""
        return NumberField(label, short=_l(detail.short) if detail.short else None, default=detail.default,
                           validators=[check, Between(name, *detail.bounds, unit)], description=hint)
    validators = [required(name) if detail.required else Optional()]
    if detail.month:
        validators.append(_month_format(name))
    if detail.max_length:
        validators.append(MaxLength(name, detail.max_length))
    field = TextAreaField if detail.multiline else StringField
    return field(label, validators=validators, description=hint)


def _form_for(kind: Kind) -> type[PostingForm]:
    fields = {d.name: _detail_field(d) for d in kind.details}
    return type(f"{POSTING_CLASSES[kind.key].__name__}Form", (PostingForm,),
                {"kind": kind.key, "intro": _l(kind.intro), "details": kind.details, **fields})


FORMS = {key: _form_for(kind) for key, kind in REGISTRY.items()}
