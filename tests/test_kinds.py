"""The registry of posting kinds (app/models/kinds.py) and everything that derives from it:
a kind missing anywhere fails here, naming where."""

import json
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import JSON, Date, Integer, String, Text
from wtforms.validators import NumberRange

from app.models.kinds import DETAIL_FIELDS, KIND_SLUGS, KINDS, REGISTRY, kind_name
from app.models.postings import POSTING_CLASSES

ROOT = Path(__file__).resolve().parents[1]
KEYS = list(REGISTRY)
COLUMN_TYPES = {str: (String, Text), int: (Integer,), date: (Date,), list: (JSON,)}


def test_every_view_of_the_registry_has_every_kind():
    for view in (KINDS, KIND_SLUGS, DETAIL_FIELDS, POSTING_CLASSES):
        assert list(view) == KEYS
    assert len(set(KIND_SLUGS.values())) == len(KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_each_detail_is_a_column_of_the_kinds_table_with_its_type(key):
    table = POSTING_CLASSES[key].__table__
    for detail in REGISTRY[key].details:
        assert detail.name in table.c, detail.name
        assert isinstance(table.c[detail.name].type, COLUMN_TYPES[detail.type]), detail.name
        if detail.type is int:
            assert detail.bounds is not None, detail.name
        if detail.type is list:
            assert detail.choices, detail.name


@pytest.mark.parametrize("key", KEYS)
def test_the_form_has_each_detail_with_the_registrys_bounds(app, key):
    from app.postings.forms import FORMS

    with app.test_request_context():
        form = FORMS[key](meta={"csrf": False})
        assert set(form.detail_data()) == set(DETAIL_FIELDS[key])
        for detail in REGISTRY[key].details:
            field = getattr(form, detail.name)
            ranges = [v for v in field.validators if isinstance(v, NumberRange)]
            if detail.bounds:
                assert [(r.min, r.max) for r in ranges] == [detail.bounds], detail.name
            if detail.choices and detail.type is str:
                assert [value for value, _ in field.choices] == list(detail.choices), detail.name


def test_forms_exist_for_exactly_the_kinds():
    from app.postings.forms import FORMS

    assert list(FORMS) == KEYS


@pytest.mark.parametrize("key", KEYS)
def test_the_kind_has_an_english_name(app, key):
    with app.test_request_context(), force_locale("en"):
        english = kind_name(key)
    assert english and english != KINDS[key]


@pytest.mark.parametrize("key", KEYS)
def test_the_kinds_list_page_answers(client, key):
    assert client.get(f"/postings/{KIND_SLUGS[key]}/").status_code == 200


def test_export_api_and_search_labels_cover_every_kind(app):
    from app.api.openapi import document
    from app.services.opendata.export import DETAIL_COLUMNS
    from app.services.search.query import value_label

    assert {name for fields in DETAIL_FIELDS.values() for name in fields} == set(DETAIL_COLUMNS)
    with app.test_request_context():
        enums = [p["schema"]["enum"] for p in document("http://localhost")["paths"]["/search"]["get"]["parameters"]
                 if p["name"] == "kind"]
    assert enums == [KEYS]
    assert [value_label("kind", key) for key in KEYS] == [KINDS[key] for key in KEYS]


def test_the_demo_data_shows_every_kind():
    lines = (ROOT / "app/data/demo/postings.jsonl").read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["kind"] for line in lines if line.strip()} == set(KEYS)


@pytest.mark.parametrize("key", [k for k in KEYS if any(d.bounds for d in REGISTRY[k].details)])
def test_the_importer_takes_what_the_form_takes(key):
    """A whole number inside the registry's bounds is imported, one outside refused (the form
    refuses the same, test above)."""
    from app.services.postings.importer import InvalidLine, _details

    for detail in (d for d in REGISTRY[key].details if d.bounds):
        low, high = detail.bounds
        assert _details(key, {detail.name: low})[detail.name] == low
        assert _details(key, {detail.name: high})[detail.name] == high
        for outside in (low - 1, high + 1):
            with pytest.raises(InvalidLine, match="範囲外"):
                _details(key, {detail.name: outside})


def test_a_kinds_own_text_is_its_searched_fields_with_choices_by_label():
    from app.models import DisasterOffer, StaffExchange

    offer = DisasterOffer(kind="disaster_offer", offer_types=["supplies", "unknown", "staff"],
                          capacity="毛布 500枚", conditions="", regions_covered=["関東"])
    assert offer.detail_text() == "物資の提供 職員の派遣\n毛布 500枚\n"
    staff = StaffExchange(kind="staff_exchange", direction="accept", work_field="税務", headcount=2)
    assert staff.detail_text() == "受け入れたい 税務"
    assert staff.direction_label == "受け入れたい"


@pytest.mark.parametrize("key", KEYS)
def test_the_model_class_is_named_and_tabled_by_the_registry(key):
    cls = POSTING_CLASSES[key]
    assert (cls.__module__, cls.__name__) == ("app.models.postings", REGISTRY[key].model)
    assert cls.__tablename__ == REGISTRY[key].table
