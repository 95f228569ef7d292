"""Contact forms. Length limits match the columns; HTML is refused (messages are plain text)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.fields import Honeypot, plain_text
from app.services.contact.text import MAX_BODY, MAX_SUBJECT


def _body(label: str):
    return TextAreaField(label, validators=[
        DataRequired(f"{label}を入力してください。"),
        Length(max=MAX_BODY, message=f"{label}は{MAX_BODY}文字以内で入力してください。"),
        plain_text,
    ])


class ContactForm(Honeypot, FlaskForm):
    name = StringField("お名前", validators=[
        DataRequired("お名前を入力してください。"),
        Length(max=100, message="お名前は100文字以内で入力してください。"), plain_text])
    email = EmailField("メールアドレス", validators=[
        DataRequired("メールアドレスを入力してください。"),
        Length(max=254, message="メールアドレスが長すぎます。"),
        Email("メールアドレスの形式が正しくありません。", check_deliverability=False)])
    organisation = StringField("所属（自治体・団体名など、任意）", validators=[
        Optional(), Length(max=120, message="所属は120文字以内で入力してください。"), plain_text])
    subject = StringField("件名（任意）", validators=[
        Optional(), Length(max=MAX_SUBJECT, message=f"件名は{MAX_SUBJECT}文字以内で入力してください。"),
        plain_text])
    body = _body("お問い合わせ内容")


class ReplyForm(FlaskForm):
    body = _body("返信")


class NoteForm(FlaskForm):
    body = _body("メモ")


class ActionForm(FlaskForm):
    """Buttons that only need a CSRF token (close, reopen, block, revoke)."""

    value = HiddenField()


class ForwardForm(FlaskForm):
    officer = SelectField("転送先の担当者", coerce=int, validators=[DataRequired("転送先を選んでください。")])
    note = TextAreaField("担当者へのメモ（任意）", validators=[
        Optional(), Length(max=2000, message="メモは2000文字以内で入力してください。"), plain_text])


class SettingsForm(FlaskForm):
    notify_mode = RadioField("メール通知", choices=[
        ("immediate", "すぐに通知する"),
        ("digest", "1日1回まとめて通知する"),
        ("none", "通知しない（架け橋の受信箱でのみ確認する）"),
    ], validators=[DataRequired("通知方法を選んでください。")])


class HandoverForm(FlaskForm):
    successor = SelectField("後任（同じ自治体の担当者）", coerce=int)
    new_name = StringField("新しい後任の氏名", validators=[Optional(), Length(max=100), plain_text])
    new_email = EmailField("新しい後任のメールアドレス", validators=[
        Optional(), Length(max=254), Email("メールアドレスの形式が正しくありません。", check_deliverability=False)])
    new_department = StringField("新しい後任の所属課", validators=[Optional(), Length(max=120), plain_text])
    new_title = StringField("新しい後任の役職", validators=[Optional(), Length(max=60), plain_text])
    note = TextAreaField("引き継ぎメモ（任意）", validators=[
        Optional(), Length(max=2000, message="メモは2000文字以内で入力してください。"), plain_text])
    # Shown only when the officer has a login; "suspend" only to those who may suspend accounts.
    account = RadioField("元のアカウント", default="keep", choices=[
        ("keep", "残す（ログインはできますが、この自治体の投稿・イベントは編集できなくなります）"),
        ("suspend", "停止する（ログインできなくなります）"),
    ], validators=[Optional()])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not self.successor.data and not (self.new_name.data and self.new_email.data):
            self.successor.errors = list(self.successor.errors) + [
                "後任を選ぶか、新しい後任の氏名とメールアドレスを入力してください。"]
            return False
        return True
