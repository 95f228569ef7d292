from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.models.follows import FREQUENCIES

FREQUENCY_CHOICES = [
    ("daily", _l("毎日まとめて")),
    ("weekly", _l("毎週まとめて")),
    ("immediate", _l("すぐに（連携の募集・災害時相互協力のみ。ほかは毎日）")),
]
assert {c for c, _ in FREQUENCY_CHOICES} == set(FREQUENCIES)


class FollowEditForm(FlaskForm):
    name = StringField(_l("名前"), validators=[DataRequired(_l("名前を入力してください。")),
                                              Length(max=100, message=_l("100文字以内で入力してください。"))])
    frequency = SelectField(_l("お知らせ"), choices=FREQUENCY_CHOICES)
    paused = BooleanField(_l("一時停止"))


class AddFollowForm(FlaskForm):
    target = SelectField(_l("フォローする対象"), choices=[
        ("category", _l("カテゴリ")), ("region", _l("地域")), ("prefecture", _l("都道府県")),
        ("municipality", _l("自治体")), ("kind", _l("投稿の種類")),
    ])
    value = StringField(_l("値"), validators=[DataRequired(_l("選ぶか入力してください。")), Length(max=40)])


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token (delete, save this search, undo)."""
