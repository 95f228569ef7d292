from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.fields import plain_text
from app.services.accounts.signup import MAX_REASON


class DecisionForm(FlaskForm):
    """Approve, delete a domain: buttons that only need their CSRF token."""


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("承認しない理由（申請者にメールで伝わります）"), validators=[
        DataRequired(_l("承認しない理由を入力してください（申請者にメールで伝わります）。")),
        Length(max=MAX_REASON, message=_l("理由は%(max)d文字以内で入力してください。", max=MAX_REASON)),
        plain_text])


class DomainForm(FlaskForm):
    domain = StringField(_l("追加するドメイン"), validators=[
        DataRequired(_l("ドメインを入力してください。")), Length(max=253)])
