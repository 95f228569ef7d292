"""Contact pages: the forms, inboxes, threads, the sender's private link, settings,
handover and the development mailbox. Rules live in app/services/contact/ and app/permissions/."""

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import permissions
from app.contact import bp
from app.contact.forms import (
    ActionForm,
    ContactForm,
    ForwardForm,
    HandoverForm,
    NoteForm,
    ReplyForm,
    SettingsForm,
)
from app.extensions import db, limiter
from app.filters import page_arg
from app.models import Municipality, Officer, Posting, Thread
from app.models import messaging as thread_model
from app.ratelimits import address_key
from app.security import private
from app.services.contact import actions, links, routing
from app.services.contact import handover as handover_service
from app.services.contact import inbox as inbox_service
from app.services.contact.routing import Sender
from app.services.contact.text import ContactError
from app.services.postings.editing import ContactInput


def _contact_limit() -> str:
    return current_app.config["RATELIMIT_CONTACT"]


# Shared across all contact forms: per client address, and per sender e-mail address.
limit_by_address = limiter.shared_limit(_contact_limit, scope="contact-address", methods=["POST"])
limit_by_sender = limiter.shared_limit(_contact_limit, scope="contact-sender", methods=["POST"],
                                       key_func=address_key)


def unread_count() -> int:
    """The signed-in user's unread threads; the header shows it twice, so once per request."""
    if "unread_count" not in g:
        g.unread_count = inbox_service.unread_count(current_user)
    return g.unread_count


@bp.app_context_processor
def contact_values():
    return {"contact_unread_count": unread_count,
            "contact_available": routing.ward_route_available}


_private = private  # pages reached with the sender's private link


# --- writing to an officer or a desk -----------------------------------------------------


def _prefill(form: ContactForm) -> None:
    if request.method == "GET" and permissions.is_official(current_user):
        form.name.data = current_user.name
        form.email.data = current_user.email
        if current_user.municipality is not None:
            form.organisation.data = current_user.municipality.display_name
        elif current_user.desk is not None:
            form.organisation.data = current_user.desk.name


def _sender(form: ContactForm) -> Sender:
    user = current_user if permissions.is_official(current_user) else None
    return Sender(form.name.data, form.email.data, form.organisation.data or "", user)


def _render_form(form, status=200, **context):
    return render_template("contact/form.html", form=form, **context), status


def _submit(form, send, **context):
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                send(_sender(form), form.subject.data or "", form.body.data)
            except ContactError as exc:
                db.session.rollback()  # nothing half-made survives a refusal
                return _render_form(form, 400, error=str(exc), **context)
            return redirect(url_for("contact.sent"))
        # Invalid input (or CSRF): nothing is stored; say why, field by field.
        return _render_form(form, 400, error=_("入力内容を確認してください。"), **context)
    _prefill(form)
    return _render_form(form, **context)


@bp.route("/postings/<int:posting_id>", methods=["GET", "POST"])
@limit_by_address
@limit_by_sender
def posting_form(posting_id: int):
    posting = db.session.get(Posting, posting_id)
    if posting is None or not permissions.can_view_posting(current_user, posting):
        abort(404)
    return _submit(ContactForm(), lambda s, subj, body: routing.contact_posting(posting, s, subj, body),
                   posting=posting, target=f"{posting.municipality.name} {posting.officer.public_label}")


@bp.route("/m/<code>", methods=["GET", "POST"])
@bp.route("/desk/<code>", methods=["GET", "POST"])  # the municipality page links here
@limit_by_address
@limit_by_sender
def municipality_form(code: str):
    muni = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if muni is None:
        abort(404)
    if not routing.ward_route_available(muni):
        return render_template("contact/unavailable.html", muni=muni), 404
    target = routing.desk_for(muni.id).name if muni.is_special_ward else _("%(name)sの担当者", name=muni.display_name)
    return _submit(ContactForm(), lambda s, subj, body: routing.contact_municipality(muni, s, subj, body),
                   muni=muni, target=target, ask_subject=True)


@bp.route("/central", methods=["GET", "POST"])
@limit_by_address
@limit_by_sender
def central_form():
    return _submit(ContactForm(), lambda s, subj, body: routing.contact_municipality(None, s, subj, body),
                   target=routing.desk_for(None).name, ask_subject=True)


@bp.route("/sent")
def sent():
    return render_template("contact/sent.html")


# --- inbox and threads (officials) -------------------------------------------------------


def _load_thread(thread_id: int) -> Thread:
    # The thread page shows the officer (town, account), the desk and every message.
    thread = db.session.get(Thread, thread_id, options=[
        joinedload(Thread.officer).joinedload(Officer.municipality),
        joinedload(Thread.officer).joinedload(Officer.user), joinedload(Thread.desk),
        selectinload(Thread.messages),
    ])
    # Someone else's thread looks exactly like a missing one: ids cannot be enumerated.
    permissions.require(thread is not None and permissions.can_read_thread(current_user, thread),
                        hide=True)
    return thread


@bp.route("/inbox")
@login_required
def inbox():
    status = request.args.get("status") or "open"
    show_blocked = request.args.get("blocked") == "1"
    page = db.paginate(inbox_service.inbox_query(current_user, status, show_blocked),
                       page=page_arg(), per_page=30, error_out=False)
    return render_template("contact/inbox.html", page=page, status=status, show_blocked=show_blocked,
                           title=_inbox_title(), unread=unread_count())


def _inbox_title() -> str:
    if permissions.is_admin(current_user):
        return _("すべてのお問い合わせ")
    if getattr(current_user, "desk", None) is not None:
        return _("%(desk)s 受信箱", desk=current_user.desk.name)
    return _("受信箱")


def _forward_choices(thread: Thread) -> list[tuple[int, str]]:
    stmt = permissions.forward_targets(current_user, thread)
    officers = db.session.scalars(stmt.order_by(Municipality.code, Officer.name).limit(500))
    return [(0, _("選んでください"))] + [(o.id, f"{o.municipality.name} {o.public_label}") for o in officers]


def _thread_page(thread: Thread, status: int = 200, **forms):
    forward_form = forms.get("forward_form")
    if permissions.can_forward_thread(current_user, thread) and forward_form is None:
        forward_form = ForwardForm(formdata=None)
    if forward_form is not None:
        forward_form.officer.choices = _forward_choices(thread)
    return render_template(
        "contact/thread.html", thread=thread,
        reply_form=forms.get("reply_form") or ReplyForm(formdata=None),
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        forward_form=forward_form, action_form=ActionForm(formdata=None),
        blocked=actions.is_blocked(current_user, thread.sender_email),
        error=forms.get("error"),
    ), status


@bp.route("/threads/<int:thread_id>")
@login_required
def thread(thread_id: int):
    thread = _load_thread(thread_id)
    actions.mark_read(thread, current_user)
    return _thread_page(thread)


def _act(thread: Thread, action, form_name: str, form, success: str):
    if not form.validate_on_submit():
        return _thread_page(thread, 400, error=_("入力内容を確認してください。"), **{form_name: form})
    try:
        action()
    except ContactError as exc:
        db.session.rollback()
        return _thread_page(thread, 400, error=str(exc), **{form_name: form})
    flash(success, "success")
    return redirect(url_for("contact.thread", thread_id=thread.id))


@bp.route("/threads/<int:thread_id>/reply", methods=["POST"])
@login_required
def reply(thread_id: int):
    thread = _load_thread(thread_id)
    form = ReplyForm()
    return _act(thread, lambda: actions.reply(thread, current_user, form.body.data),
                "reply_form", form, _("返信しました。送信者にメールでお知らせします。"))


@bp.route("/threads/<int:thread_id>/note", methods=["POST"])
@login_required
def note(thread_id: int):
    thread = _load_thread(thread_id)
    form = NoteForm()
    return _act(thread, lambda: actions.add_note(thread, current_user, form.body.data),
                "note_form", form, _("メモを残しました（送信者には表示されません）。"))


@bp.route("/threads/<int:thread_id>/forward", methods=["POST"])
@login_required
def forward(thread_id: int):
    thread = _load_thread(thread_id)
    permissions.require(permissions.can_forward_thread(current_user, thread))
    form = ForwardForm()
    form.officer.choices = _forward_choices(thread)

    def action():
        officer = db.session.get(Officer, form.officer.data)
        if officer is None:
            raise ContactError(_("転送先を選んでください。"))
        actions.forward(thread, current_user, officer, form.note.data or "")

    return _act(thread, action, "forward_form", form, _("転送しました。"))


@bp.route("/threads/<int:thread_id>/status", methods=["POST"])
@login_required
def status(thread_id: int):
    thread = _load_thread(thread_id)
    form = ActionForm()
    return _act(thread, lambda: actions.set_status(thread, current_user, form.value.data),
                "action_form", form, _("状態を変更しました。"))


@bp.route("/threads/<int:thread_id>/block", methods=["POST"])
@login_required
def block(thread_id: int):
    thread = _load_thread(thread_id)
    form = ActionForm()
    return _act(thread, lambda: actions.set_block(current_user, thread, form.value.data == "1"),
                "action_form", form, _("送信者のブロック設定を変更しました。"))


@bp.route("/threads/<int:thread_id>/revoke", methods=["POST"])
@login_required
def revoke(thread_id: int):
    thread = _load_thread(thread_id)
    form = ActionForm()
    return _act(thread, lambda: links.revoke_link(thread, current_user),
                "action_form", form, _("送信者用のリンクを無効にしました。次の返信で新しいリンクが送られます。"))


# --- the outside sender's private link ---------------------------------------------------


@bp.route("/t/<token>", methods=["GET", "POST"])
@limit_by_address
def sender_thread(token: str):
    thread = links.thread_for_token(token)
    if thread is None:
        abort(404, description=_("このリンクは無効です。最新のメールに記載されたリンクをお使いください。"))
    form = ReplyForm()
    error, status_code = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                actions.sender_reply(thread, form.body.data)
            except ContactError as exc:
                db.session.rollback()
                error, status_code = str(exc), 400
            else:
                flash(_("送信しました。担当者からの返信はメールでお知らせします。"), "success")
                return _private(redirect(url_for("contact.sender_thread", token=token)))
        else:
            error, status_code = _("入力内容を確認してください。"), 400
    visible = [m for m in thread.messages if m.event in ("message", "reply")]
    return _private((render_template("contact/sender_thread.html", thread=thread, messages=visible,
                                     form=form, error=error), status_code))


# --- settings ----------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(notify_mode=current_user.notify_mode)
    if form.validate_on_submit():
        current_user.notify_mode = form.notify_mode.data
        db.session.commit()
        flash(_("通知の設定を保存しました。"), "success")
        return redirect(url_for("contact.settings"))
    return render_template("contact/settings.html", form=form), (400 if form.errors else 200)


# --- handover ----------------------------------------------------------------------------


@bp.route("/officers")
@login_required
def officers():
    permissions.require(permissions.can_list_officers(current_user))
    code = request.args.get("code", "")
    may_choose = permissions.can_choose_municipality(current_user)
    stmt = permissions.officers_for_handover(current_user).join(
        Municipality, Officer.municipality_id == Municipality.id)
    if may_choose and code:
        stmt = stmt.where(Municipality.code == code)
    elif may_choose:
        stmt = stmt.where(Municipality.kind == "special_ward")
    page = db.paginate(stmt.order_by(Municipality.code, Officer.active.desc(), Officer.name),
                       page=page_arg(), per_page=50, error_out=False)
    return render_template("contact/officers.html", page=page, code=code, may_choose=may_choose)


@bp.route("/officers/<int:officer_id>/handover", methods=["GET", "POST"])
@login_required
def handover(officer_id: int):
    officer = db.session.get(Officer, officer_id)
    if officer is None:
        abort(404)
    permissions.require(permissions.can_hand_over(current_user, officer))
    if not officer.active:
        # Already transferred: say so (and to whom), rather than offer to move nothing again.
        status_code = 409 if request.method == "POST" else 200
        return render_template("contact/handover_done.html", officer=officer), status_code
    form = HandoverForm()
    form.successor.choices = [(0, _("（新しい担当者を下に入力）"))] + [
        (o.id, o.public_label) for o in handover_service.successor_candidates(officer)]
    may_suspend = permissions.can_suspend_account(current_user, officer.user)
    if not may_suspend:
        form.account.choices = [c for c in form.account.choices if c[0] == "keep"]
    error, status_code = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            successor = db.session.get(Officer, form.successor.data) if form.successor.data else None
            new = None if successor else ContactInput(
                name=form.new_name.data, email=form.new_email.data,
                department=form.new_department.data or "", title=form.new_title.data or "")
            try:
                handover_service.hand_over(officer, current_user, successor=successor, new=new,
                                           note=form.note.data or "", account=form.account.data or "keep")
            except ContactError as exc:
                db.session.rollback()
                error, status_code = str(exc), 400
            else:
                flash(_("引き継ぎを記録しました。投稿と対応中のお問い合わせは後任に移りました。"), "success")
                return redirect(url_for("contact.officers"))
        else:
            error, status_code = _("入力内容を確認してください。"), 400
    open_threads = db.session.scalar(
        select(db.func.count(Thread.id)).where(Thread.officer_id == officer.id,
                                               Thread.status.in_(thread_model.OPEN_STATUSES)))
    postings = db.session.scalar(select(db.func.count(Posting.id)).where(Posting.officer_id == officer.id))
    return render_template("contact/handover.html", officer=officer, form=form, error=error,
                           open_threads=open_threads, postings=postings,
                           may_suspend=may_suspend), status_code


from app.contact import devmail  # noqa: E402,F401  (development mailbox pages)
