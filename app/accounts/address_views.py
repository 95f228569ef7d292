"""A new address, confirmed from the mail sent to it: e-mail change and transfer (人事異動).
Rules in app/services/accounts/address_change.py."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app import permissions
from app.accounts import bp
from app.accounts.forms import ConfirmForm, EmailChangeForm, TransferForm
from app.accounts.mail_limits import limit_mail_by_address, limit_mail_by_client
from app.accounts.signup_views import link_invalid
from app.extensions import db
from app.security import private
from app.services.accounts import address_change, tokens
from app.services.accounts.users import AccountError


@bp.route("/email", methods=["GET", "POST"])
@login_required
@limit_mail_by_client
@limit_mail_by_address
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            new = address_change.request_email_change(current_user, form.password.data, form.email.data)
        except AccountError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            flash(_("%(email)s に確認のメールを送りました。メールのリンクを開くと変更が確定します。", email=new), "success")
            return redirect(url_for("accounts.change_email"))
    return render_template("accounts/email.html", form=form), 400 if form.errors else 200


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    again = (url_for("accounts.change_email"), _("もう一度変更を申し込む"))
    try:
        user, claims = tokens.read("email", token)
    except tokens.TokenError as exc:
        return link_invalid(exc, *again)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            address_change.confirm_email_change(token)
        except tokens.TokenError as exc:
            return link_invalid(exc, *again)
        except AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("メールアドレスを変更しました。次回から新しいアドレスでログインしてください。"), "success")
            return private(redirect(url_for("public.home")))
    return private(render_template("accounts/email_confirm.html", form=form, account=user,
                                   new_email=claims.get("e", "")))


@bp.route("/transfer", methods=["GET", "POST"])
@login_required
@limit_mail_by_client
@limit_mail_by_address
def transfer():
    permissions.require(permissions.can_transfer(current_user),
                        _("異動の手続きは自治体職員のアカウントだけが行えます。"))
    form = TransferForm()
    if form.validate_on_submit():
        try:
            new = address_change.request_transfer(current_user, form.password.data,
                                                  form.municipality.data, form.email.data)
        except AccountError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            flash(_("%(email)s に確認のメールを送りました。メールのリンクを開くと異動の手続きが進みます。",
                    email=new), "success")
            return redirect(url_for("accounts.transfer"))
    return render_template("accounts/transfer.html", form=form), 400 if form.errors else 200


@bp.route("/transfer/confirm/<token>", methods=["GET", "POST"])
def confirm_transfer(token: str):
    again = (url_for("accounts.transfer"), _("もう一度手続きをする"))
    try:
        user, municipality, new = address_change.transfer_for_token(token)
    except tokens.TokenError as exc:
        return link_invalid(exc, *again)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            address_change.confirm_transfer(token)
        except AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            if current_user.is_authenticated and current_user.id == user.id:
                logout_user()
            flash(_("異動先の所属を確定しました。%(name)sで承認されるとメールでお知らせします。",
                    name=municipality.name), "success")
            return private(redirect(url_for("accounts.verified", code=municipality.code)))
    return private(render_template("accounts/transfer_confirm.html", form=form, account=user,
                                   municipality=municipality, new_email=new))
