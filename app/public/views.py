"""Public pages for residents and visitors: no login needed."""

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import func, select

from app.extensions import db
from app.filters import page_arg
from app.models import Category, Municipality, Posting
from app.models.geo import PREFECTURES
from app.public import bp
from app.services import postings as service
from app.services.postings import ListFilters


@bp.route("/")
def home():
    newest = db.session.scalars(
        service.filtered_postings(current_user, ListFilters(kind="case_study")).limit(6)
    ).all()
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    return render_template("public/home.html", newest=newest, categories=categories)


@bp.route("/about")
def about():
    return render_template("public/about.html")


@bp.route("/municipalities")
def municipalities():
    """Participating municipalities: those that own or partner in a posting the visitor can see."""
    visible = service.visible_postings(current_user).subquery()
    owners = select(visible.c.municipality_id)
    counts = dict(
        db.session.execute(
            select(Municipality.id, func.count()).join(visible, visible.c.municipality_id == Municipality.id)
            .group_by(Municipality.id)
        ).all()
    )
    rows = db.session.scalars(
        select(Municipality).where(Municipality.id.in_(owners)).order_by(Municipality.code)
    ).all()
    wards = db.session.scalars(
        select(Municipality).where(Municipality.kind == "special_ward").order_by(Municipality.code)
    ).all()
    return render_template(
        "public/municipalities.html", municipalities=rows, counts=counts, wards=wards,
        prefectures=PREFECTURES,
    )


@bp.route("/m/<code>")
def municipality(code: str):
    muni = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if muni is None:
        abort(404)
    stmt = service.filtered_postings(current_user, ListFilters(municipality_id=muni.id))
    page = db.paginate(stmt, page=page_arg(), per_page=20, error_out=False)
    partners = _partners_of(muni)
    return render_template("public/municipality.html", muni=muni, page=page, partners=partners)


def _partners_of(muni: Municipality) -> list[tuple[Municipality, int]]:
    """Municipalities that share a visible posting with `muni`, with how many."""
    visible = service.visible_postings(current_user).where(
        (Posting.municipality_id == muni.id) | Posting.partners.any(Municipality.id == muni.id)
    )
    counts: dict[int, int] = {}
    for posting in db.session.scalars(visible).unique():
        others = {posting.municipality_id} | {p.id for p in posting.partners}
        for other in others - {muni.id}:
            counts[other] = counts.get(other, 0) + 1
    if not counts:
        return []
    munis = {m.id: m for m in db.session.scalars(select(Municipality).where(Municipality.id.in_(counts)))}
    return sorted(((munis[i], n) for i, n in counts.items()), key=lambda x: (-x[1], x[0].code))
