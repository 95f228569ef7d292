"""Recording a partnership made (the request's officer)."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from app.postings.forms import split_list
from app.services.data import municipalities
from app.validators import MaxLength


class OutcomeForm(FlaskForm):
    partners = StringField(_l("連携が成立した相手の自治体（名称または団体コード、読点区切り）"), validators=[
        DataRequired(_l("相手の自治体を入力してください。")), MaxLength(_l("相手の自治体"), 1000)])
    thread = SelectField(_l("きっかけになったお問い合わせ（任意）"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("メモ（任意：協定の締結日、内容など）"), validators=[
        Optional(), MaxLength(_l("メモ"), 2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_list = []
        self.partner_hint = None  # who wrote about the request, set by the view

    def validate_partners(self, field):
        self.partner_list, problems = municipalities.pick_list(split_list(field.data))
        if problems:
            raise ValidationError("／".join(problems))


_POSTING_NUMBER = re.compile(r"(?:/postings/)?(\d{1,9})/?$")


class CaseStudyLinkForm(FlaskForm):
    case_study = StringField(_l("結果を伝える連携・交流事例（投稿番号またはURL）"), validators=[
        DataRequired(_l("事例の投稿番号かURLを入力してください。")), MaxLength(_l("事例"), 300)])

    def posting_id(self) -> int | None:
        match = _POSTING_NUMBER.search((self.case_study.data or "").strip())
        return int(match.group(1)) if match else None

    def validate_case_study(self, field):
        if self.posting_id() is None:
            raise ValidationError(_l("事例の投稿番号（例: 123）か、事例のページのURLを入力してください。"))
