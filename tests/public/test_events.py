from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import Event
from app.services.events.ics import ics_escape, ics_fold
from app.timestamps import JST


def test_month_calendar_and_navigation(client, world):
    html = client.get("/events/?month=2026-12").get_data(as_text=True)
    assert "2026年12月" in html and "公開イベント" in html
    assert "2026年12月5日（土） 01:00〜03:00" in html
    assert 'href="/events/?month=2026-11"' in html and 'href="/events/?month=2027-01"' in html
    assert "公開イベント" not in client.get("/events/?month=2027-01").get_data(as_text=True)


def test_bad_month_is_a_clear_400(client):
    for bad in ("2026-13", "2026-1", "abc", "1999-01", "2026-00"):
        response = client.get(f"/events/?month={bad}")
        assert response.status_code == 400, bad
        assert "月の指定" in response.get_data(as_text=True)


def test_event_days_are_japan_days(client, muni):
    # 1 December 00:30 in Japan (30 November in UTC) is in December.
    db.session.add(Event(title="深夜の交流", municipality=muni("131041"),
                         starts_at=datetime(2026, 12, 1, 0, 30, tzinfo=JST), place="新宿"))
    db.session.commit()
    assert "深夜の交流" in client.get("/events/?month=2026-12").get_data(as_text=True)
    assert "深夜の交流" not in client.get("/events/?month=2026-11").get_data(as_text=True)


def test_ics_escaping_and_folding():
    assert ics_escape('a,b;c\\d\ne') == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "あ" * 60
    folded = ics_fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1 and all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_event_ics(client, world):
    response = client.get(f"/events/{world['event'].id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = body.replace("\r\n ", "")
    assert "DTSTART:20261204T160000Z" in unfolded  # 5 Dec 01:00 in Japan and "SUMMARY:公開イベント" in unfolded
    assert "DESCRIPTION:説明\\, です\\; 改行\\nあり" in unfolded
    assert f"UID:event-{world['event'].id}@localhost" in unfolded


def test_whole_calendar_ics_is_public_only(client, world):
    body = client.get("/events/calendar.ics").get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") == 1 and "公開イベント" in body


def test_officer_creates_and_edits_an_event(client, users, world):
    officer = users.officer("131156")
    client.login(officer.email)
    form = client.get("/events/new").get_data(as_text=True)
    assert 'for="title"' in form and "公開の交流物語" in form
    data = {"title": "冬の物産展", "kind": "fair", "starts_at": "2026-12-20T10:00",
            "ends_at": "2026-12-20T16:00", "place": "杉並区役所", "online_url": "",
            "posting": str(world["public"].id), "description": "", "visibility": "public"}
    response = client.post_form("/events/new", data)
    assert response.status_code == 302
    event = db.session.query(Event).filter_by(title="冬の物産展").one()
    assert event.starts_at == datetime(2026, 12, 20, 1, 0, tzinfo=UTC)  # entered in Japan time
    assert 'value="2026-12-20T10:00"' in client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert event.posting_id == world["public"].id and event.municipality.code == "131156"
    data["title"] = "冬の物産展（改）"
    assert client.post_form(f"/events/{event.id}/edit", data).status_code == 302
    assert "冬の物産展（改）" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_event_form_validation_and_permissions(client, users, world):
    client.get("/events/new")
    assert client.get("/events/new").status_code == 302  # login first
    client.login(users.officer("131041").email)
    bad = client.post_form("/events/new", {"title": "場所なし", "kind": "fair", "starts_at": "2026-12-20T10:00",
                                           "place": "", "online_url": "", "posting": "0", "visibility": "public"})
    assert bad.status_code == 400 and "会場かオンライン参加のURL" in bad.get_data(as_text=True)
    # Another municipality's event cannot be edited.
    assert client.get(f"/events/{world['event'].id}/edit").status_code == 403
    assert client.post_form(f"/events/{world['event'].id}/delete", token_from="/events/new").status_code == 403


def test_event_dates_outside_a_sensible_window_are_refused_clearly(client, users):
    """A year typed wrong (0001, 1900, 9999) is a mistake, not a plan: the form says which
    field and the window (it was a 500 for the year 1), and nothing is saved."""
    from app.services.events.editing import InvalidEventDate, date_window, save_event

    client.login(users.officer("131041").email)
    first, last = date_window()
    base = {"title": "日付の確認", "kind": "fair", "place": "区役所", "posting": "0", "visibility": "public"}
    cases = {
        "0001-01-01T00:00": f"日付は{first}〜{last}の範囲で入力してください。",
        "1900-01-01T10:00": f"日付は{first}〜{last}の範囲で入力してください。",
        "9999-12-31T23:59": f"日付は{first}〜{last}の範囲で入力してください。",
        "2027-13-01T10:00": "開始日時は 2027-01-15 10:00 のような日時で入力してください。",
    }
    for value, message in cases.items():
        response = client.post_form("/events/new", {**base, "starts_at": value})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html, value
        assert "開始日時を入力してください" not in html  # one message, the one that helps
    ends_early = client.post_form("/events/new", {**base, "starts_at": "2027-01-15T10:00",
                                                  "ends_at": "0202-01-15T12:00"})
    assert ends_early.status_code == 400 and "範囲で入力してください" in ends_early.get_data(as_text=True)
    assert db.session.query(Event).filter_by(title="日付の確認").count() == 0
    # The service keeps the same window for every caller.
    officer = users.officer("131041")
    from app.services.events.editing import EventInput

    with pytest.raises(InvalidEventDate):
        save_event(None, EventInput(title="x", municipality_id=officer.officer.municipality_id,
                                    starts_at=datetime(1900, 1, 1, tzinfo=JST)), officer)
