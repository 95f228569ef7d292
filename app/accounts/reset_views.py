"""Password reset by e-mail. Rules in app/services/accounts/reset.py."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.accounts import bp
from app.accounts.forms import ResetForm, ResetRequestForm
from app.accounts.mail_limits import limit_mail_by_address, limit_mail_by_client
from app.accounts.signup_views import link_invalid
from app.extensions import db, limiter
from app.security import private
from app.services.accounts import reset, tokens
from app.services.accounts.users import AccountError


@bp.route("/reset", methods=["GET", "POST"])
@limit_mail_by_client
@limit_mail_by_address
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        reset.request_reset(form.email.data)
        # The same answer whether or not the address has an account.
        return redirect(url_for("accounts.reset_sent"))
    return render_template("accounts/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/reset/sent")
def reset_sent():
    return render_template("accounts/reset_sent.html", minutes=tokens.max_age("reset") // 60)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def reset_password(token: str):
    try:
        reset.user_for_token(token)
    except tokens.TokenError as exc:
        return link_invalid(exc, url_for("accounts.reset_request"), _("もう一度再設定を申し込む"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            reset.reset_password(token, form.new.data)
        except AccountError as exc:
            db.session.rollback()
            form.new.errors.append(str(exc))
        else:
            flash(_("パスワードを再設定しました。新しいパスワードでログインしてください。"), "success")
            return private(redirect(url_for("accounts.login")))
    return private((render_template("accounts/reset.html", form=form), 400 if form.errors else 200))
