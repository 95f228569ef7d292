"""Disaster mode: declarations (desks and admins), the light disaster page, the banner."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions
from app.actions import confirm_post
from app.disasters import bp
from app.disasters.forms import DeclarationForm, PlanForm
from app.extensions import db
from app.models import DisasterDeclaration
from app.models.postings import OFFER_TYPES
from app.ratelimits import limit_matching
from app.services.matching import declarations
from app.services.matching.disasters import Scenario, affected_requests, fitting

# The disaster page lists the best offers only: it must stay light on a slow phone.
PAGE_OFFERS = 60


@bp.app_context_processor
def disaster_helpers():
    return {"active_disasters": declarations.active}


def _load(declaration_id: int) -> DisasterDeclaration:
    declaration = db.session.get(DisasterDeclaration, declaration_id)
    if declaration is None:
        abort(404)
    return declaration


@bp.route("/")
def index():
    return render_template(
        "disasters/index.html", declarations=declarations.all_declarations(), today=declarations.today(),
        can_declare=permissions.can_declare_disaster(current_user),
    )


@bp.route("/plan")
@limit_matching
def plan():
    """The offers that would fit an assumed disaster, without declaring one (light, like the
    disaster page: a desk prints it for its plan)."""
    form = PlanForm(request.args)
    searched = bool(request.args)
    offers, total, scenario = [], 0, None
    if searched and form.validate():
        scenario = Scenario(tuple(dict.fromkeys(form.prefecture.data)),
                            tuple(dict.fromkeys(form.need.data or OFFER_TYPES)), form.people.data)
        offers, total = fitting(scenario, current_user, PAGE_OFFERS, today=declarations.today())
    return render_template("disasters/plan.html", form=form, scenario=scenario, offers=offers, total=total,
                           need_labels=OFFER_TYPES), 400 if searched and form.errors else 200


@bp.route("/<int:declaration_id>")
def detail(declaration_id: int):
    """Light on purpose (no images, one small inline style sheet): read on a slow phone, printed."""
    declaration = _load(declaration_id)
    scenario = declarations.scenario_of(declaration)
    offers, total = fitting(scenario, current_user, PAGE_OFFERS, today=declarations.today())
    return render_template(
        "disasters/detail.html", declaration=declaration,
        active=declaration.is_active(declarations.today()),
        offers=offers, total=total,
        requests=affected_requests(scenario, current_user),
        can_declare=permissions.can_declare_disaster(current_user),
    )


def _input(form: DeclarationForm) -> declarations.DeclarationInput:
    return declarations.DeclarationInput(
        name=form.name.data, prefectures=form.prefectures.data, needs=form.needs.data,
        starts_on=form.starts_on.data, ends_on=form.ends_on.data, people=form.people.data,
        note=form.note.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    permissions.require(permissions.can_declare_disaster(current_user),
                        _("災害の宣言は、連携窓口と管理者だけが行えます。"))
    form = DeclarationForm()
    if request.method == "GET":
        form.starts_on.data = declarations.today()
    if form.validate_on_submit():
        declaration = declarations.declare(_input(form), current_user)
        flash(_("災害を宣言しました。すべてのページに案内が表示されます。"), "success")
        return redirect(url_for("disasters.detail", declaration_id=declaration.id))
    return render_template("disasters/form.html", form=form, declaration=None), 400 if form.errors else 200


@bp.route("/<int:declaration_id>/edit", methods=["GET", "POST"])
@login_required
def edit(declaration_id: int):
    permissions.require(permissions.can_declare_disaster(current_user),
                        _("災害の宣言は、連携窓口と管理者だけが変更できます。"))
    declaration = _load(declaration_id)
    form = DeclarationForm(obj=declaration if request.method == "GET" else None)
    if form.validate_on_submit():
        declarations.update(declaration, _input(form), current_user)
        flash(_("災害の宣言を変更しました。"), "success")
        return redirect(url_for("disasters.detail", declaration_id=declaration.id))
    return render_template("disasters/form.html", form=form, declaration=declaration), (
        400 if form.errors else 200)


@bp.route("/<int:declaration_id>/end", methods=["POST"])
@login_required
def end(declaration_id: int):
    permissions.require(permissions.can_declare_disaster(current_user),
                        _("災害の宣言は、連携窓口と管理者だけが終了できます。"))
    declaration = _load(declaration_id)
    confirm_post()
    declarations.end(declaration, current_user)
    flash(_("災害の宣言を終了しました。このページは引き続き閲覧できます。"), "success")
    return redirect(url_for("disasters.detail", declaration_id=declaration.id))
