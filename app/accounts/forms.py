from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.services.accounts.users import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = StringField("メールアドレス", validators=[DataRequired("メールアドレスを入力してください。"), Length(max=254)])
    password = PasswordField("パスワード", validators=[DataRequired("パスワードを入力してください。"), Length(max=200)])
    remember = BooleanField("ログインしたままにする")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("現在のパスワード", validators=[DataRequired("現在のパスワードを入力してください。")])
    new = PasswordField(
        f"新しいパスワード（{MIN_PASSWORD_LENGTH}文字以上）",
        validators=[DataRequired("新しいパスワードを入力してください。"), Length(min=MIN_PASSWORD_LENGTH, max=200, message=f"{MIN_PASSWORD_LENGTH}文字以上で入力してください。")],
    )
    confirm = PasswordField(
        "新しいパスワード（確認）",
        validators=[EqualTo("new", message="確認用のパスワードが一致しません。")],
    )
