"""Follows: save a search, follow a category/region/prefecture/municipality/kind, manage them,
read received digests; one-click unsubscribe and per-search Atom feeds work without login."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import permissions
from app.actions import confirm_post, flashed
from app.extensions import csrf, db
from app.follow import bp
from app.follow.forms import AddFollowForm, ConfirmForm, FollowEditForm
from app.i18n import translated
from app.models import Category, Digest, Follow
from app.models.base import utcnow
from app.public.feeds import _atom_time
from app.security import safe_next
from app.services.follow import digests, follows, matching, tokens
from app.services.follow.feed import feed_entries

FEED_SIZE = 30


def _own(follow_id: int) -> Follow:
    follow = db.session.get(Follow, follow_id)
    permissions.require(follow is not None and permissions.can_manage_follow(current_user, follow),
                        hide=True)
    return follow


@bp.route("/")
@login_required
def index():
    permissions.require(permissions.can_follow(current_user))
    rows = db.session.scalars(permissions.own_follows(current_user).order_by(Follow.id)).all()
    recent = db.session.scalars(
        permissions.own_digests(current_user).order_by(Digest.created_at.desc()).limit(10)).all()
    return render_template(
        "follow/index.html", follows=rows, counts=matching.new_counts(rows, utcnow()),
        describe=follows.describe, recent=recent, add_form=AddFollowForm(),
        edit_form=lambda f: FollowEditForm(formdata=None, obj=f, prefix=f"f{f.id}"),
        confirm=ConfirmForm(), feed_token=tokens.feed_token,
        categories=db.session.scalars(select(Category).order_by(Category.position)).all(),
        next_digest=digests.next_run_hint(utcnow()),
    )


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)


@bp.route("/search", methods=["POST"])
@login_required
def save_search():
    confirm_post(ConfirmForm(), _("フォームの有効期限が切れました。もう一度お試しください。"))
    filters = {k: request.form.get(k, "") for k in follows.SEARCH_FILTERS}
    try:
        follow = follows.save_search(current_user, request.form.get("q", ""), filters)
    except follows.FollowError as exc:
        flash(str(exc), "error")
        return redirect(_back(url_for("search.results"))), 303
    flash(_("検索「%(name)s」を保存しました。新しい投稿は毎日まとめてお知らせします。", name=follow.name),
          "success")
    return redirect(url_for("follow.index")), 303


@bp.route("/follow", methods=["POST"])
@login_required
def add():
    form = AddFollowForm()
    if not form.validate_on_submit():
        flash(_("フォローする対象を選んでください。"), "error")
        return redirect(_back(url_for("follow.index"))), 303
    try:
        follow = follows.follow_value(current_user, form.target.data, form.value.data)
    except follows.FollowError as exc:
        flash(str(exc), "error")
        return redirect(_back(url_for("follow.index"))), 303
    flash(_("「%(name)s」をフォローしました。", name=follow.name), "success")
    return redirect(_back(url_for("follow.index"))), 303


@bp.route("/<int:follow_id>", methods=["POST"])
@login_required
def edit(follow_id: int):
    follow = _own(follow_id)
    form = FollowEditForm(prefix=f"f{follow.id}")
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash(" ".join(map(str, errors)) or _("入力内容を確認してください。"), "error")
        return redirect(url_for("follow.index")), 303
    with flashed(follows.FollowError, lambda: _("「%(name)s」を保存しました。", name=follow.name)):
        follows.update(current_user, follow, name=form.name.data, frequency=form.frequency.data,
                       paused=form.paused.data)
    return redirect(url_for("follow.index")), 303


@bp.route("/<int:follow_id>/delete", methods=["POST"])
@login_required
def remove(follow_id: int):
    follow = _own(follow_id)
    confirm_post(ConfirmForm(), _("フォームの有効期限が切れました。もう一度お試しください。"))
    name = follow.name
    follows.delete(current_user, follow)
    flash(_("「%(name)s」を削除しました。", name=name), "success")
    return redirect(url_for("follow.index")), 303


@bp.route("/digests/<int:digest_id>")
@login_required
def digest(digest_id: int):
    found = db.session.scalar(permissions.own_digests(current_user).where(Digest.id == digest_id))
    if found is None:
        abort(404)
    groups: dict[str, list] = {}
    for item in found.items:
        groups.setdefault(item.group, []).append(item)
    return render_template("follow/digest.html", digest=found, groups=groups,
                           label=translated(digests.PERIOD_LABELS.get(found.frequency, "")))


# --- without login: one-click unsubscribe (RFC 8058) and feeds -----------------------------


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no session
def unsubscribe(token: str):
    found = tokens.read_unsubscribe(token)
    if found is None:
        abort(404, description=_("このリンクは正しくありません。メールに書かれたリンクをそのままお使いください。"))
    user_id, follow_ids = found
    stopped = follows.pause_all(user_id, follow_ids)
    if request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click":
        return Response("unsubscribed\n", mimetype="text/plain")
    return render_template("follow/unsubscribed.html", stopped=stopped, token=token, form=ConfirmForm())


@bp.route("/unsubscribe/<token>/undo", methods=["POST"])
def resubscribe(token: str):
    found = tokens.read_unsubscribe(token)
    if found is None:
        abort(404)
    confirm_post(ConfirmForm(), _("フォームの有効期限が切れました。メールのリンクからもう一度お試しください。"))
    resumed = follows.resume_all(*found)
    return render_template("follow/unsubscribed.html", resumed=resumed, token=token, form=ConfirmForm())


@bp.route("/feed/<token>.atom")
def feed(token: str):
    follow_id = tokens.read_feed(token)
    follow = db.session.get(Follow, follow_id) if follow_id is not None else None
    if follow is None:
        abort(404)
    reader = current_user if permissions.is_official(current_user) else None
    entries = feed_entries(follow, reader, FEED_SIZE)
    updated = max((p.updated_at for p in entries), default=None)
    body = render_template("feeds/postings.atom.xml", entries=entries, title=follow.name,
                           updated=_atom_time(updated), atom_time=_atom_time, self_url=request.url)
    response = Response(body, mimetype="application/atom+xml")
    # Officials-only entries must never sit in a shared cache.
    response.headers["Cache-Control"] = "private, no-store" if reader is not None else "public, max-age=300"
    response.headers["Vary"] = "Cookie"
    return response
