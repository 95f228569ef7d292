"""Dates at the ends of the calendar: a Japan time in year 1 has no UTC equivalent (year 0),
so such values are a clear 400 or read as "from the beginning", never an OverflowError."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Event


def _event(**overrides):
    data = {"title": "交流会", "kind": "fair", "starts_at": "2027-01-15T10:00", "ends_at": "",
            "place": "区役所", "online_url": "", "posting": "0", "description": "",
            "visibility": "public", "municipality": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize("field,value", [("starts_at", "0001-01-01T00:00"), ("starts_at", "2101-01-01T00:00"),
                                         ("starts_at", "1999-12-31T23:59"),
                                         ("ends_at", "0001-01-01T08:59"), ("ends_at", "9999-12-31T23:59")])
def test_event_times_outside_the_calendar_are_a_400(client, users, field, value):
    client.login(users.officer("131041").email)
    response = client.post_form("/events/new", _event(**{field: value}))
    assert response.status_code == 400
    assert "日付は2000-01-01〜" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_event_times_from_the_windows_first_day_are_saved(client, users):
    client.login(users.officer("131041").email)
    response = client.post_form("/events/new", _event(starts_at="2000-01-01T00:00", ends_at="2027-01-15T23:59"))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Event.id))) == 1


@pytest.mark.parametrize("since,total", [("0001-01-01", 1), ("0001-01-01T00:00:00%2B09:00", 1),
                                         ("9999-12-31T23:00:00-05:00", 0), ("9999-12-31", 0)])
def test_api_updated_since_at_the_ends_of_time(client, postings, since, total):
    postings(title="いつでも見つかる投稿")
    response = client.get(f"/api/v1/postings?updated_since={since}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["total"] == total


def test_import_published_at_outside_the_days_that_have_been_is_a_line_error(runner, tmp_path):
    import json

    from app.models import Posting
    from tests.test_importer import GOOD

    days = ["0001-01-01", "9999-12-31", "2024-06-12", "1899-12-31"]
    path = tmp_path / "dates.jsonl"
    path.write_text("\n".join(json.dumps({**GOOD, "external_id": f"d{i}", "published_at": day,
                                          "details": {**GOOD["details"], "period_start": None}})
                              for i, day in enumerate(days)), encoding="utf-8")
    result = runner.invoke(args=["postings", "import", str(path)])
    assert "Traceback" not in result.output and "StatementError" not in result.output
    reported = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in reported] == ["line 1", "line 2", "line 4"]
    assert all("「published_at」は1900-01-01〜今日" in line for line in reported)
    assert db.session.scalars(select(Posting.external_id)).all() == ["d2"]
