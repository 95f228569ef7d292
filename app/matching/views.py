"""Suggested partners: the panel on posting pages and the full list of suggestions."""

from dataclasses import dataclass, field

from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app import permissions
from app.extensions import db
from app.filters import int_arg
from app.matching import bp
from app.models import Notice, Posting
from app.services import matching
from app.services.matching import notices
from app.services.matching.suggestions import MAX_SUGGESTIONS

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
        return Panel(matching.suggest(posting, current_user, limit))
    except matching.TextUnavailable:
        return Panel(available=False)


@bp.app_context_processor
def matching_helpers():
    return {"posting_matches": lambda posting: _panel(posting, PANEL_SIZE),
            "shows_suggestions": matching.looks_for_partners,
            "inbox_notices": lambda: notices.for_user(current_user)}


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@login_required
def notice_read(notice_id: int):
    notice = db.session.get(Notice, notice_id)
    permissions.require(notice is not None and permissions.can_read_notice(current_user, notice), hide=True)
    if not FlaskForm().validate_on_submit():
        abort(400, description="操作を確認してください。")
    notices.mark_read(notice)
    return redirect(url_for("contact.inbox"))


@bp.route("/postings/<int:posting_id>/matches")
def matches(posting_id: int):
    posting = db.session.get(Posting, posting_id)
    if posting is None or not permissions.can_view_posting(current_user, posting):
        abort(404)
    per_page = int_arg("per_page", "件数", 1, MAX_SUGGESTIONS, default=PAGE_SIZE)
    return render_template("matching/matches.html", posting=posting, panel=_panel(posting, per_page))
