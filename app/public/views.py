"""Public pages for residents and visitors: no login needed."""

from flask import abort, make_response, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.filters import page_arg
from app.i18n import LANG_COOKIE
from app.models import Municipality
from app.models.geo import PREFECTURES, REGIONS
from app.public import bp
from app.public.tilemap import COLUMNS, ROWS, TILES, short_name
from app.security import safe_next
from app.services.events import calendar
from app.services.postings import listing
from app.services.postings.listing import ListFilters
from app.services.public import exchanges as exchange_record
from app.services.public import stories

ONE_YEAR = 365 * 24 * 3600
TEXT_SIZES = ("normal", "large")


@bp.route("/")
def home():
    featured, newest = stories.home_stories(current_user)
    return render_template(
        "public/home.html",
        featured=featured,
        newest=newest,
        categories=stories.categories(),
        upcoming=calendar.upcoming_events(current_user, limit=3),
    )


@bp.route("/about")
def about():
    return render_template("public/about.html")


@bp.route("/municipalities")
def municipalities():
    """Participating municipalities: those that own or partner in a posting the visitor can see."""
    rows = exchange_record.participating(current_user)
    counts = {m.id: n for m, n in rows}
    wards = db.session.scalars(
        select(Municipality).where(Municipality.kind == "special_ward").order_by(Municipality.code)
    ).all()
    by_prefecture: dict[str, list] = {}
    for m, n in rows:
        if not m.is_special_ward:
            by_prefecture.setdefault(m.prefecture, []).append((m, n))
    return render_template(
        "public/municipalities.html",
        wards=wards,
        counts=counts,
        by_prefecture={p: by_prefecture[p] for p in PREFECTURES if p in by_prefecture},
    )


@bp.route("/municipalities/exchanges")
def exchanges():
    """特別区と交流実績がある市町村一覧, by prefecture."""
    record = exchange_record.ward_exchange_record(current_user)
    return render_template("public/exchanges.html", record=record)


@bp.route("/m/<code>")
def municipality(code: str):
    muni = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if muni is None:
        abort(404)
    stmt = listing.filtered_postings(current_user, ListFilters(municipality_id=muni.id))
    page = db.paginate(stmt, page=page_arg(), per_page=20, error_out=False)
    partners = exchange_record.partners_of(current_user, muni)
    ward_partners = [(m, n) for m, n in partners if m.is_special_ward]
    return render_template(
        "public/municipality.html", muni=muni, page=page, partners=partners,
        ward_partners=ward_partners,
    )


@bp.route("/map")
def japan_map():
    counts = exchange_record.prefecture_counts(current_user)
    bins = exchange_record.shade_steps(counts)
    tiles = [
        {
            "name": pref, "short": short_name(pref), "col": TILES[pref][0], "row": TILES[pref][1],
            "count": counts[pref], "level": exchange_record.shade_level(counts[pref], bins),
        }
        for pref in PREFECTURES
    ]
    return render_template(
        "public/map.html", tiles=tiles, bins=bins, columns=COLUMNS, rows=ROWS,
        regions=REGIONS, counts=counts, total=sum(1 for t in tiles if t["count"]),
        levels={t["name"]: t["level"] for t in tiles},
    )


def _back():
    return redirect(safe_next(request.args.get("next")), code=303)


@bp.route("/settings/text-size")
def text_size():
    """Text-size switch as a plain link (works without JavaScript); remembered for a year."""
    size = request.args.get("size", "")
    if size not in TEXT_SIZES:
        abort(400, description=_("文字サイズは「標準」か「大きく」を選んでください。"))
    response = make_response(_back())
    response.set_cookie("text_size", size, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@bp.route("/settings/language")
def language():
    lang = request.args.get("lang", "")
    if lang not in ("ja", "en"):
        abort(400, description=_("言語は日本語（ja）か英語（en）を選んでください。"))
    response = make_response(_back())
    response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response
