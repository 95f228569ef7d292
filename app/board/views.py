"""The officials' exchange board (/board/): topics by category, answers, marks, search,
reports, moderation, contact with an author. Residents get a 404 on every page of it.

Rules live in app/permissions/ and app/services/board/; these views parse, call and render.
"""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app import permissions
from app.board import bp
from app.board.forms import AnswerForm, MarkForm, ReasonForm, ReportForm, TopicForm
from app.board.labels import KIND_NAMES, MARK_NAMES, REPORT_REASON_NAMES, STATUS_NAMES
from app.contact.forms import ContactForm
from app.contact.views import limit_by_address, limit_by_sender
from app.extensions import db, limiter
from app.filters import CATEGORY_CODES, choice_arg, page_arg, text_arg
from app.i18n import translated
from app.models import BoardReport, Category, Posting
from app.models.board import TOPIC_STATUSES
from app.public.helpers import locale
from app.public.themes import theme_label
from app.services.board import listing, moderation, notices, posts
from app.services.board import search as board_search
from app.services.board.posts import BoardError, TopicInput
from app.services.contact import routing
from app.services.contact.routing import Sender
from app.services.contact.text import ContactError

PER_PAGE = 20


def _board_limit() -> str:
    return current_app.config["RATELIMIT_BOARD"]


def _account_key() -> str:
    return f"user:{current_user.get_id()}"


# Topics, answers, edits and reports share one limit per account.
limit_writes = limiter.shared_limit(_board_limit, scope="board-write", methods=["POST"], key_func=_account_key)


@bp.before_request
def officials_only():
    # Residents have no account: for them the board does not exist.
    permissions.require(permissions.can_use_board(current_user), hide=True)


@bp.app_template_test("visible_posting")
def visible_posting(posting) -> bool:
    return permissions.can_view_posting(current_user, posting)


@bp.app_context_processor
def board_values():
    def board_unread_count() -> int:
        # Asked by the header and by board pages: counted once per request.
        if "board_unread" not in g:
            g.board_unread = notices.unread_count(current_user) if permissions.can_use_board(current_user) else 0
        return g.board_unread

    def board_search_count(q: str) -> int:
        return board_search.count(current_user, q or "")

    def board_topics_from(posting) -> list:
        return listing.topics_from_posting(current_user, posting)

    def board_unread_notices() -> list:
        if not permissions.can_use_board(current_user):
            return []
        return notices.recent(current_user, unread_only=True, limit=10)

    def board_category(category) -> str:
        """The survey's own label (a Category or its code); English visitors get the theme's
        English name."""
        code = getattr(category, "code", category)
        if locale() == "en":
            return theme_label(code, "en")
        if isinstance(category, str):
            if "board_category_labels" not in g:  # one query per page, not one per facet value
                g.board_category_labels = dict(db.session.execute(select(Category.code, Category.label)).all())
            return g.board_category_labels.get(code, code)
        return category.label

    return {
        "board_category": board_category,
        "board_unread_count": board_unread_count,
        "board_unread_notices": board_unread_notices,
        "board_search_count": board_search_count,
        "board_topics_from": board_topics_from,
        "BOARD_KIND_NAMES": KIND_NAMES,
        "BOARD_STATUS_NAMES": STATUS_NAMES,
        "BOARD_MARK_NAMES": MARK_NAMES,
        "BOARD_REPORT_REASONS": REPORT_REASON_NAMES,
    }


# --- lists --------------------------------------------------------------------------------


def _status_arg() -> str | None:
    return choice_arg("status", TOPIC_STATUSES, _("状態"))


def _topic_page(filters: listing.TopicFilters):
    page = db.paginate(listing.topics(current_user, filters), page=page_arg(), per_page=PER_PAGE,
                       error_out=False)
    return page, listing.answer_counts([t.id for t in page.items])


@bp.route("/")
def index():
    filters = listing.TopicFilters(status=_status_arg(), tag=text_arg("tag", _("分野"), 40) or None)
    page, counts = _topic_page(filters)
    moderator = permissions.can_moderate_board(current_user)
    return render_template(
        "board/index.html", page=page, counts=counts, filters=filters,
        categories=listing.category_counts(current_user),
        moderator=moderator, open_reports=len(moderation.open_reports()) if moderator else 0,
    )


@bp.route("/c/<code>")
def category(code: str):
    found = db.session.scalar(select(Category).where(Category.code == code))
    permissions.require(found is not None, hide=True)
    filters = listing.TopicFilters(category=code, status=_status_arg())
    page, counts = _topic_page(filters)
    return render_template("board/category.html", category=found, page=page, counts=counts,
                           filters=filters)


@bp.route("/search")
def search():
    params = board_search.BoardSearchParams(
        q=text_arg("q", _("検索語"), 200),
        category=choice_arg("category", CATEGORY_CODES, _("カテゴリ")),
        status=_status_arg(),
        field=text_arg("field", _("分野"), 40) or None,
        sort=choice_arg("sort", board_search.SORTS, _("並び順")) or "relevance",
        page=page_arg(),
    )
    found = board_search.search(current_user, params)

    def link(**changes) -> str:
        args = {**params.to_args(), "page": None, **changes}
        return url_for("board.search", **{k: v for k, v in args.items() if v not in (None, "")})

    return render_template("board/search.html", params=params, found=found, link=link,
                           sorts=board_search.SORTS,
                           counts=listing.answer_counts([h.topic.id for h in found.hits]))


@bp.route("/notices")
def notice_list():
    items = notices.recent(current_user)
    response = render_template("board/notices.html", items=items)
    notices.mark_read(current_user)
    return response


# --- topics -------------------------------------------------------------------------------


def _topic_input(form: TopicForm) -> TopicInput:
    return TopicInput(
        title=form.title.data, body=form.body.data,
        categories=posts.categories_by_code(form.categories.data or []),
        tags=form.tag_list, kind=form.kind.data,
        summary_publishable=bool(form.summary_publishable.data),
    )


def _form_page(template: str, form, status: int, error: str | None = None, **context):
    return render_template(template, form=form, error=error, **context), status


@bp.route("/new", methods=["GET", "POST"])
@limit_writes
def new_topic():
    form = TopicForm()
    if request.method == "GET" and request.args.get("category") in CATEGORY_CODES:
        form.categories.data = [request.args["category"]]
    if form.validate_on_submit():
        try:
            topic = posts.create_topic(_topic_input(form), current_user)
        except BoardError as exc:
            db.session.rollback()
            return _form_page("board/topic_form.html", form, 400, str(exc), topic=None)
        flash(_("話題を投稿しました。回答があると受信箱でお知らせします。"), "success")
        return redirect(url_for("board.topic", topic_id=topic.id))
    status = 400 if form.errors else 200
    return _form_page("board/topic_form.html", form, status,
                      _("入力内容を確認してください。") if form.errors else None, topic=None)


def _own_posting_choices(form: AnswerForm) -> None:
    """The answerer's municipality's published postings, to attach in one click."""
    own = permissions.acting_municipality_id(current_user)
    choices = []
    if own is not None:
        mine = db.session.scalars(
            permissions.visible_postings(current_user)
            .where(Posting.municipality_id == own, Posting.status == "published")
            .order_by(Posting.published_at.desc().nulls_last(), Posting.id.desc()).limit(30)
        )
        choices = [(p.id, f"{translated(p.kind_label)}: {p.title}") for p in mine]
    form.own_postings.choices = choices


def _render_topic(topic, status: int = 200, answer_form: AnswerForm | None = None,
                  error: str | None = None, **forms):
    if answer_form is None:
        answer_form = AnswerForm(formdata=None)
    _own_posting_choices(answer_form)
    return render_template(
        "board/topic.html", topic=topic, answer_form=answer_form, error=error, perm=permissions,
        answers=listing.answers_of(topic), related=listing.related(current_user, topic),
        can_edit=lambda item: posts.can_edit(current_user, item),
        mark_form=MarkForm(formdata=None), reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        moderating=forms.get("moderating"),
    ), status


@bp.route("/topics/<int:topic_id>")
def topic(topic_id: int):
    found = posts.load_topic(topic_id, current_user)
    notices.mark_read(current_user, found)
    return _render_topic(found)


@bp.route("/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@limit_writes
def edit_topic(topic_id: int):
    found = posts.load_topic(topic_id, current_user)
    permissions.require(posts.can_edit(current_user, found),
                        _("編集できるのは、投稿した本人が投稿から%(hours)s時間以内の間だけです。",
                          hours=current_app.config["BOARD_EDIT_WINDOW_HOURS"]))
    form = TopicForm(obj=found if request.method == "GET" else None)
    if request.method == "GET":
        form.categories.data = [c.code for c in found.categories]
        form.tags.data = "、".join(t.name for t in found.tags)
    if form.validate_on_submit():
        try:
            posts.update_topic(found, _topic_input(form), current_user)
        except BoardError as exc:
            db.session.rollback()
            return _form_page("board/topic_form.html", form, 400, str(exc), topic=found)
        flash(_("話題を更新しました。"), "success")
        return redirect(url_for("board.topic", topic_id=found.id))
    status = 400 if form.errors else 200
    return _form_page("board/topic_form.html", form, status,
                      _("入力内容を確認してください。") if form.errors else None, topic=found)


# --- answers ------------------------------------------------------------------------------


@bp.route("/topics/<int:topic_id>/answers", methods=["POST"])
@limit_writes
def answer(topic_id: int):
    found = posts.load_topic(topic_id, current_user)
    form = AnswerForm()
    _own_posting_choices(form)
    if not form.validate_on_submit():
        return _render_topic(found, 400, form, _("回答の入力内容を確認してください。"))
    try:
        created = posts.add_answer(found, form.body.data, current_user, form.posting_ids)
    except BoardError as exc:
        db.session.rollback()
        return _render_topic(found, 400, form, str(exc))
    flash(_("回答しました。話題の投稿者に受信箱でお知らせします。"), "success")
    return redirect(url_for("board.topic", topic_id=found.id, _anchor=f"answer-{created.id}"))


@bp.route("/answers/<int:answer_id>/edit", methods=["GET", "POST"])
@limit_writes
def edit_answer(answer_id: int):
    found = posts.load_answer(answer_id, current_user)
    permissions.require(posts.can_edit(current_user, found),
                        _("編集できるのは、投稿した本人が投稿から%(hours)s時間以内の間だけです。",
                          hours=current_app.config["BOARD_EDIT_WINDOW_HOURS"]))
    form = AnswerForm(obj=found if request.method == "GET" else None)
    _own_posting_choices(form)
    if request.method == "GET":
        own = {c for c, _label in form.own_postings.choices}
        form.own_postings.data = [p.id for p in found.postings if p.id in own]
        form.posting_refs.data = "、".join(str(p.id) for p in found.postings if p.id not in own)
    if form.validate_on_submit():
        try:
            posts.update_answer(found, form.body.data, current_user, form.posting_ids)
        except BoardError as exc:
            db.session.rollback()
            return _form_page("board/answer_form.html", form, 400, str(exc), answer=found)
        flash(_("回答を更新しました。"), "success")
        return redirect(url_for("board.topic", topic_id=found.topic_id, _anchor=f"answer-{found.id}"))
    status = 400 if form.errors else 200
    return _form_page("board/answer_form.html", form, status,
                      _("入力内容を確認してください。") if form.errors else None, answer=found)


@bp.route("/answers/<int:answer_id>/mark", methods=["POST"])
def mark(answer_id: int):
    found = posts.load_answer(answer_id, current_user)
    permissions.require(permissions.can_mark_answer(current_user, found),
                        _("回答に印を付けられるのは、話題を投稿した人だけです。"))
    form = MarkForm()
    if not form.validate_on_submit():
        return _render_topic(found.topic, 400, error=_("印の指定が正しくありません。"))
    value = None if form.mark.data == "none" else form.mark.data
    posts.mark_answer(found, value, current_user)
    if value == "solution":
        flash(_("「解決」の印を付けました。話題は解決済みになります。"), "success")
    elif value == "helpful":
        flash(_("「参考になった」の印を付けました。"), "success")
    else:
        flash(_("印を外しました。"), "success")
    return redirect(url_for("board.topic", topic_id=found.topic_id, _anchor=f"answer-{found.id}"))


# --- reports and contact ------------------------------------------------------------------


def _report(item, topic):
    permissions.require(permissions.can_report_board_item(current_user, item), _("この投稿は報告できません。"))
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report(item, form.reason.data, form.detail.data or "", current_user)
        except BoardError as exc:
            db.session.rollback()
            return _form_page("board/report.html", form, 400, str(exc), item=item, topic=topic)
        flash(_("報告しました。連携窓口・管理者が確認します。"), "success")
        return redirect(url_for("board.topic", topic_id=topic.id))
    status = 400 if form.errors else 200
    return _form_page("board/report.html", form, status,
                      _("報告の理由を選んでください。") if form.errors else None, item=item, topic=topic)


@bp.route("/topics/<int:topic_id>/report", methods=["GET", "POST"])
@limit_writes
def report_topic(topic_id: int):
    found = posts.load_topic(topic_id, current_user)
    return _report(found, found)


@bp.route("/answers/<int:answer_id>/report", methods=["GET", "POST"])
@limit_writes
def report_answer(answer_id: int):
    found = posts.load_answer(answer_id, current_user)
    return _report(found, found.topic)


def _contact(item, topic):
    """A message to the author through the contact routing: the address is never shown."""
    permissions.require(permissions.can_contact_board_author(current_user, item),
                        _("この職員には連絡できません。"))
    form = ContactForm()
    context = {"target": item.author_label, "board_topic": topic}
    if request.method == "GET":
        form.name.data = current_user.name
        form.email.data = current_user.email
        form.organisation.data = _organisation()
        form.subject.data = _("掲示板「%(title)s」について", title=topic.title)[:200]
        return render_template("contact/form.html", form=form, **context)
    if not form.validate_on_submit():
        return render_template("contact/form.html", form=form, error=_("入力内容を確認してください。"),
                               **context), 400
    sender = Sender(form.name.data, form.email.data, form.organisation.data or "", current_user)
    reason = (f"このメールは、あなたが架け橋の職員掲示板に書いた話題「{topic.title}」を読んだ職員から"
              "連絡があったため送信しています。")
    try:
        routing.contact_official(item.author, sender, form.subject.data or "", form.body.data, reason)
    except ContactError as exc:
        db.session.rollback()
        return render_template("contact/form.html", form=form, error=str(exc), **context), 400
    return redirect(url_for("contact.sent"))


def _organisation() -> str:
    if current_user.municipality is not None:
        return current_user.municipality.display_name
    return current_user.desk.name if current_user.desk is not None else ""


@bp.route("/topics/<int:topic_id>/contact", methods=["GET", "POST"])
@limit_by_address
@limit_by_sender
def contact_topic(topic_id: int):
    found = posts.load_topic(topic_id, current_user)
    return _contact(found, found)


@bp.route("/answers/<int:answer_id>/contact", methods=["GET", "POST"])
@limit_by_address
@limit_by_sender
def contact_answer(answer_id: int):
    found = posts.load_answer(answer_id, current_user)
    return _contact(found, found.topic)


# --- moderation ---------------------------------------------------------------------------

TOPIC_ACTIONS = {"hide": moderation.hide, "restore": moderation.restore,
                 "close": moderation.close, "reopen": moderation.reopen}
ANSWER_ACTIONS = {"hide": moderation.hide, "restore": moderation.restore}
DONE = {"hide": _l("非表示にしました。"), "restore": _l("表示に戻しました。"),
        "close": _l("話題を締め切りました。"), "reopen": _l("話題の受付を再開しました。")}


def _moderate(item, topic, actions: dict, target: str):
    permissions.require(permissions.can_moderate_board(current_user),
                        _("掲示板の管理は、連携窓口と管理者が行います。"))
    form = ReasonForm()
    action = actions.get(form.action.data or "")
    if action is None:
        return _render_topic(topic, 400, error=_("操作の指定が正しくありません。"))
    if not form.validate_on_submit():
        return _render_topic(topic, 400, error=_("理由を入力してください。"), reason_form=form,
                             moderating=f"{target}-{form.action.data}")
    try:
        action(item, form.reason.data, current_user)
    except BoardError as exc:
        db.session.rollback()
        return _render_topic(topic, 400, error=str(exc))
    flash(str(DONE[form.action.data]), "success")
    return redirect(url_for("board.topic", topic_id=topic.id))


@bp.route("/topics/<int:topic_id>/moderate", methods=["POST"])
def moderate_topic(topic_id: int):
    found = posts.load_topic(topic_id, current_user)
    return _moderate(found, found, TOPIC_ACTIONS, "topic")


@bp.route("/answers/<int:answer_id>/moderate", methods=["POST"])
def moderate_answer(answer_id: int):
    found = posts.load_answer(answer_id, current_user)
    return _moderate(found, found.topic, ANSWER_ACTIONS, f"answer-{found.id}")


@bp.route("/moderation")
def moderation_queue():
    permissions.require(permissions.can_moderate_board(current_user),
                        _("掲示板の管理は、連携窓口と管理者が行います。"))
    return render_template("board/moderation.html", reports=moderation.open_reports(),
                           log=moderation.recently_moderated(), form=ReasonForm(formdata=None))


@bp.route("/reports/<int:report_id>/dismiss", methods=["POST"])
def dismiss_report(report_id: int):
    permissions.require(permissions.can_moderate_board(current_user),
                        _("掲示板の管理は、連携窓口と管理者が行います。"))
    entry = db.session.get(BoardReport, report_id)
    permissions.require(entry is not None, hide=True)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render_template("board/moderation.html", reports=moderation.open_reports(),
                               log=moderation.recently_moderated(), form=form, failed=entry.id,
                               error=_("対応の内容を入力してください。")), 400
    try:
        moderation.dismiss_report(entry, form.reason.data, current_user)
    except BoardError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("board.moderation_queue"))
    flash(_("報告を「対応不要」として閉じました。"), "success")
    return redirect(url_for("board.moderation_queue"))
