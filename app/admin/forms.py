from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from app.fields import MunicipalityField
from app.services.accounts.users import MIN_PASSWORD_LENGTH


class CreateUserForm(FlaskForm):
    email = StringField(_l("メールアドレス"), validators=[DataRequired(_l("メールアドレスを入力してください。")), Email(_l("メールアドレスの形式が正しくありません。")), Length(max=254)])
    name = StringField(_l("氏名"), validators=[DataRequired(_l("氏名を入力してください。")), Length(max=100)])
    role = SelectField(_l("役割"), choices=[("officer", _l("自治体職員")), ("liaison", _l("窓口担当")), ("admin", _l("管理者"))])
    municipality = MunicipalityField(_l("所属自治体（自治体職員）"), validators=[Optional()])
    desk = SelectField(_l("所属窓口（窓口担当）"), coerce=int, validators=[Optional()])
    password = PasswordField(
        _l("初期パスワード（%(n)s文字以上）", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(_l("初期パスワードを入力してください。")), Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("初期パスワードは%(n)s文字以上で入力してください。", n=MIN_PASSWORD_LENGTH))],
    )

    def validate(self, extra_validators=None) -> bool:
        """Each role's own requirement, shown under the field it concerns."""
        valid = super().validate(extra_validators)
        if self.role.data == "officer" and not self.municipality.errors and self.municipality.data is None:
            self.municipality.errors.append(_l("自治体職員のアカウントには所属自治体を選んでください。"))
            valid = False
        if self.role.data == "liaison" and not self.desk.data:
            self.desk.errors = [*self.desk.errors, _l("窓口担当のアカウントには所属窓口を選んでください。")]
            valid = False
        return valid


class UserStatusForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"])])


class ManagerForm(FlaskForm):
    """Grant (1) or take back (0) the account-manager role."""

    manages = HiddenField(validators=[AnyOf(["0", "1"])])


class DomainImportForm(FlaskForm):
    file = FileField(_l("CSVファイル（1列目: 団体コード、2列目: ドメイン）"))


class MailActionForm(FlaskForm):
    """Resend / drop buttons on /admin/mail: only the CSRF token."""
