"""The one municipality lookup: what people type (name with or without its prefecture, 郡 or
bracketed prefecture, reading, code, full-width digits) resolves to the municipality; an
ambiguous or unknown entry says so with the candidates."""

import pytest

from app.services.data import municipalities


@pytest.mark.parametrize("typed, code", [
    ("南三陸町", "046060"),
    ("宮城県南三陸町", "046060"),
    ("宮城県本吉郡南三陸町", "046060"),
    ("本吉郡南三陸町", "046060"),
    ("みなみさんりくちょう", "046060"),
    ("ミナミサンリクチョウ", "046060"),
    ("046060", "046060"),
    ("０４６０６０", "046060"),
    ("46060", "046060"),  # a spreadsheet dropped the leading zero
    ("南三陸町（宮城県・046060）", "046060"),  # a suggestion of the picker
    ("府中市（東京都）", "132063"),
    ("広島県府中市", "342084"),
    ("郡山市", "072036"),  # a 郡 that is part of the name
    ("川場", "104442"),  # a part of the name, when only one has it
])
def test_one_municipality_from_what_people_type(app, typed, code):
    assert municipalities.pick(typed).code == code


def test_ambiguous_and_unknown_entries_say_what_to_type(app):
    with pytest.raises(ValueError, match="複数あります。都道府県名を付けるか") as ambiguous:
        municipalities.pick("府中市")
    assert "府中市（東京都・132063）" in str(ambiguous.value) and "府中市（広島県・342084）" in str(ambiguous.value)
    with pytest.raises(ValueError, match="「架空村」に当てはまる自治体が見つかりません"):
        municipalities.pick("架空村")


def test_a_list_of_partners(app):
    found, problems = municipalities.pick_list(
        ["宮城県", "南三陸町", "東京都", "府中市", "川場村", "104442", "福島県", "伊達市", "東京都"])
    assert [m.code for m in found] == ["046060", "132063", "104442", "072133", "130001"]
    assert problems == []
    found, problems = municipalities.pick_list(["伊達市", "存在しない村", "川場村"])
    assert [m.code for m in found] == ["104442"]
    assert "「伊達市」に当てはまる自治体が複数あります" in problems[0] and "見つかりません" in problems[1]
