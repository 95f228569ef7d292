"""Structured capacity and nationwide coverage: the form, the importer, and numbers read from text."""

import json
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DisasterOffer
from app.services.matching.capacity import offer_people, people_in_text
from tests.test_postings import _form


@pytest.mark.parametrize("text,count,approximate", [
    ("最大約300人", 300, True),
    ("避難者最大200人（旅館・ホテル約20施設）", 200, False),
    ("疎開者最大400人（区民健康村約180人、民宿・農家民宿約220人）", 400, False),
    ("応援職員 一般事務5人・土木技師2人、避難者の受け入れ最大約200人（市営住宅・旧校舎）", 200, True),
    ("5市町村で被災者最大１，０００人（調査中）", 1000, False),
    ("区民約5万人の広域避難先", 50000, True),
])
def test_people_are_read_from_free_text(text, count, approximate):
    people = people_in_text(text)
    assert (people.count, people.approximate, people.from_text) == (count, approximate, True)


@pytest.mark.parametrize("text", [
    "", "毛布3,000枚、飲料水2万本", "職員最大20人/週", "住家被害認定調査員4人（2人1組×2班）", "最大50戸",
])
def test_staff_counts_and_other_quantities_are_not_people_to_take_in(text):
    assert people_in_text(text) is None


def test_stated_number_wins_over_the_text():
    offer = DisasterOffer(capacity="最大約300人", capacity_people=250)
    assert offer_people(offer).label() == "250人" and not offer_people(offer).from_text
    assert offer_people(DisasterOffer(capacity="最大約300人")).label() == "約300人"


DISASTER_FORM = {"offer_types": ["evacuees"], "capacity": "温泉旅館で最大約300人",
                 "conditions": "", "valid_until": "2028-03-31"}


def test_form_accepts_nationwide_coverage_and_a_people_count(client, users):
    client.login(users.officer("062031").email)
    response = client.post_form("/postings/new/disaster", _form(
        **DISASTER_FORM, regions_covered=["全国", "東北"], capacity_people="300"))
    assert response.status_code == 302, response.get_data(as_text=True)
    offer = db.session.scalar(select(DisasterOffer))
    assert offer.regions_covered == ["全国"] and offer.capacity_people == 300
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "全国" in page and "300人" in page


@pytest.mark.parametrize("people", ["0", "-5", "abc", "1000001"])
def test_form_refuses_impossible_people_counts(client, users, people):
    client.login(users.officer("062031").email)
    response = client.post_form("/postings/new/disaster", _form(**DISASTER_FORM, capacity_people=people))
    assert response.status_code == 400
    # 「…は1〜100000人の数で入力してください。」, or for "abc" 「…は数字で入力してください。」
    assert re.search("受け入れられる人数は.*数(字)?で入力してください", response.get_data(as_text=True))
    assert db.session.scalar(select(DisasterOffer)) is None


def _offer_line(**details) -> str:
    return json.dumps({
        "external_id": f"dis-{len(details)}-{sorted(details)}", "kind": "disaster_offer",
        "title": "被災者の受入れ", "municipality": "062031", "categories": ["B-5"],
        "contact": {"name": "中野 誠", "email": "makoto@tsuruoka.example.jp"},
        "details": {"offer_types": ["evacuees"], "capacity": "最大約300人", **details},
    }, ensure_ascii=False)


def test_importer_accepts_nationwide_and_capacity_people(runner, tmp_path):
    path = tmp_path / "offers.jsonl"
    path.write_text("\n".join([
        _offer_line(regions_covered=["全国"], capacity_people=300),
        _offer_line(regions_covered=["関東", "全国"]),
        _offer_line(regions_covered=["日本"]),
        _offer_line(capacity_people=0),
        _offer_line(capacity_people="多数"),
    ]) + "\n", encoding="utf-8")
    result = runner.invoke(args=["postings", "import", str(path)])
    assert result.exit_code == 1
    assert "line 3: 「regions_covered」に使えない値があります: 日本" in result.output
    assert "line 4: 「capacity_people」の値 0 は範囲外です" in result.output
    assert "line 5: 「capacity_people」は整数にしてください" in result.output
    offers = db.session.scalars(select(DisasterOffer).order_by(DisasterOffer.id)).all()
    assert [(o.regions_covered, o.capacity_people) for o in offers] == [(["全国"], 300), (["全国"], None)]
