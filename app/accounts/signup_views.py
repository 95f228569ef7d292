"""Self sign-up and the verification link. Rules in app/services/accounts/signup.py."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import bp
from app.accounts.forms import SignupForm, VerifyForm
from app.accounts.mail_limits import limit_mail_by_address, limit_mail_by_client
from app.extensions import db, limiter
from app.models import Municipality
from app.security import private
from app.services.accounts import signup, tokens
from app.services.accounts.users import AccountError


@bp.route("/signup", methods=["GET", "POST"])
@limit_mail_by_client
@limit_mail_by_address
def signup_form():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = SignupForm()
    error = None
    if form.validate_on_submit():
        data = signup.SignupInput(
            name=form.name.data, department=form.department.data, title=form.title.data or "",
            municipality=form.municipality.data, email=form.email.data, password=form.new.data)
        try:
            signup.sign_up(data)
        except AccountError as exc:  # incl. DomainError: the address is outside the domains
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            return redirect(url_for("accounts.signup_sent"))
    if form.errors:
        error = _("入力内容を確認してください。")
    return render_template("accounts/signup.html", form=form, error=error), 400 if form.errors else 200


@bp.route("/signup/sent")
def signup_sent():
    return render_template("accounts/signup_sent.html", hours=tokens.max_age("verify") // 3600)


def link_invalid(exc: tokens.TokenError, again_url: str, again_label: str):
    """The page for a link that cannot be used (expired, used or wrong), with the way on."""
    return private((render_template("accounts/link_invalid.html", expired=exc.expired,
                                    again_url=again_url, again_label=again_label), 400))


@bp.route("/verify/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])  # it asks a password
def verify(token: str):
    try:
        user = signup.pending_for_token(token)
    except tokens.TokenError as exc:
        return link_invalid(exc, url_for("accounts.signup_form"), _("もう一度登録する"))
    form = VerifyForm()
    status = 200
    if form.validate_on_submit():
        try:
            signup.verify(token, form.password.data)
        except AccountError as exc:
            db.session.rollback()
            form.password.errors.append(str(exc))
        else:
            flash(_("メールアドレスを確認しました。"), "success")
            return private(redirect(url_for("accounts.verified", code=user.municipality.code)))
    if form.errors:
        status = 400
    return private((render_template("accounts/verify.html", form=form, applicant=user), status))


@bp.route("/verify/done/<code>")
def verified(code: str):
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    return render_template("accounts/verified.html", municipality=municipality)
