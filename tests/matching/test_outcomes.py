"""Partnerships made: recorded by the request's officer, shown on the request, counted."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Thread
from app.services.contact import routing
from app.services.contact.routing import Sender
from app.services.matching import outcomes


def _request(postings, code="131121", **kw):
    return postings("partnership_request", code, title="区立小学校の移動教室先を募集します",
                    categories=["A-4"], fields=["教育"], contact_email="kyoiku@setagaya.example.jp",
                    details={"sought": "移動教室の受入れ", "partner_type": "municipality"}, **kw)


def _officer_for(users, request):
    user = users.officer(request.municipality.code, email=request.officer.email)
    db.session.refresh(request.officer)
    return user


def _thread_about(request) -> Thread:
    return routing.contact_posting(request, Sender("川場 一郎", "ichiro@kawaba.example.jp", "川場村"),
                                   "移動教室の件", "受け入れられます。")


def test_the_officer_records_a_match_and_everyone_sees_it(client, users, postings):
    request = _request(postings)
    user = _officer_for(users, request)
    thread = _thread_about(request)
    client.login(user.email)
    page = client.get(f"/postings/{request.id}").get_data(as_text=True)
    assert "成立を記録する" in page and "移動教室の件" in page  # the thread is offered as the cause
    assert "この募集にお問い合わせのあった自治体: 川場村" in page  # its writer, as a likely partner
    response = client.post_form(f"/postings/{request.id}/outcome",
                                {"partners": "川場村、群馬県みなかみ町", "thread": str(thread.id), "note": "協定を締結"},
                                token_from=f"/postings/{request.id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(request)
    assert request.request_status == "matched"
    partnership = outcomes.request_partnership(request)
    assert [m.name for m in partnership.partners] == ["川場村", "みなかみ町"]
    assert partnership.thread_id == thread.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "outcome.record")).details["partners"]
    own = client.get(f"/postings/{request.id}").get_data(as_text=True)
    assert "移動教室の件" in own and "協定を締結" in own
    client.logout()
    public = client.get(f"/postings/{request.id}").get_data(as_text=True)
    assert "成立" in public and "川場村" in public and "みなかみ町" in public
    assert "移動教室の件" not in public and "協定を締結" not in public and "成立を記録する" not in public


def test_a_case_study_is_linked_as_the_result(client, users, postings):
    request = _request(postings)
    user = _officer_for(users, request)
    client.login(user.email)
    token = f"/postings/{request.id}"
    early = client.post_form(f"/postings/{request.id}/outcome/case-study", {"case_study": "1"}, token_from=token)
    assert early.status_code == 400 and "先に、連携の成立" in early.get_data(as_text=True)
    client.post_form(f"/postings/{request.id}/outcome", {"partners": "川場村", "thread": "0"}, token_from=token)
    story = postings("case_study", "104434", title="川場村で区立小学校の移動教室", partners=["131121"])
    unrelated = postings("case_study", "172049", title="輪島塗の復興")
    other_kind = postings("staff_exchange", "104434", title="職員派遣", details={"direction": "accept"})
    for value, message in [(str(unrelated.id), "関わる事例"), (str(other_kind.id), "連携・交流事例の番号"),
                           ("abc", "投稿番号"), ("999999", "連携・交流事例の番号")]:
        response = client.post_form(f"/postings/{request.id}/outcome/case-study", {"case_study": value},
                                    token_from=token)
        assert response.status_code == 400 and message in response.get_data(as_text=True), value
    response = client.post_form(f"/postings/{request.id}/outcome/case-study",
                                {"case_study": f"http://localhost/postings/{story.id}"}, token_from=token)
    assert response.status_code == 302
    client.logout()
    page = client.get(f"/postings/{request.id}").get_data(as_text=True)
    assert "この連携の事例" in page and story.title in page


def test_bad_input_and_other_municipalities(client, users, postings):
    request = _request(postings)
    user = _officer_for(users, request)
    token = f"/postings/{request.id}"
    other = users.officer("131041")
    client.login(other.email)
    assert client.post_form(f"/postings/{request.id}/outcome", {"partners": "川場村"},
                            token_from=token).status_code == 403
    client.logout()
    client.login(user.email)
    for partners, message in [("", "相手の自治体を入力してください"), ("世田谷区", "自分の自治体は除きます"),
                              ("存在しない村", "見つかりません"), ("府中市", "複数あります")]:
        response = client.post_form(f"/postings/{request.id}/outcome", {"partners": partners, "thread": "0"},
                                    token_from=token)
        assert response.status_code == 400 and message in response.get_data(as_text=True), partners
    foreign = _thread_about(postings("partnership_request", "131121", title="別の募集",
                                     contact_email="kyoiku@setagaya.example.jp"))
    response = client.post_form(f"/postings/{request.id}/outcome", {"partners": "川場村", "thread": str(foreign.id)},
                                token_from=token)
    assert response.status_code == 400
    db.session.refresh(request)
    assert request.request_status == "open" and outcomes.request_partnership(request) is None


def test_admin_figures_count_the_records(client, users, postings):
    recorded = _request(postings)
    outcomes.record(recorded, [_municipality("104434")], None)
    postings("partnership_request", "131016", title="状態だけ成立",
             details={"sought": "x", "request_status": "matched"})
    postings("partnership_request", "131016", title="下書き", status="draft",
             details={"sought": "x", "request_status": "matched"})
    figures = outcomes.figures(users.admin())
    assert (figures.recorded, figures.partner_municipalities, figures.status_only, figures.total) == (1, 1, 1, 2)
    admin = users.admin()
    client.login(admin.email)
    html = client.get("/admin/").get_data(as_text=True)
    assert "成立した連携（合計）</th><td>2件" in html
    assert "うち担当者が記録した成立</th><td>1件" in html


def _municipality(code):
    from app.models import Municipality

    return db.session.scalar(select(Municipality).where(Municipality.code == code))


def test_a_partnership_recorded_by_mistake_is_withdrawn(client, users, postings):
    request = _request(postings)
    user = _officer_for(users, request)
    token = f"/postings/{request.id}"
    client.login(user.email)
    client.post_form(f"/postings/{request.id}/outcome", {"partners": "川場村", "thread": "0"}, token_from=token)
    assert outcomes.figures(users.admin()).recorded == 1
    # Someone else may not take it back.
    client.logout()
    client.login(users.officer("131041").email)
    assert client.post_form(f"/postings/{request.id}/outcome/withdraw", {}, token_from=token).status_code == 403
    client.logout()
    client.login(user.email)
    assert "成立の記録を取り消す" in client.get(token).get_data(as_text=True)
    response = client.post_form(f"/postings/{request.id}/outcome/withdraw", {}, token_from=token)
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.request_status == "open" and outcomes.request_partnership(request) is None
    assert outcomes.figures(users.admin()).total == 0
    withdrawn = db.session.scalar(select(AuditLog).where(AuditLog.action == "outcome.withdraw"))
    assert withdrawn.details["partners"] == ["104442"]  # the log keeps what the record said
    page = client.get(token).get_data(as_text=True)
    assert "成立: " not in page and "成立を記録する" in page
    # Nothing left to take back: a message, nothing breaks.
    again = client.post_form(f"/postings/{request.id}/outcome/withdraw", {}, token_from=token)
    assert again.status_code == 302
    assert "取り消す成立の記録がありません" in client.get(token).get_data(as_text=True)


def test_a_request_set_to_matched_without_partners_asks_for_them(client, users, postings):
    request = postings("partnership_request", "131121", title="区立小学校の移動教室先を募集します",
                       contact_email="kyoiku@setagaya.example.jp",
                       details={"sought": "移動教室の受入れ", "request_status": "matched"})
    user = _officer_for(users, request)
    client.login(user.email)
    page = client.get(f"/postings/{request.id}").get_data(as_text=True)
    assert "相手の自治体を記録すると" in page


def test_partners_are_typed_as_people_write_them(client, users, postings):
    request = _request(postings)
    user = _officer_for(users, request)
    token = f"/postings/{request.id}"
    client.login(user.email)
    response = client.post_form(f"/postings/{request.id}/outcome", {"partners": "府中市、かわばむら", "thread": "0"},
                                token_from=token)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "「府中市」に当てはまる自治体が複数あります。都道府県名を付けるか、団体コードで選んでください" in html
    assert "府中市（東京都・132063）" in html and "府中市（広島県・342084）" in html
    assert outcomes.request_partnership(request) is None
    response = client.post_form(f"/postings/{request.id}/outcome",
                                {"partners": "宮城県 本吉郡南三陸町、府中市（東京都）、かわばむら　１０４４９３", "thread": "0"},
                                token_from=token)
    assert response.status_code == 302, response.get_data(as_text=True)
    partnership = outcomes.request_partnership(request)
    assert sorted(m.code for m in partnership.partners) == ["046060", "104442", "104493", "132063"]
