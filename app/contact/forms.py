"""Contact forms. Length limits match the columns; HTML is refused (messages are plain text)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.fields import Honeypot, plain_text
from app.services.contact.text import MAX_BODY, MAX_SUBJECT
from app.validators import MaxLength, required

BAD_EMAIL = _l("メールアドレスの形式が正しくありません。")


def _body(label):
    return TextAreaField(label, validators=[required(label), MaxLength(label, MAX_BODY), plain_text])


def _note(label):
    return TextAreaField(label, validators=[Optional(), MaxLength(_l("メモ"), 2000), plain_text])


class ContactForm(Honeypot, FlaskForm):
    name = StringField(_l("お名前"), validators=[
        required(_l("お名前")), MaxLength(_l("お名前"), 100), plain_text])
    email = EmailField(_l("メールアドレス"), validators=[
        required(_l("メールアドレス")),
        Length(max=254, message=_l("メールアドレスが長すぎます。")),
        Email(BAD_EMAIL, check_deliverability=False)])
    organisation = StringField(_l("所属（自治体・団体名など、任意）"), validators=[
        Optional(), MaxLength(_l("所属"), 120), plain_text])
    subject = StringField(_l("件名（任意）"), validators=[
        Optional(), MaxLength(_l("件名"), MAX_SUBJECT), plain_text])
    body = _body(_l("お問い合わせ内容"))


class ReplyForm(FlaskForm):
    body = _body(_l("返信"))


class NoteForm(FlaskForm):
    body = _body(_l("メモ"))


class ActionForm(FlaskForm):
    """Buttons that only need a CSRF token (close, reopen, block, revoke)."""

    value = HiddenField()


class ForwardForm(FlaskForm):
    officer = SelectField(_l("転送先の担当者"), coerce=int,
                          validators=[DataRequired(_l("転送先を選んでください。"))])
    note = _note(_l("担当者へのメモ（任意）"))


class SettingsForm(FlaskForm):
    notify_mode = RadioField(_l("メール通知"), choices=[
        ("immediate", _l("すぐに通知する")),
        ("digest", _l("1日1回まとめて通知する")),
        ("none", _l("通知しない（架け橋の受信箱でのみ確認する）")),
    ], validators=[DataRequired(_l("通知方法を選んでください。"))])


class HandoverForm(FlaskForm):
    successor = SelectField(_l("後任（同じ自治体の担当者）"), coerce=int)
    new_name = StringField(_l("新しい後任の氏名"), validators=[
        Optional(), MaxLength(_l("新しい後任の氏名"), 100), plain_text])
    new_email = EmailField(_l("新しい後任のメールアドレス"), validators=[
        Optional(), Length(max=254, message=_l("メールアドレスが長すぎます。")),
        Email(BAD_EMAIL, check_deliverability=False)])
    new_department = StringField(_l("新しい後任の所属課"), validators=[
        Optional(), MaxLength(_l("新しい後任の所属課"), 120), plain_text])
    new_title = StringField(_l("新しい後任の役職"), validators=[
        Optional(), MaxLength(_l("新しい後任の役職"), 60), plain_text])
    note = _note(_l("引き継ぎメモ（任意）"))
    # Shown only when the officer has a login; "suspend" only to those who may suspend accounts.
    account = RadioField(_l("元のアカウント"), default="keep", choices=[
        ("keep", _l("残す（ログインはできますが、この自治体の投稿・イベントは編集できなくなります）")),
        ("suspend", _l("停止する（ログインできなくなります）")),
    ], validators=[Optional()])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not self.successor.data and not (self.new_name.data and self.new_email.data):
            self.successor.errors = list(self.successor.errors) + [
                _l("後任を選ぶか、新しい後任の氏名とメールアドレスを入力してください。")]
            return False
        return True
