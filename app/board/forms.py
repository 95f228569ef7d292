"""Board forms. Length limits match app/services/board/posts.py; bodies are Markdown, rendered
through app/markdown.py (raw HTML is never rendered)."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from app.board.labels import KIND_NAMES, REPORT_REASON_NAMES
from app.extensions import db
from app.i18n import category_label
from app.models import Category
from app.postings.forms import CheckboxListField, split_list
from app.services.board import posts

_POSTING_REF = re.compile(r"(?:/postings/)?(\d{1,9})/?$")


class TopicForm(FlaskForm):
    kind = RadioField(_l("種類"), choices=list(KIND_NAMES.items()), default="question",
                      validators=[DataRequired(_l("種類を選んでください。"))])
    title = StringField(_l("タイトル（何を知りたいか・何に困っているか）"), validators=[
        DataRequired(_l("タイトルを入力してください。")),
        Length(max=posts.MAX_TITLE, message=_l("タイトルは200文字以内で入力してください。"))])
    body = TextAreaField(_l("内容（背景・これまでの取組・知りたいこと。Markdown が使えます）"), validators=[
        DataRequired(_l("内容を入力してください。")),
        Length(max=posts.MAX_BODY, message=_l("内容は10000文字以内で入力してください。"))])
    categories = CheckboxListField(_l("カテゴリ（調査の分類、3つまで）"), validators=[
        DataRequired(_l("カテゴリを1つ以上選んでください。"))])
    tags = StringField(_l("分野タグ（読点・カンマ区切り: 空き家、防災）"), validators=[
        Optional(), Length(max=300, message=_l("分野タグは300文字以内で入力してください。"))])
    summary_publishable = BooleanField(_l("解決したら、この話題の要約を公開事例として掲載してもよい"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = [
            (c.code, f"{c.code} {category_label(c.code, c.label)}")
            for c in db.session.scalars(db.select(Category).order_by(Category.position))
        ]

    def validate_categories(self, field):
        if len(field.data or []) > posts.MAX_CATEGORIES:
            raise ValidationError(_l("カテゴリは3つまで選んでください。"))

    def validate_tags(self, field):
        names = split_list(field.data)
        if len(names) > posts.MAX_TAGS or any(len(n) > 40 for n in names):
            raise ValidationError(_l("分野タグは8個まで、1つ40文字以内で入力してください。"))

    @property
    def tag_list(self) -> list[str]:
        return split_list(self.tags.data)


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("回答（自分のまちではどうしたか。Markdown が使えます）"), validators=[
        DataRequired(_l("回答を入力してください。")),
        Length(max=posts.MAX_BODY, message=_l("回答は10000文字以内で入力してください。"))])
    own_postings = CheckboxListField(_l("あなたの自治体の投稿から、参考になるものを添える"), coerce=int,
                                     validators=[Optional()])
    posting_refs = StringField(_l("ほかの参考になる投稿（投稿のURLまたは番号、読点区切り）"), validators=[
        Optional(), Length(max=500, message=_l("500文字以内で入力してください。"))])

    def validate_posting_refs(self, field):
        for part in split_list(field.data):
            if not _POSTING_REF.search(part):
                raise ValidationError(_l("「%(part)s」は投稿のURLまたは番号ではありません。", part=part))

    @property
    def posting_ids(self) -> list[int]:
        ids = list(self.own_postings.data or [])
        ids += [int(_POSTING_REF.search(p).group(1)) for p in split_list(self.posting_refs.data)]
        return list(dict.fromkeys(ids))


class MarkForm(FlaskForm):
    mark = HiddenField(validators=[AnyOf(["helpful", "solution", "none"], message=_l("印の指定が正しくありません。"))])


class ReasonForm(FlaskForm):
    """Moderation: hide, restore, close, reopen, dismiss a report; the reason is audited."""

    action = HiddenField()
    reason = TextAreaField(_l("理由（投稿者に伝わり、監査記録に残ります）"), validators=[
        DataRequired(_l("理由を入力してください。")),
        Length(max=1000, message=_l("理由は1000文字以内で入力してください。"))])


class ReportForm(FlaskForm):
    reason = RadioField(_l("報告の理由"), choices=list(REPORT_REASON_NAMES.items()),
                        validators=[DataRequired(_l("報告の理由を選んでください。"))])
    detail = TextAreaField(_l("詳しい説明（任意）"), validators=[
        Optional(), Length(max=1000, message=_l("詳しい説明は1000文字以内で入力してください。"))])
