from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.fields import Honeypot, MunicipalityField, plain_text
from app.services.accounts.domains import municipalities_with_domains
from app.services.accounts.users import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = StringField(_l("メールアドレス"), validators=[DataRequired(_l("メールアドレスを入力してください。")), Length(max=254)])
    password = PasswordField(_l("パスワード"), validators=[DataRequired(_l("パスワードを入力してください。")), Length(max=200)])
    remember = BooleanField(_l("ログインしたままにする"))


def _new_password(label):
    return PasswordField(label, validators=[
        DataRequired(_l("新しいパスワードを入力してください。")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("%(min)d文字以上で入力してください。", min=MIN_PASSWORD_LENGTH)),
    ])


def _confirm(field_name: str = "new"):
    return PasswordField(_l("パスワード（確認）"), validators=[
        EqualTo(field_name, message=_l("確認用のパスワードが一致しません。"))])


def _email(label):
    return EmailField(label, validators=[
        DataRequired(_l("メールアドレスを入力してください。")),
        Length(max=254, message=_l("メールアドレスが長すぎます。")),
        Email(_l("メールアドレスの形式が正しくありません。"), check_deliverability=False)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("現在のパスワード"), validators=[DataRequired(_l("現在のパスワードを入力してください。"))])
    new = PasswordField(
        _l("新しいパスワード（%(n)s文字以上）", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(_l("新しいパスワードを入力してください。")), Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("新しいパスワードは%(n)s文字以上で入力してください。", n=MIN_PASSWORD_LENGTH))],
    )
    confirm = PasswordField(
        _l("新しいパスワード（確認）"),
        validators=[EqualTo("new", message=_l("確認用のパスワードが一致しません。"))],
    )


class SignupForm(Honeypot, FlaskForm):
    name = StringField(_l("氏名"), validators=[
        DataRequired(_l("氏名を入力してください。")),
        Length(max=100, message=_l("氏名は100文字以内で入力してください。")), plain_text])
    municipality = MunicipalityField(
        _l("所属自治体"), choices=municipalities_with_domains,
        validators=[DataRequired(_l("所属自治体を選んでください。"))])
    department = StringField(_l("所属部署（課・係）"), validators=[
        DataRequired(_l("所属部署を入力してください。")),
        Length(max=120, message=_l("所属部署は120文字以内で入力してください。")), plain_text])
    title = StringField(_l("役職（任意）"), validators=[
        Optional(), Length(max=60, message=_l("役職は60文字以内で入力してください。")), plain_text])
    email = _email(_l("職員用のメールアドレス"))
    new = _new_password(_l("パスワード（%(min)d文字以上）", min=MIN_PASSWORD_LENGTH))
    confirm = _confirm()


class VerifyForm(FlaskForm):
    password = PasswordField(_l("登録のときに決めたパスワード"), validators=[
        DataRequired(_l("パスワードを入力してください。")), Length(max=200)])


class ResetRequestForm(Honeypot, FlaskForm):
    email = _email(_l("メールアドレス"))


class ResetForm(FlaskForm):
    new = _new_password(_l("新しいパスワード（%(min)d文字以上）", min=MIN_PASSWORD_LENGTH))
    confirm = _confirm()


class EmailChangeForm(FlaskForm):
    email = _email(_l("新しいメールアドレス"))
    password = PasswordField(_l("現在のパスワード"), validators=[
        DataRequired(_l("現在のパスワードを入力してください。")), Length(max=200)])


class TransferForm(FlaskForm):
    municipality = MunicipalityField(
        _l("異動先の自治体"), choices=municipalities_with_domains,
        validators=[DataRequired(_l("異動先の自治体を選んでください。"))])
    email = _email(_l("異動先の職員用メールアドレス"))
    password = PasswordField(_l("現在のパスワード"), validators=[
        DataRequired(_l("現在のパスワードを入力してください。")), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token (links in mails confirm by POST, so a mail
    scanner that opens the link changes nothing)."""
