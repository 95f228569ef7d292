"""Login, logout and password change. Accounts are created by admins only."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import bp
from app.accounts.forms import ChangePasswordForm, LoginForm
from app.extensions import limiter
from app.services.accounts import users


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: no open redirect through ?next=."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("public.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(f"{user.name} さん、ようこそ。", "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("メールアドレスかパスワードが正しくありません。")
        status = 400
    elif form.errors:
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("ログアウトしました。", "info")
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
            flash("パスワードを変更しました。", "success")
            return redirect(url_for("public.home"))
    return render_template("accounts/password.html", form=form), 400 if form.errors else 200
