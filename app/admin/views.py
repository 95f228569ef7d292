"""Administration: accounts and an overview of the platform's activity."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app import permissions
from app.actions import confirm_post, flashed
from app.admin import bp
from app.admin.forms import (
    CreateUserForm,
    DomainImportForm,
    MailActionForm,
    ManagerForm,
    UserStatusForm,
)
from app.extensions import db
from app.models import Desk, OutboxMail, Posting, Thread, User
from app.services.accounts import domains as domain_service
from app.services.accounts import users as user_service
from app.services.contact import reply_stats
from app.services.follow import digests as follow_digests
from app.services.mail import failures, jobs, outbox
from app.services.matching import outcomes
from app.services.search import indexing


@bp.before_request
@login_required
def require_admin():
    permissions.require(permissions.is_admin(current_user))


@bp.route("/")
def dashboard():
    by_kind = dict(db.session.execute(select(Posting.kind, func.count()).group_by(Posting.kind)).all())
    return render_template(
        "admin/dashboard.html",
        by_kind=by_kind,
        users=db.session.scalar(select(func.count(User.id))),
        pending_index=indexing.pending_count(),
        # What municipalities want measured: matches made and answers given, not page views.
        matches=outcomes.figures(current_user),
        threads=db.session.scalar(select(func.count(Thread.id))),
        contact=reply_stats.reply_stats(),
        outbox_pending=outbox.pending_count(),
        outbox_failed=failures.failed_count(),
        pending_signups=db.session.scalar(
            permissions.pending_signups(current_user).with_only_columns(func.count(User.id))),
        domains=domain_service.count(),
        follow_job=jobs.status(follow_digests.JOB_NAME, current_app.config["FOLLOW_DIGEST_EVERY"]),
    )


@bp.route("/mail")
def mail():
    """Mail the outbox gave up on (resend or drop), and mail being retried."""
    failed = db.session.scalars(failures.failed_query().order_by(OutboxMail.failed_at.desc())).all()
    retrying = db.session.scalars(failures.retrying_query().order_by(OutboxMail.next_attempt_at)).all()
    return render_template("admin/mail.html", failed=failed, retrying=retrying, form=MailActionForm(),
                           pending=outbox.pending_count())


@bp.route("/mail/<int:mail_id>/<any(resend, drop):action>", methods=["POST"])
def mail_action(mail_id: int, action: str):
    row = db.session.get(OutboxMail, mail_id)
    if row is None:
        abort(404)
    confirm_post(MailActionForm())
    if action == "resend":
        failures.resend(row, current_user)
        flash(_("メール #%(id)s を送信待ちに戻しました。次の配信で送られます。", id=mail_id), "success")
    else:
        failures.drop(row, current_user)
        flash(_("メール #%(id)s を削除しました。", id=mail_id), "success")
    return redirect(url_for("admin.mail"))


@bp.route("/users")
def users():
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=rows, status_form=UserStatusForm(),
                           manager_form=ManagerForm())


@bp.route("/users/<int:user_id>/status", methods=["POST"])
def user_status(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = confirm_post(UserStatusForm())
    with flashed(user_service.AccountError, lambda: _("%(email)s を再開しました。", email=user.email) if user.active
                 else _("%(email)s を停止しました。", email=user.email)):
        user_service.set_active(user, form.active.data == "1", current_user)
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/manager", methods=["POST"])
def user_manager(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = confirm_post(ManagerForm())
    with flashed(user_service.AccountError, lambda: _("%(email)s をアカウント管理者にしました。", email=user.email)
                 if user.manages_accounts else _("%(email)s をアカウント管理者から外しました。", email=user.email)):
        user_service.set_manager(user, form.manages.data == "1", current_user)
    return redirect(url_for("admin.users"))


@bp.route("/domains", methods=["GET", "POST"])
def domains():
    """Official e-mail domains: import a CSV (code, domain) for many municipalities at once."""
    form = DomainImportForm()
    report, error = None, None
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not upload.filename:
            error = _("CSVファイルを選んでください。")
        else:
            try:
                report = domain_service.import_csv(domain_service.decode(upload.read()), current_user)
            except domain_service.DomainError as exc:
                db.session.rollback()
                error = str(exc)
    elif form.errors:
        error = _("操作を確認してください。")
    status = 400 if error or (report and report.errors and not report.created) else 200
    return render_template("admin/domains.html", form=form, report=report, error=error,
                           total=domain_service.count()), status


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = CreateUserForm()
    form.desk.choices = [(0, "—")] + [
        (d.id, d.name) for d in db.session.scalars(select(Desk).order_by(Desk.municipality_id.nulls_first()))
    ]
    if form.validate_on_submit():
        desk = db.session.get(Desk, form.desk.data) if form.desk.data else None
        try:
            user = user_service.create_user(
                form.email.data, form.name.data, form.password.data, form.role.data,
                municipality=form.municipality.data if form.role.data == "officer" else None,
                desk=desk,
            )
        except user_service.AccountError as exc:
            # The message goes under the field it is about (e-mail when it names none).
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            flash(_("%(email)s のアカウントを作成しました。", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form), 400 if form.errors else 200
