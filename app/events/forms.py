"""Event form for municipality officials. Times are entered in Japan time."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Optional, ValidationError

from app.fields import DayTimeField
from app.i18n import translated
from app.models.events import EVENT_KINDS
from app.services.events.editing import date_problem
from app.validators import MaxLength, required

BAD_URL = _l("https:// で始まるURLを入力してください。")


class EventForm(FlaskForm):
    municipality = StringField(_l("主催する自治体の団体コード（管理者のみ）"),
                               validators=[Optional(), MaxLength(_l("団体コード"), 6)])
    title = StringField(_l("イベント名"), validators=[required(_l("イベント名")), MaxLength(_l("イベント名"), 200)])
    kind = SelectField(_l("種類"), validators=[DataRequired(_l("種類を選んでください。"))])
    starts_at = DayTimeField(_l("開始日時"), format="%Y-%m-%dT%H:%M", validators=[required(_l("開始日時"))])
    ends_at = DayTimeField(_l("終了日時"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField(_l("会場"), validators=[Optional(), MaxLength(_l("会場"), 200)])
    online_url = URLField(
        _l("オンライン参加のURL"),
        validators=[Optional(), URL(message=BAD_URL), MaxLength(_l("オンライン参加のURL"), 500)],
    )
    posting = SelectField(_l("関連する投稿"), coerce=int, validators=[Optional()])
    description = TextAreaField(_l("イベントの内容"), validators=[Optional(), MaxLength(_l("イベントの内容"), 5000)])
    visibility = SelectField(
        _l("公開範囲"),
        choices=[("public", _l("一般公開")), ("officials", _l("自治体職員のみ"))],
        validators=[DataRequired(_l("公開範囲を選んでください。"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the visitor's language (the labels are N_-marked data).
        self.kind.choices = [(value, translated(label)) for value, label in EVENT_KINDS.items()]

    def validate_starts_at(self, field):
        problem = date_problem(field.data.date()) if field.data else None
        if problem:
            raise ValidationError(problem)

    def validate_ends_at(self, field):
        problem = date_problem(field.data.date()) if field.data else None
        if problem:
            raise ValidationError(problem)
        if field.data and self.starts_at.data and field.data < self.starts_at.data:
            raise ValidationError(_l("終了日時は開始日時より後にしてください。"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Optional() stops a field's own validators when empty, so the either-or check lives here.
        if not (self.place.data or "").strip() and not (self.online_url.data or "").strip():
            self.place.errors = [*self.place.errors, _l("会場かオンライン参加のURLのどちらかを入力してください。")]
            return False
        return ok

    def validate_online_url(self, field):
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError(BAD_URL)
