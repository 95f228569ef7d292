"""Event form for municipality officials. Times are entered in Japan time."""

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from app.models.events import EVENT_KINDS

REQUIRED = "入力してください。"


class EventForm(FlaskForm):
    municipality = StringField("主催する自治体の団体コード（管理者のみ）", validators=[Optional(), Length(max=6)])
    title = StringField("イベント名", validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField("種類", choices=list(EVENT_KINDS.items()), validators=[DataRequired(REQUIRED)])
    starts_at = DateTimeLocalField(
        "開始日時", format="%Y-%m-%dT%H:%M", validators=[DataRequired("開始日時を入力してください。")]
    )
    ends_at = DateTimeLocalField("終了日時", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField("会場", validators=[Optional(), Length(max=200)])
    online_url = URLField(
        "オンライン参加のURL",
        validators=[Optional(), URL(message="https:// で始まるURLを入力してください。"), Length(max=500)],
    )
    posting = SelectField("関連する投稿", coerce=int, validators=[Optional()])
    description = TextAreaField("内容", validators=[Optional(), Length(max=5000)])
    visibility = SelectField(
        "公開範囲",
        choices=[("public", "一般公開"), ("officials", "自治体職員のみ")],
        validators=[DataRequired(REQUIRED)],
    )

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data < self.starts_at.data:
            raise ValidationError("終了日時は開始日時より後にしてください。")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Optional() stops a field's own validators when empty, so the either-or check lives here.
        if not (self.place.data or "").strip() and not (self.online_url.data or "").strip():
            self.place.errors = [*self.place.errors, "会場かオンライン参加のURLのどちらかを入力してください。"]
            return False
        return ok

    def validate_online_url(self, field):
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError("https:// で始まるURLを入力してください。")
