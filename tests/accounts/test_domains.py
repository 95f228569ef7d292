"""Official e-mail domains: rules, management pages, CSV import (page and CLI)."""

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, MunicipalityDomain
from app.services.accounts import domains
from app.services.accounts import users as user_service
from tests.accounts.conftest import TOWN, TOWN_DOMAIN


@pytest.mark.parametrize("typed, stored", [
    ("city.example.lg.jp", "city.example.lg.jp"),
    ("  @City.Example.LG.JP. ", "city.example.lg.jp"),
    ("someone@town.example.lg.jp", "town.example.lg.jp"),
    ("例え.jp", "xn--r8jz45g.jp"),
])
def test_domains_are_normalised(app, typed, stored):
    assert domains.normalise_domain(typed) == stored


@pytest.mark.parametrize("typed, message", [
    ("", "ドメインを入力してください"),
    ("gmail.com", "誰でも使えるメールサービス"),
    ("yahoo.co.jp", "誰でも使えるメールサービス"),
    ("lg.jp", "多くの組織が共有する"),
    ("localhost", "正しくありません"),
    ("bad_domain.example.jp", "正しくありません"),
    ("-x.example.jp", "正しくありません"),
    ("10.0.0.1", "正しくありません"),
])
def test_unusable_domains_are_refused(app, typed, message):
    with pytest.raises(domains.DomainError, match=message):
        domains.normalise_domain(typed)


def test_a_domain_belongs_to_one_municipality(app, muni):
    domains.add_domain(muni(TOWN), TOWN_DOMAIN, actor=None)
    with pytest.raises(domains.DomainError, match="既に宮城県 南三陸町のドメイン"):
        domains.add_domain(muni("131041"), TOWN_DOMAIN.upper(), actor=None)
    assert domains.address_allowed(f"a@{TOWN_DOMAIN}", muni(TOWN))
    assert domains.address_allowed(f"a@kikaku.{TOWN_DOMAIN}", muni(TOWN))
    assert not domains.address_allowed(f"a@x{TOWN_DOMAIN}", muni(TOWN))
    assert not domains.address_allowed(f"a@{TOWN_DOMAIN}", muni("131041"))


CSV = """団体コード,ドメイン
# comment line
046060,town.minamisanriku.example.lg.jp
046060,minamisanriku.example.jp
13104,city.shinjuku.example.lg.jp
999999,nowhere.example.lg.jp
131016,gmail.com
131016
131016,town.minamisanriku.example.lg.jp

046060,town.minamisanriku.example.lg.jp
"""


def test_csv_import_judges_each_line(app, muni):
    report = domains.import_csv(CSV)
    assert (report.created, report.existing) == (3, 1)
    assert [n for n, _ in report.errors] == [6, 7, 8, 9]
    reasons = dict(report.errors)
    assert "999999" in reasons[6] and "誰でも使える" in reasons[7]
    assert "2列" in reasons[8] and "別の自治体（046060）" in reasons[9]
    assert domains.domains_of(muni("131041")) == ["city.shinjuku.example.lg.jp"]  # 5-digit code
    again = domains.import_csv(CSV)
    assert (again.created, again.existing) == (0, 4)
    assert db.session.scalar(select(func.count(MunicipalityDomain.id))) == 3


# A stray quote on line 3 once made the csv module read the rest of the file as one value.
STRAY_QUOTE = """団体コード,ドメイン
046060,town.minamisanriku.example.lg.jp
131041,"city.shinjuku.example.lg.jp
131016,"city.chiyoda.example.lg.jp"x
042056,city.kesennuma.example.lg.jp
"""


def test_a_stray_quote_spoils_its_own_line_only(app, muni, runner, tmp_path):
    report = domains.import_csv(STRAY_QUOTE)
    assert (report.created, report.existing) == (2, 0)
    assert [n for n, _ in report.errors] == [3, 4]
    assert all("引用符（\"）" in reason for _, reason in report.errors)
    assert domains.domains_of(muni("042056")) == ["city.kesennuma.example.lg.jp"]
    assert domains.domains_of(muni("131041")) == []
    # The command prints the summary and each bad line, and exits 1.
    path = tmp_path / "d.csv"
    path.write_text(STRAY_QUOTE.replace("042056,city.kesennuma", "042145,city.higashimatsushima"), encoding="cp932")
    result = runner.invoke(args=["domains", "import", str(path)])
    assert result.exit_code == 1
    assert "1 added, 1 already there, 2 rejected." in result.output
    assert "line 3: この行はCSVとして読めません。" in result.output and "line 4: " in result.output
    assert domains.domains_of(muni("042145")) == ["city.higashimatsushima.example.lg.jp"]


def test_csv_in_shift_jis_or_utf16_is_read(app):
    assert "団体コード" in domains.decode(CSV.encode("cp932"))
    assert "団体コード" in domains.decode(CSV.encode("utf-16"))
    assert "団体コード" in domains.decode(b"\xef\xbb\xbf" + CSV.encode())
    with pytest.raises(domains.DomainError, match="文字コード"):
        domains.decode(b"\x81\xff\xfe\xfa" * 10)


def test_admin_imports_a_csv_on_the_page(client, users):
    client.login(users.admin().email)
    page = client.get("/admin/domains")
    assert page.status_code == 200 and "団体コード" in page.get_data(as_text=True)
    token = client.csrf_token("/admin/domains")
    response = client.post("/admin/domains", data={
        "csrf_token": token, "file": (io.BytesIO(CSV.encode("cp932")), "domains.csv")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "追加 3件、登録済み 1件、エラー 4件" in html and "999999" in html
    missing = client.post("/admin/domains", data={"csrf_token": token}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "CSVファイルを選んでください" in missing.get_data(as_text=True)
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "domain.import"))
    assert row.details["created"] == 3


def test_admin_upload_with_a_stray_quote_keeps_the_good_rows(client, users, muni):
    client.login(users.admin().email)
    response = client.post("/admin/domains", data={
        "csrf_token": client.csrf_token("/admin/domains"),
        "file": (io.BytesIO(STRAY_QUOTE.encode("cp932")), "domains.csv")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "追加 2件、登録済み 0件、エラー 2件" in html
    assert "<td>3</td><td>この行はCSVとして読めません。" in html
    assert domains.domains_of(muni("042056")) == ["city.kesennuma.example.lg.jp"]


def test_cli_imports_adds_and_lists(runner, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("046060,town.minamisanriku.example.lg.jp\n", encoding="utf-8")
    result = runner.invoke(args=["domains", "import", str(path)])
    assert result.exit_code == 0 and "1 added" in result.output
    result = runner.invoke(args=["domains", "add", "046060", "minamisanriku.example.jp"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["domains", "add", "046060", "gmail.com"])
    assert result.exit_code != 0 and "誰でも使える" in result.output
    result = runner.invoke(args=["domains", "list", "046060"])
    assert result.output.split() == ["minamisanriku.example.jp", "town.minamisanriku.example.lg.jp"]
    path.write_text("046060,x\n", encoding="utf-8")
    assert runner.invoke(args=["domains", "import", str(path)]).exit_code == 1


def test_manager_manages_own_domains_only(client, users, muni):
    manager = users.officer(TOWN, email=f"jinji@{TOWN_DOMAIN}")
    user_service.set_manager(manager, True, actor=None)
    other = domains.add_domain(muni("131041"), "city.shinjuku.example.lg.jp", actor=None)
    client.login(manager.email)
    page = client.get("/staff/domains")
    assert page.status_code == 200 and "南三陸町" in page.get_data(as_text=True)
    added = client.post_form("/staff/domains", {"domain": TOWN_DOMAIN})
    assert added.status_code == 302
    assert domains.domains_of(muni(TOWN)) == [TOWN_DOMAIN]
    taken = client.post_form("/staff/domains", {"domain": "city.shinjuku.example.lg.jp"})
    assert taken.status_code == 400 and "既に新宿区のドメイン" in taken.get_data(as_text=True)
    # ?code= of another municipality still shows the manager's own.
    assert "新宿区" not in client.get("/staff/domains?code=131041").get_data(as_text=True)
    assert client.post_form(f"/staff/domains/{other.id}/delete", token_from="/staff/domains").status_code == 404
    own = db.session.scalar(select(MunicipalityDomain).where(MunicipalityDomain.domain == TOWN_DOMAIN))
    assert client.post_form(f"/staff/domains/{own.id}/delete", token_from="/staff/domains").status_code == 302
    assert domains.domains_of(muni(TOWN)) == []
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.actor_user_id == manager.id))
    assert list(actions) == ["domain.add", "domain.remove"]
