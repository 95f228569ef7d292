"""Disaster offers that fit a disaster: affected prefectures, needs, people to move."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.services.matching.disasters import Scenario, affected_requests, fitting_offers
from app.services.search import indexing
from app.timestamps import now_jst

QUAKE = Scenario(("宮城県", "岩手県"), ("evacuees",), 300, "宮城県沖地震")


def _offer(postings, code, title, types, capacity="", regions=("東北",), visibility="public", **details):
    return postings("disaster_offer", code, title=title, summary=title, categories=["B-5"], fields=["防災"],
                    visibility=visibility, details={"offer_types": list(types), "capacity": capacity, "regions_covered": list(regions),
                             **details})


def test_offers_from_outside_the_area_that_can_take_the_people_come_first(app, postings):
    big = _offer(postings, "062031", "鶴岡市の温泉旅館で被災者を受け入れます", ["evacuees"], "最大約300人")
    small = _offer(postings, "052159", "仙北市の宿泊施設で受け入れます", ["evacuees"], capacity_people=80)
    nationwide = _offer(postings, "131121", "区営住宅を被災者に提供", ["evacuees"], "最大50戸", regions=["全国"])
    inside = _offer(postings, "042056", "気仙沼市の受入れ", ["evacuees"], "最大500人")
    elsewhere = _offer(postings, "472131", "沖縄の受入れ", ["evacuees"], "最大500人", regions=["九州・沖縄"])
    wrong_kind = _offer(postings, "062049", "米の提供", ["supplies"])
    expired = _offer(postings, "063223", "月山の宿泊施設", ["evacuees"], "最大150人")
    # Valid when posted, expired since (a validity date before the posting's creation is refused).
    expired.valid_until = now_jst().date() - timedelta(days=1)
    indexing.queue(expired.id)
    db.session.commit()
    indexing.apply_pending()
    hidden = _offer(postings, "072125", "職員向けの受入れ計画", ["evacuees"], "最大500人", visibility="officials")

    found = fitting_offers(QUAKE, None)
    ids = [s.posting.id for s in found]
    assert ids[0] == big.id and set(ids) == {big.id, small.id, nationwide.id}
    assert not set(ids) & {inside.id, elsewhere.id, wrong_kind.id, expired.id, hidden.id}
    reasons = found[0].reasons
    assert "協力の種類: 避難者の受け入れ" in reasons
    assert "受入可能 約300人（必要 300人、規模の記載から）" in reasons
    assert "対象地域: 東北を含む" in reasons and "近隣（被災地域外）: 山形県" in reasons
    by_id = {s.posting.id: s.reasons for s in found}
    assert "受入可能 80人（必要 300人）" in by_id[small.id]
    assert "対象地域: 全国" in by_id[nationwide.id] and "被災地域外: 東京都" in by_id[nationwide.id]


def test_affected_municipalities_requests(app, postings):
    ask = postings("partnership_request", "032085", title="被災者の受け入れ先を探しています",
                   summary="地震で被災した市民の避難先を探しています。", categories=["B-5"], fields=["防災"])
    other = postings("partnership_request", "032085", title="修学旅行の受け入れ", categories=["A-4"],
                     fields=["教育"])
    outside = postings("partnership_request", "131083", title="広域避難先を募集", categories=["B-5"], fields=["防災"])
    ids = [r.id for r in affected_requests(QUAKE, None)]
    assert ask.id in ids and other.id not in ids and outside.id not in ids


@pytest.mark.parametrize("bad", [
    dict(prefectures=(), needs=("evacuees",)),
    dict(prefectures=("宮城県", "ムー大陸"), needs=("evacuees",)),
    dict(prefectures=("宮城県",), needs=("money",)),
    dict(prefectures=("宮城県",), needs=("evacuees",), people=0),
    dict(prefectures=("宮城県",), needs=("evacuees",), people=10**9),
])
def test_a_scenario_refuses_what_cannot_be(bad):
    with pytest.raises(ValueError):
        Scenario(**bad)
