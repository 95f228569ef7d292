"""/stats: every figure equals a hand count on a small fixture; charts are SVG with a table
beside them; CSVs (with BOM) hold the same numbers; officials see more."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Category, Thread
from app.services.contact.routing import Sender, contact_posting


@pytest.fixture
def world(postings):
    made = {
        # kind, owner, categories, visibility, status, published (UTC)
        "a": postings(code="131041", categories=["A-1", "B-5"], title="a"),  # 関東
        "b": postings(code="042056", categories=["A-1"], title="b"),  # 東北
        "c": postings(kind="partnership_request", code="042056", categories=["B-5"], title="c",
                      details={"request_status": "matched"}),
        "d": postings(kind="partnership_request", code="011002", categories=["A-2"], title="d"),  # 北海道
        "e": postings(kind="disaster_offer", code="131041", categories=["A-1"], title="e",
                      visibility="officials"),
        "f": postings(code="131041", categories=["A-1"], title="f", status="draft"),
        "g": postings(code="131041", categories=["A-1"], title="g", status="archived"),
    }
    months = {"a": datetime(2026, 3, 31, 16, tzinfo=UTC), "b": datetime(2026, 4, 1, 1, tzinfo=UTC), "c": datetime(2026, 6, 2, tzinfo=UTC),
              "d": datetime(2026, 6, 3, tzinfo=UTC), "e": datetime(2026, 6, 4, tzinfo=UTC), "g": datetime(2026, 1, 5, tzinfo=UTC)}
    for key, when in months.items():
        made[key].published_at = when  # a: 2026-04-01 01:00 JST, so April in Japan time
    db.session.commit()
    return made


def _csv(client, name):
    response = client.get(f"/stats/{name}.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, not two
    assert response.status_code == 200 and response.get_data().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    return rows[0], rows[1:]


def test_public_figures_equal_hand_counts(client, world):
    _head, rows = _csv(client, "kinds")
    assert dict((r[0], int(r[1])) for r in rows) == {
        "連携・交流事例": 2, "連携の募集": 2, "災害時相互協力": 0, "人事交流・職員派遣": 0}
    _head, rows = _csv(client, "regions")
    regions = {r[0]: int(r[1]) for r in rows}
    assert (regions["関東"], regions["東北"], regions["北海道"], regions["近畿"]) == (1, 2, 1, 0)
    _head, rows = _csv(client, "months")
    assert rows == [["2026-04", "2"], ["2026-05", "0"], ["2026-06", "2"]]
    head, rows = _csv(client, "categories")
    assert head[2:] == ["アンケートで要望した自治体数", "架け橋の投稿数"]
    by_code = {r[0]: r for r in rows}
    assert len(rows) == 21
    assert (by_code["A-1"][3], by_code["B-5"][3], by_code["A-2"][3], by_code["B-1"][3]) == ("2", "2", "1", "0")
    survey = {c.code: c.survey_count for c in db.session.scalars(select(Category))}
    assert all(int(r[2]) == survey[r[0]] for r in rows) and survey["A-1"] > 0
    _head, rows = _csv(client, "outcomes")
    assert [int(r[1]) for r in rows] == [4, 2, 1]
    assert client.get("/stats/contact.csv").status_code == 404  # officials only


def test_page_draws_svg_charts_with_tables_and_csv_links(client, world):
    page = client.get("/stats/").get_data(as_text=True)
    for name in ("kinds", "categories", "regions", "months"):
        assert f'aria-labelledby="chart-{name}-t chart-{name}-d"' in page
        assert f'id="table-{name}"' in page and f"/stats/{name}.csv" in page
    assert "<script" not in page.split("<main", 1)[1]  # no JavaScript needed
    assert "<th scope=\"row\">連携の募集</th><td>2</td>" in page
    assert "自治体別のお問い合わせ" not in page


def test_officials_see_more(client, users, world):
    contact_posting(world["a"], Sender("住民", "r@example.com"), "", "質問です")
    thread = contact_posting(world["b"], Sender("住民", "s@example.com"), "", "質問です")
    thread.first_reply_at = thread.created_at + timedelta(hours=5)
    db.session.commit()
    official = users.officer()
    client.login(official.email)
    _head, rows = _csv(client, "kinds")
    assert dict((r[0], int(r[1])) for r in rows)["災害時相互協力"] == 1  # officials-only one
    head, rows = _csv(client, "contact")
    by_code = {r[0]: r for r in rows}
    assert by_code["042056"][3:] == ["1", "1", "5.0"]
    assert by_code["131041"][3:] == ["1", "0", ""]
    assert len(rows) == len({t.municipality_id for t in db.session.scalars(select(Thread))})
    page = client.get("/stats/")
    assert "private" in page.headers["Cache-Control"]
    assert "自治体別のお問い合わせ" in page.get_data(as_text=True)
