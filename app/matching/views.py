"""Suggested partners: the panel on posting pages and the full list of suggestions."""

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import permissions
from app.actions import confirm_post, flashed
from app.extensions import db
from app.filters import int_arg
from app.matching import bp
from app.matching.forms import CaseStudyLinkForm, OutcomeForm
from app.models import Notice, Posting, Thread
from app.postings.forms import split_list
from app.services import matching
from app.services.data import municipalities
from app.services.matching import notices, outcomes
from app.services.matching.suggestions import MAX_SUGGESTIONS, suggest_for_page
from app.services.postings.listing import get_posting

PANEL_SIZE = 5
PAGE_SIZE = 20


@dataclass
class Panel:
    suggestions: list = field(default_factory=list)
    available: bool = True


def _panel(posting: Posting, limit: int) -> Panel:
    if not matching.looks_for_partners(posting):
        return Panel()
    try:
        return Panel(suggest_for_page(posting, current_user, limit))
    except matching.TextUnavailable:
        return Panel(available=False)


@bp.app_context_processor
def matching_helpers():
    return {"posting_matches": lambda posting: _panel(posting, PANEL_SIZE),
            "shows_suggestions": matching.looks_for_partners,
            "inbox_notices": lambda: notices.for_user(current_user),
            "posting_outcome": _outcome_view}


# --- partnerships made ------------------------------------------------------------------------


@dataclass
class OutcomeView:
    partnership: object | None
    can_record: bool
    form: OutcomeForm | None = None
    case_form: CaseStudyLinkForm | None = None
    thread_visible: bool = False
    case_study_visible: bool = False


def _threads(request_posting) -> list[Thread]:
    threads = db.session.scalars(
        select(Thread).where(Thread.posting_id == request_posting.id).order_by(Thread.created_at.desc())
    ).all()
    return [t for t in threads if permissions.can_read_thread(current_user, t)]


def _writers(request_posting, threads: list[Thread]) -> list[str]:
    """Municipalities that wrote about the request (the likely partners), as named in the threads."""
    names = []
    for thread in threads:
        found, problems = municipalities.pick_list(split_list(thread.sender_organisation))
        if len(found) == 1 and not problems and found[0].id != request_posting.municipality_id:
            names.append(found[0].name)
    return list(dict.fromkeys(names))


def _outcome_form(request_posting, partnership, formdata=None) -> OutcomeForm:
    form = OutcomeForm(formdata=formdata)
    threads = _threads(request_posting)
    form.thread.choices = [(0, _("（選ばない）"))] + [
        (t.id, f"{t.subject}（{t.sender_organisation or t.sender_name}）") for t in threads]
    writers = _writers(request_posting, threads)
    if writers:
        form.partner_hint = _("この募集にお問い合わせのあった自治体: %(names)s", names="、".join(writers))
    if formdata is None and partnership is not None:
        form.partners.data = "、".join(m.code for m in partnership.partners)
        form.thread.data = partnership.thread_id or 0
        form.note.data = partnership.note
    return form


def _outcome_view(posting) -> OutcomeView | None:
    if posting.kind != "partnership_request":
        return None
    partnership = outcomes.request_partnership(posting)
    can_record = permissions.can_record_outcome(current_user, posting)
    view = OutcomeView(partnership, can_record)
    if partnership is not None and partnership.thread is not None:
        view.thread_visible = permissions.can_read_thread(current_user, partnership.thread)
    if partnership is not None and partnership.case_study is not None:
        view.case_study_visible = permissions.can_view_posting(current_user, partnership.case_study)
    if can_record:
        view.form = _outcome_form(posting, partnership, formdata=None)
        view.case_form = CaseStudyLinkForm(formdata=None)
    return view


def _request_for_outcome(posting_id: int):
    posting = db.session.get(Posting, posting_id)
    permissions.require(posting is not None and permissions.can_view_posting(current_user, posting), hide=True)
    permissions.require(permissions.can_record_outcome(current_user, posting),
                        _("成立の記録は、この募集を編集できる担当者だけが行えます。"))
    return posting


def _back_to_outcome(posting):
    return redirect(url_for("postings.detail", posting_id=posting.id, _anchor="outcome"))


def _form_again(posting, form=None, case_form=None):
    """The recording form again, with its errors."""
    return render_template("matching/outcome_form.html", posting=posting, form=form, case_form=case_form), 400


@bp.route("/postings/<int:posting_id>/outcome", methods=["POST"])
@login_required
def record_outcome(posting_id: int):
    posting = _request_for_outcome(posting_id)
    form = _outcome_form(posting, None, formdata=request.form)
    if form.validate_on_submit():
        thread = db.session.get(Thread, form.thread.data) if form.thread.data else None
        try:
            outcomes.record(posting, form.partner_list, current_user, thread=thread, note=form.note.data)
        except outcomes.OutcomeError as exc:
            form.partners.errors = [*form.partners.errors, str(exc)]
        else:
            flash(_("連携の成立を記録しました。募集のページに「成立」と表示されます。"), "success")
            return _back_to_outcome(posting)
    return _form_again(posting, form=form)


@bp.route("/postings/<int:posting_id>/outcome/withdraw", methods=["POST"])
@login_required
def withdraw_outcome(posting_id: int):
    posting = _request_for_outcome(posting_id)
    confirm_post()
    with flashed(outcomes.OutcomeError, _("成立の記録を取り消しました。募集状況は「募集中」に戻りました。")):
        outcomes.withdraw(posting, current_user)
    return _back_to_outcome(posting)


@bp.route("/postings/<int:posting_id>/outcome/case-study", methods=["POST"])
@login_required
def link_case_study(posting_id: int):
    posting = _request_for_outcome(posting_id)
    form = CaseStudyLinkForm()
    if form.validate_on_submit():
        case_study = db.session.get(Posting, form.posting_id())
        try:
            if case_study is None:
                raise outcomes.OutcomeError(outcomes.NOT_A_CASE_STUDY)
            outcomes.link_case_study(posting, case_study, current_user)
        except outcomes.OutcomeError as exc:
            form.case_study.errors = [*form.case_study.errors, str(exc)]
        else:
            flash(_("結果の事例を結びつけました。"), "success")
            return _back_to_outcome(posting)
    return _form_again(posting, case_form=form)


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@login_required
def notice_read(notice_id: int):
    notice = db.session.get(Notice, notice_id)
    permissions.require(notice is not None and permissions.can_read_notice(current_user, notice), hide=True)
    confirm_post()
    notices.mark_read(notice)
    return redirect(url_for("contact.inbox"))


@bp.route("/postings/<int:posting_id>/matches")
def matches(posting_id: int):
    posting = get_posting(posting_id)
    if posting is None or not permissions.can_view_posting(current_user, posting):
        abort(404)
    per_page = int_arg("per_page", _("件数"), 1, MAX_SUGGESTIONS, default=PAGE_SIZE)
    return render_template("matching/matches.html", posting=posting, panel=_panel(posting, per_page))
