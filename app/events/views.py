"""Events (HA-4): month calendar, list, detail, iCalendar export, and the officials' form."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from app import permissions
from app.events import bp
from app.events.forms import EventForm
from app.extensions import db
from app.filters import page_arg
from app.models import Event, Municipality, Posting
from app.permissions import visible_postings
from app.services.events import calendar as event_calendar
from app.services.events import editing, ics
from app.services.events.editing import EventInput
from app.timestamps import JST, jst_midnight, to_jst

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month_arg() -> tuple[int, int]:
    raw = request.args.get("month", "").strip()
    if not raw:
        today = event_calendar.now_jst().date()
        return today.year, today.month
    match = MONTH.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        abort(400, description=_("月の指定「%(month)s」は使えません。2026-12 のように年と月を指定してください。", month=raw))
    return int(match.group(1)), int(match.group(2))


@bp.route("/")
def calendar():
    year, month = _month_arg()
    grid = event_calendar.month_grid(current_user, year, month)
    today = event_calendar.now_jst().date()
    return render_template("events/calendar.html", grid=grid, today=today)


@bp.route("/list")
def listing():
    """Upcoming events, page by page (past ones with ?past=1)."""
    past = request.args.get("past") == "1"
    today = jst_midnight(event_calendar.now_jst().date())
    stmt = permissions.visible_events(current_user)
    if past:
        stmt = stmt.where(Event.starts_at < today).order_by(Event.starts_at.desc())
    else:
        stmt = stmt.where(Event.starts_at >= today).order_by(Event.starts_at)
    page = db.paginate(stmt, page=page_arg(), per_page=20, error_out=False)
    return render_template("events/list.html", page=page, past=past)


def _load(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not permissions.can_view_event(current_user, event):
        abort(404)
    return event


@bp.route("/<int:event_id>")
def detail(event_id: int):
    event = _load(event_id)
    return render_template(
        "events/detail.html", event=event, can_edit=permissions.can_edit_event(current_user, event),
        month=event_calendar.local_day(event.starts_at).strftime("%Y-%m"),
    )


def _host() -> str:
    return urlsplit(request.host_url).hostname or "kakehashi"


def _ics_response(events, filename: str) -> Response:
    body = ics.to_ics(
        events, lambda e: url_for("events.detail", event_id=e.id, _external=True), _host()
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/<int:event_id>.ics")
def event_ics(event_id: int):
    return _ics_response([_load(event_id)], f"kakehashi-event-{event_id}.ics")


@bp.route("/calendar.ics")
def calendar_ics():
    """Every event the visitor may see from a month ago on (the whole calendar)."""
    since = event_calendar.now_jst().date().replace(day=1) - timedelta(days=31)
    start, _ = event_calendar.day_bounds(since, since)
    stmt = permissions.visible_events(current_user).where(Event.starts_at >= start)
    events = db.session.scalars(stmt.order_by(Event.starts_at).limit(1000)).all()
    return _ics_response(events, "kakehashi-events.ics")


# --- officials: create / edit / delete --------------------------------------------------


def _acting_municipality(form: EventForm) -> Municipality | None:
    own = permissions.acting_municipality_id(current_user)
    if own is not None:
        return db.session.get(Municipality, own)
    code = (form.municipality.data or "").strip()
    return db.session.scalar(select(Municipality).where(Municipality.code == code)) if code else None


def _posting_choices(form: EventForm, muni: Municipality | None) -> None:
    choices = [(0, _("（なし）"))]
    if muni is not None:
        stmt = visible_postings(current_user).where(
            or_(Posting.municipality_id == muni.id, Posting.partners.any(Municipality.id == muni.id))
        ).order_by(Posting.id.desc()).limit(200)
        choices += [(p.id, p.title[:60]) for p in db.session.scalars(stmt).unique()]
    form.posting.choices = choices


def _wall_clock(value: datetime | None) -> datetime | None:
    """What the form's datetime-local field shows: Japan time without an offset."""
    return to_jst(value).replace(tzinfo=None) if value else None


def _japan_time(value: datetime | None) -> datetime | None:
    """The form's naive value is entered in Japan time."""
    return value.replace(tzinfo=JST) if value else None


def _save(event: Event | None):
    form = EventForm(obj=None)
    if request.method == "GET" and event is not None:
        form = EventForm(obj=event)
        # Fields whose form value is not the attribute itself (obj wins over keyword arguments).
        form.starts_at.data, form.ends_at.data = _wall_clock(event.starts_at), _wall_clock(event.ends_at)
        form.posting.data, form.municipality.data = event.posting_id or 0, event.municipality.code
    muni = event.municipality if event is not None else _acting_municipality(form)
    _posting_choices(form, muni)
    if form.validate_on_submit():
        if muni is None:
            form.municipality.errors = [*form.municipality.errors, _("主催する自治体の団体コードを入力してください。")]
        else:
            posting = db.session.get(Posting, form.posting.data) if form.posting.data else None
            data = EventInput(
                title=form.title.data, municipality_id=muni.id, kind=form.kind.data,
                starts_at=_japan_time(form.starts_at.data), ends_at=_japan_time(form.ends_at.data),
                place=form.place.data, online_url=form.online_url.data,
                description=form.description.data or "", posting=posting,
                visibility=form.visibility.data,
            )
            saved = editing.save_event(event, data, current_user)
            flash(_("イベントを保存しました。"), "success")
            return redirect(url_for("events.detail", event_id=saved.id))
    return render_template("events/form.html", form=form, event=event, muni=muni), (
        400 if form.errors else 200
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    permissions.require(permissions.can_create_posting(current_user))
    return _save(None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = _load(event_id)
    permissions.require(permissions.can_edit_event(current_user, event))
    return _save(event)


@bp.route("/<int:event_id>/delete", methods=["POST"])
@login_required
def delete(event_id: int):
    event = _load(event_id)
    editing.delete_event(event, current_user)
    flash(_("イベントを削除しました。"), "success")
    return redirect(url_for("events.calendar"))
