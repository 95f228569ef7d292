from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional, Regexp

from app.services.accounts.users import MIN_PASSWORD_LENGTH


class CreateUserForm(FlaskForm):
    email = StringField("メールアドレス", validators=[DataRequired("入力してください。"), Email("メールアドレスの形式が正しくありません。"), Length(max=254)])
    name = StringField("氏名", validators=[DataRequired("入力してください。"), Length(max=100)])
    role = SelectField("役割", choices=[("officer", "自治体職員"), ("liaison", "窓口担当"), ("admin", "管理者")])
    municipality = StringField("所属自治体の団体コード（自治体職員）", validators=[Optional(), Regexp(r"^\d{6}$", message="6桁の団体コードで入力してください。")])
    desk = SelectField("所属窓口（窓口担当）", coerce=int, validators=[Optional()])
    password = PasswordField(
        f"初期パスワード（{MIN_PASSWORD_LENGTH}文字以上）",
        validators=[DataRequired("入力してください。"), Length(min=MIN_PASSWORD_LENGTH, max=200, message=f"{MIN_PASSWORD_LENGTH}文字以上で入力してください。")],
    )


class UserStatusForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"])])


class ManagerForm(FlaskForm):
    """Grant (1) or take back (0) the account-manager role."""

    manages = HiddenField(validators=[AnyOf(["0", "1"])])


class DomainImportForm(FlaskForm):
    file = FileField(_l("CSVファイル（1列目: 団体コード、2列目: ドメイン）"))


class MailActionForm(FlaskForm):
    """Resend / drop buttons on /admin/mail: only the CSRF token."""
