"""Posting pages: lists per kind, detail, create / edit / archive."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.filters import list_filters, page_arg
from app.i18n import translated
from app.models import Category, Municipality, Officer, Posting
from app.models.postings import KIND_SLUGS, KINDS
from app.postings import bp
from app.postings.forms import FORMS, split_list
from app.public.helpers import kind_name, locale
from app.public.themes import theme_label
from app.services import matching
from app.services.board import conversion
from app.services.postings import dates, editing, listing
from app.services.postings.editing import ContactInput, PostingInput

SLUG_KINDS = {slug: kind for kind, slug in KIND_SLUGS.items()}


@bp.route("/")
def index():
    return _list_page(None)


@bp.route("/<slug>/")
def by_kind(slug: str):
    kind = SLUG_KINDS.get(slug)
    if kind is None:
        abort(404)
    return _list_page(kind)


def _list_page(kind: str | None):
    filters = list_filters(kind)
    page = db.paginate(
        listing.filtered_postings(current_user, filters),
        page=page_arg(),
        per_page=20,
        error_out=False,
    )
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    return render_template(
        "postings/list.html", kind=kind, filters=filters, page=page, categories=categories,
        heading=list_heading(kind, filters),
    )


def list_heading(kind: str | None, filters) -> str:
    """What the list shows, in words: 「災害時の助け合い」, 「福島県の連携の募集」, 「すべての投稿」."""
    what = theme_label(filters.category, locale()) if filters.category else None
    if kind and what:
        what = _("%(theme)s（%(kind)s）", theme=what, kind=kind_name(kind))
    what = what or (kind_name(kind) if kind else None)
    place = filters.prefecture or (translated(filters.region) if filters.region else None)
    if place and what:
        return _("%(place)sの%(what)s", place=place, what=what)
    if place:
        return _("%(place)sの投稿", place=place)
    return what or _("すべての投稿")


def _load(posting_id: int) -> Posting:
    posting = listing.get_posting(posting_id)
    if posting is None or not permissions.can_view_posting(current_user, posting):
        # Officials-only and drafts look exactly like missing postings to those who may not see them.
        abort(404)
    return posting


@bp.route("/<int:posting_id>")
def detail(posting_id: int):
    posting = _load(posting_id)
    return render_template(
        "postings/detail.html",
        posting=posting,
        can_edit=permissions.can_edit_posting(current_user, posting),
    )


@bp.route("/new/<slug>", methods=["GET", "POST"])
@login_required
def create(slug: str):
    kind = SLUG_KINDS.get(slug)
    if kind is None:
        abort(404)
    permissions.require(permissions.can_create_posting(current_user))
    # ?from_topic=<id>: a board topic turned into a request or a case (prefilled, linked back).
    topic = conversion.source_topic(request.args.get("from_topic"), current_user, kind)
    if topic is not None and conversion.existing(topic, kind) is not None:
        flash(_("この話題からは、既に投稿を作成しています。"), "info")
        return redirect(url_for("postings.detail", posting_id=conversion.existing(topic, kind).id))
    form = FORMS[kind]()
    municipality = _acting_municipality(form)
    _officer_choices(form, municipality)
    if request.method == "GET":
        form.officer.data = _own_officer_id(municipality)
    if topic is not None and request.method == "GET":
        conversion.prefill(form, topic, kind, current_user)
    if form.validate_on_submit():
        municipality = _acting_municipality(form, strict=True)
        if municipality is not None:
            posting = editing.create_posting(_input(kind, form, municipality), current_user)
            if topic is not None:
                conversion.link(topic, posting, current_user)
            return _saved(posting, _("投稿を保存しました。"))
    return render_template("postings/form.html", form=form, kind=kind, posting=None, from_topic=topic), (
        400 if form.errors else 200
    )


@bp.route("/<int:posting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(posting_id: int):
    posting = _load(posting_id)
    permissions.require(permissions.can_edit_posting(current_user, posting))
    form = FORMS[posting.kind](obj=posting if request.method == "GET" else None)
    if request.method == "GET":
        _fill_form(form, posting)
    _officer_choices(form, posting.municipality)
    form.reference_date = dates.reference_date(posting)
    if form.validate_on_submit():
        editing.update_posting(posting, _input(posting.kind, form, posting.municipality), current_user)
        return _saved(posting, _("投稿を更新しました。"))
    return render_template("postings/form.html", form=form, kind=posting.kind, posting=posting), (
        400 if form.errors else 200
    )


def _saved(posting: Posting, message: str):
    """Back to the posting; a posting that looks for partners opens at its suggestions."""
    if matching.looks_for_partners(posting):
        flash(message + _("この投稿に合いそうな自治体・事例を下に表示しています。"), "success")
        return redirect(url_for("postings.detail", posting_id=posting.id, _anchor="matches"))
    flash(message, "success")
    return redirect(url_for("postings.detail", posting_id=posting.id))


@bp.route("/<int:posting_id>/archive", methods=["GET", "POST"])
@login_required
def archive(posting_id: int):
    """GET asks first (a page, so it works without JavaScript); POST archives."""
    posting = _load(posting_id)
    permissions.require(permissions.can_edit_posting(current_user, posting))
    if request.method == "GET":
        return render_template("postings/archive_confirm.html", posting=posting)
    editing.archive_posting(posting, current_user)
    flash(_("投稿をアーカイブしました。一覧と検索には表示されません。このページの「元に戻す」で取り消せます。"),
          "success")
    return redirect(url_for("postings.detail", posting_id=posting.id))


@bp.route("/<int:posting_id>/restore", methods=["POST"])
@login_required
def restore(posting_id: int):
    posting = _load(posting_id)
    editing.restore_posting(posting, current_user)
    flash(_("アーカイブを取り消しました（%(status)s）。", status=translated(posting.status_label)), "success")
    return redirect(url_for("postings.detail", posting_id=posting.id))


def _acting_municipality(form, strict: bool = False) -> Municipality | None:
    """Officers post for their own municipality; admins name one by code."""
    own = permissions.acting_municipality_id(current_user)
    if own is not None:
        form.municipality.data = db.session.get(Municipality, own).code
        return db.session.get(Municipality, own)
    code = form.municipality.data
    muni = db.session.scalar(select(Municipality).where(Municipality.code == code)) if code else None
    if strict and muni is None:
        form.municipality.errors = [*form.municipality.errors, _("投稿する自治体の団体コードを入力してください。")]
    return muni


def _own_officer_id(municipality: Municipality | None) -> int:
    """A new posting names the person writing it, when they are an officer in post there."""
    officer = getattr(current_user, "officer", None)
    if officer is not None and officer.active and municipality is not None and (
            officer.municipality_id == municipality.id):
        return officer.id
    return 0


def _officer_choices(form, municipality: Municipality | None) -> None:
    choices = [(0, _("（新しい担当者を下に入力）"))]
    if municipality is not None:
        officers = db.session.scalars(
            select(Officer)
            .where(Officer.municipality_id == municipality.id, Officer.active.is_(True))
            .order_by(Officer.name)
        )
        own = getattr(getattr(current_user, "officer", None), "id", None)
        choices += [(o.id, _("%(officer)s（あなた）", officer=o.public_label) if o.id == own else o.public_label)
                    for o in officers]
    form.officer.choices = choices


def _fill_form(form, posting: Posting) -> None:
    form.categories.data = [c.code for c in posting.categories]
    form.fields.data = "、".join(t.name for t in posting.tags)
    form.partners.data = "、".join(m.code for m in posting.partners)
    form.officer.data = posting.officer_id
    form.municipality.data = posting.municipality.code


def _input(kind: str, form, municipality: Municipality) -> PostingInput:
    officer = None
    if form.officer.data:
        officer = db.session.get(Officer, form.officer.data)
        if officer is None or officer.municipality_id != municipality.id:
            abort(400, description=_("担当者の選択が正しくありません。"))
    codes = form.categories.data or []
    return PostingInput(
        kind=kind,
        title=form.title.data,
        summary=form.summary.data,
        body=form.body.data or "",
        municipality=municipality,
        partners=form.partner_list,
        categories=db.session.scalars(select(Category).where(Category.code.in_(codes))).all(),
        fields=split_list(form.fields.data),
        officer=officer,
        contact=None if officer else ContactInput(
            name=form.contact_name.data,
            email=form.contact_email.data,
            department=form.contact_department.data or "",
            title=form.contact_title.data or "",
            phone=form.contact_phone.data or "",
        ),
        status=form.status.data,
        visibility=form.visibility.data,
        image_url=form.image_url.data or None,
        details=form.detail_data(),
    )


@bp.app_context_processor
def kinds_nav():
    return {"KIND_LABELS_NAV": [(KIND_SLUGS[k], label) for k, label in KINDS.items()]}
