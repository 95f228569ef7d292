"""The admin's account form: each error under its own field; the municipality chosen by name,
reading or code (the shared MunicipalityField), with its code shown."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import User


def _form(**overrides):
    return {"email": "new.officer@example.jp", "name": "新任 職員", "role": "officer",
            "municipality": "", "desk": "0", "password": "a-long-password", **overrides}


def _error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else ""


def test_an_officer_without_municipality_is_told_under_the_municipality(client, users):
    client.login(users.admin().email)
    response = client.post_form("/admin/users/new", _form())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error_of(html, "municipality") == "自治体職員のアカウントには所属自治体を選んでください。"
    assert _error_of(html, "email") == ""  # not under the e-mail address any more
    desk = client.post_form("/admin/users/new", _form(role="liaison"))
    assert _error_of(desk.get_data(as_text=True), "desk") == "窓口担当のアカウントには所属窓口を選んでください。"
    taken = client.post_form("/admin/users/new", _form(email=users.officer().email, municipality="172049"))
    assert "既に登録されています" in _error_of(taken.get_data(as_text=True), "email")
    assert db.session.scalar(select(User).where(User.email == "new.officer@example.jp")) is None


def test_the_municipality_is_chosen_by_name_with_the_code_shown(client, users):
    client.login(users.admin().email)
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert 'list="municipality-options"' in page and "輪島市（石川県・172049）" in page  # suggestions
    ambiguous = client.post_form("/admin/users/new", _form(municipality="府中"))
    message = _error_of(ambiguous.get_data(as_text=True), "municipality")
    assert "府中市（東京都・132063）" in message and "府中市（広島県・342084）" in message
    by_reading = client.post_form("/admin/users/new", _form(municipality="わじま"))
    assert by_reading.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.officer@example.jp"))
    assert user.municipality.code == "172049"
