"""Login, logout and password change. Sign-up, verification and reset are in signup_views.py,
reset_views.py; a new address (e-mail change, transfer) in address_views.py."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import bp
from app.accounts.forms import ChangePasswordForm, LoginForm
from app.extensions import limiter
from app.security import safe_next
from app.services.accounts import users


def relogin(user) -> None:
    """Keep this browser logged in after its session id changed (password change)."""
    remembered = request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"])
    login_user(user, remember=bool(remembered))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("contact.inbox")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user, refusal = users.login_check(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(_("%(name)s さん、ようこそ。", name=user.name), "success")
            # Officials come to act: straight to the inbox (its unread count is in the header),
            # unless the login interrupted them on their way somewhere.
            return redirect(safe_next(request.args.get("next"), url_for("contact.inbox")))
        form.password.errors.append(refusal)
        status = 400
    elif form.errors:
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("ログアウトしました。"), "info")
    return redirect(url_for("public.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(current_user, form.current.data, form.new.data)
        except users.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            relogin(current_user._get_current_object())
            flash(_("パスワードを変更しました。ほかの端末やブラウザでのログインは終了しました。"), "success")
            return redirect(url_for("public.home"))
    return render_template("accounts/password.html", form=form), 400 if form.errors else 200

