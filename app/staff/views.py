"""Staff accounts of a municipality, for its account managers (and admins, and the central
desk where a municipality has no manager yet): sign-ups to approve, accounts to suspend,
who left, and the official e-mail domains. Rules in app/permissions/, app/services/accounts/."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions
from app.actions import confirm_post, flashed
from app.admin.forms import UserStatusForm
from app.extensions import db
from app.models import Municipality, MunicipalityDomain, User
from app.services.accounts import address_change, domains, signup
from app.services.accounts import users as user_service
from app.services.data import municipalities
from app.staff import bp
from app.staff.forms import DecisionForm, DomainForm, RefuseForm


@bp.app_context_processor
def staff_values():
    def staff_accounts_visible() -> bool:
        return permissions.can_view_staff_accounts(current_user)

    return {"staff_accounts_visible": staff_accounts_visible}


@bp.before_request
@login_required
def require_staff_role():
    permissions.require(permissions.can_view_staff_accounts(current_user))


def _chosen_municipality() -> Municipality | None:
    """An account manager's own municipality; admins and the central desk choose one (?code=)."""
    own = permissions.managed_municipality_id(current_user)
    if own is not None and not permissions.can_choose_municipality(current_user):
        return db.session.get(Municipality, own)
    text = (request.args.get("code") or "").strip()
    if not text:
        return None
    found = municipalities.find(text)
    if len(found) != 1:
        abort(404, description=_("その自治体は見つかりません。自治体名か6桁の団体コードで選んでください。"))
    return found[0]


def _back(municipality_id: int | None):
    code = None
    if municipality_id is not None and permissions.managed_municipality_id(current_user) != municipality_id:
        code = db.session.get(Municipality, municipality_id).code
    return redirect(url_for("staff.overview", code=code))


@bp.route("/")
def overview():
    return _overview_page(_chosen_municipality())


def _overview_page(municipality: Municipality | None, refuse_form: RefuseForm | None = None,
                   refusing: int | None = None, status: int = 200):
    pending_stmt = permissions.pending_signups(current_user).order_by(User.email_verified_at)
    staff = departures = domain_rows = managers = None
    if municipality is not None:
        pending_stmt = pending_stmt.where(User.municipality_id == municipality.id)
        staff = db.session.scalars(
            permissions.manageable_accounts(current_user)
            .where(User.municipality_id == municipality.id, User.approval == "approved")
            .order_by(User.active.desc(), User.name)).all()
        departures = address_change.departures(municipality.id)
        domain_rows = domains.rows_of(municipality)
        managers = db.session.scalars(permissions.account_managers(municipality.id)).all()
    pending = db.session.scalars(pending_stmt.limit(200)).all()
    return render_template(
        "staff/overview.html", municipality=municipality, pending=pending, staff=staff,
        departures=departures, domain_rows=domain_rows, managers=managers,
        decision_form=DecisionForm(formdata=None), refuse_form=RefuseForm(formdata=None),
        failed_refusal=refuse_form, refusing=refusing, status_form=UserStatusForm(formdata=None),
        may_choose=permissions.can_choose_municipality(current_user),
        label=municipalities.label,
    ), status


def _account(user_id: int) -> User:
    account = db.session.get(User, user_id)
    # Not found and not yours look the same: ids of other municipalities' staff are not probed.
    permissions.require(account is not None and permissions.can_manage_account(current_user, account),
                        hide=True)
    return account


@bp.route("/signups/<int:user_id>/approve", methods=["POST"])
def approve(user_id: int):
    account = _account(user_id)
    confirm_post(DecisionForm())
    with flashed(user_service.AccountError, _("%(name)s さんの登録を承認しました。", name=account.name)):
        signup.approve(account, current_user)
    return _back(account.municipality_id)


@bp.route("/signups/<int:user_id>/refuse", methods=["POST"])
def refuse(user_id: int):
    account = _account(user_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        return _overview_page(account.municipality, refuse_form=form, refusing=account.id, status=400)
    with flashed(user_service.AccountError,
                 _("%(name)s さんの登録を承認しませんでした。理由をメールでお知らせします。", name=account.name)):
        signup.refuse(account, current_user, form.reason.data)
    return _back(account.municipality_id)


@bp.route("/accounts/<int:user_id>/status", methods=["POST"])
def account_status(user_id: int):
    account = _account(user_id)
    form = confirm_post(UserStatusForm())
    with flashed(user_service.AccountError,
                 lambda: _("%(name)s さんのアカウントを再開しました。", name=account.name) if account.active
                 else _("%(name)s さんのアカウントを停止しました。", name=account.name)):
        user_service.set_active(account, form.active.data == "1", current_user)
    return _back(account.municipality_id)


# --- official e-mail domains -------------------------------------------------------------


@bp.route("/domains", methods=["GET", "POST"])
def domain_list():
    municipality = _chosen_municipality()
    if municipality is None:
        return redirect(url_for("staff.overview"))
    permissions.require(permissions.can_manage_domains(current_user, municipality),
                        _("この自治体のドメインを変更する権限がありません。"))
    form = DomainForm()
    if form.validate_on_submit():
        try:
            row = domains.add_domain(municipality, form.domain.data, current_user)
        except domains.DomainError as exc:
            db.session.rollback()
            form.domain.errors.append(str(exc))
        else:
            flash(_("%(domain)s を追加しました。", domain=row.domain), "success")
            return redirect(url_for("staff.domain_list", code=municipality.code))
    return render_template("staff/domains.html", municipality=municipality, form=form,
                           rows=domains.rows_of(municipality), delete_form=DecisionForm(formdata=None)
                           ), 400 if form.errors else 200


@bp.route("/domains/<int:domain_id>/delete", methods=["POST"])
def domain_delete(domain_id: int):
    row = db.session.get(MunicipalityDomain, domain_id)
    permissions.require(row is not None and permissions.can_manage_domains(current_user, row.municipality),
                        hide=True)
    confirm_post(DecisionForm())
    code, name = row.municipality.code, row.domain
    domains.remove_domain(row, current_user)
    flash(_("%(domain)s を削除しました。", domain=name), "success")
    return redirect(url_for("staff.domain_list", code=code))
