from sqlalchemy import func, select

from app.extensions import db
from app.models import Category, Desk, Municipality, region_for_prefecture


def test_every_local_government_is_loaded_with_its_region(app):
    counts = dict(db.session.execute(select(Municipality.kind, func.count()).group_by(Municipality.kind)).all())
    assert counts == {
        "prefecture": 47, "designated_city": 20, "city": 772, "town": 743,
        "village": 183, "special_ward": 23, "ward": 171,
    }
    wajima = db.session.scalar(select(Municipality).where(Municipality.code == "172049"))
    assert (wajima.name, wajima.prefecture, wajima.region) == ("輪島市", "石川県", "中部")
    assert db.session.scalar(select(Municipality).where(Municipality.code == "473260")).region == "九州・沖縄"


def test_regions_cover_all_47_prefectures():
    from app.models.geo import PREFECTURES

    assert len(PREFECTURES) == 47 == len(set(PREFECTURES))
    assert region_for_prefecture("北海道") == "北海道"
    assert region_for_prefecture("沖縄県") == "九州・沖縄"


def test_survey_categories_and_desks(app):
    codes = db.session.scalars(select(Category.code).order_by(Category.position)).all()
    assert codes[:2] == ["A-1", "A-2"] and codes[-1] == "B-11" and len(codes) == 21
    assert db.session.scalar(select(Category).where(Category.code == "B-1")).survey_count == 121
    desks = db.session.scalars(select(Desk)).all()
    assert len(desks) == 24
    assert sum(1 for d in desks if d.is_central) == 1


def test_reference_loading_is_idempotent(app):
    from app.services.data.reference import load_reference_data

    load_reference_data()
    assert db.session.scalar(select(func.count(Municipality.id))) == 1959
    assert db.session.scalar(select(func.count(Desk.id))) == 24
