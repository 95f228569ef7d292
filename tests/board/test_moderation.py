"""Moderation by desks and admins (with reasons in the audit log), the report button, contact
with an author through the routing, rate limits."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, BoardNotice, BoardReport, OutboxMail, Thread


def test_a_desk_hides_an_answer_with_a_reason_in_the_audit_log(client, people, board):
    topic = board.topic(people.town)
    answer = board.answer(topic, people.city, body="こちらの業者の電話番号は…")
    client.login(people.liaison.email)
    url = f"/board/answers/{answer.id}/moderate"
    # No reason: a 400 that says so, and nothing changes.
    response = client.post_form(url, {"action": "hide", "reason": ""}, token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 400 and "理由を入力してください" in response.get_data(as_text=True)
    db.session.refresh(answer)
    assert not answer.is_hidden
    response = client.post_form(url, {"action": "hide", "reason": "特定の事業者の宣伝にあたるため"},
                                token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 302
    db.session.refresh(answer)
    assert answer.is_hidden and answer.hidden_reason == "特定の事業者の宣伝にあたるため"
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "board.hide"))
    assert (log.actor_user_id, log.target_type, log.target_id) == (people.liaison.id, "board_answer", answer.id)
    assert log.details["reason"] == "特定の事業者の宣伝にあたるため"
    # The writer is told why, in the inbox and by mail.
    notice = db.session.scalar(select(BoardNotice).where(BoardNotice.user_id == people.city.id))
    assert notice.event == "hidden"
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.to_addr == people.city.email))
    assert "特定の事業者の宣伝にあたるため" in mail.body
    # And it can be restored, also audited.
    assert client.post_form(url, {"action": "restore", "reason": "確認の結果、問題なし"},
                            token_from=f"/board/topics/{topic.id}").status_code == 302
    db.session.refresh(answer)
    assert not answer.is_hidden
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "board.restore")) is not None


def test_an_admin_closes_a_topic_and_nobody_can_answer_it(client, people, board):
    topic = board.topic(people.town)
    client.login(people.admin.email)
    response = client.post_form(f"/board/topics/{topic.id}/moderate", {"action": "close", "reason": "重複した話題のため"},
                                token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 302
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "board.close")).details["reason"] == "重複した話題のため"
    client.logout()
    client.login(people.ward.email)
    page = client.get(f"/board/topics/{topic.id}").get_data(as_text=True)
    assert "締め切られました" in page and "重複した話題のため" in page and "回答を投稿する" not in page
    response = client.post_form(f"/board/topics/{topic.id}/answers", {"body": "それでも回答"},
                                token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 400 and "締め切られている" in response.get_data(as_text=True)
    assert topic.answers == []


def test_unknown_moderation_action_is_a_400(client, people, board):
    topic = board.topic(people.town)
    client.login(people.admin.email)
    response = client.post_form(f"/board/topics/{topic.id}/moderate", {"action": "delete", "reason": "x"},
                                token_from=f"/board/topics/{topic.id}")
    assert response.status_code == 400


def test_officials_report_and_the_desk_sees_and_closes_the_report(client, people, board):
    topic = board.topic(people.town)
    answer = board.answer(topic, people.city)
    client.login(people.ward.email)
    url = f"/board/answers/{answer.id}/report"
    assert client.post_form(url, {"reason": ""}).status_code == 400
    assert client.post_form(url, {"reason": "advert", "detail": "業者の宣伝です"}).status_code == 302
    report = db.session.scalar(select(BoardReport))
    assert (report.answer_id, report.reporter_id, report.reason) == (answer.id, people.ward.id, "advert")
    client.logout()
    # One cannot report one's own answer.
    client.login(people.city.email)
    assert client.get(url).status_code == 403
    client.logout()

    client.login(people.liaison.email)
    queue = client.get("/board/moderation").get_data(as_text=True)
    assert "業者の宣伝です" in queue and "宣伝・勧誘" in queue
    assert client.post_form(f"/board/reports/{report.id}/dismiss", {"reason": ""}, token_from="/board/moderation").status_code == 400
    assert client.post_form(f"/board/reports/{report.id}/dismiss", {"reason": "宣伝ではなく事例紹介と判断"},
                            token_from="/board/moderation").status_code == 302
    db.session.refresh(report)
    assert report.resolved_at is not None and report.resolved_by_id == people.liaison.id
    assert "未対応の報告 0件" in client.get("/board/moderation").get_data(as_text=True)


def test_a_report_reaches_the_admins_and_the_central_desk(people, board, users, desk):
    from app.services.board import moderation

    central = users.liaison(desk(None))
    topic = board.topic(people.town)
    answer = board.answer(topic, people.city)
    moderation.report(answer, "personal", "電話番号が書かれています", people.ward)
    told = set(db.session.scalars(select(BoardNotice.user_id).where(BoardNotice.event == "report")))
    assert told == {people.admin.id, central.id}  # not the ward desk, not the reporter
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.to_addr == central.email))
    assert "報告がありました" in mail.subject and "/board/moderation" in mail.body


def test_hiding_resolves_the_reports_about_it(people, board):
    from app.services.board import moderation

    topic = board.topic(people.town)
    answer = board.answer(topic, people.city)
    moderation.report(answer, "personal", "", people.ward)
    moderation.hide(answer, "個人情報", people.liaison)
    assert moderation.open_reports() == []


def test_contact_with_an_author_goes_through_the_routing(client, people, board):
    topic = board.topic(people.town)
    answer = board.answer(topic, people.ward)
    client.login(people.town.email)
    url = f"/board/answers/{answer.id}/contact"
    form = client.get(url).get_data(as_text=True)
    assert "新宿区 田中 一郎" in form and people.ward.email not in form
    assert "掲示板「空き家の略式代執行、どう進めましたか」について" in form
    response = client.post_form(url, {"name": "佐藤 花子", "email": people.town.email,
                                      "subject": "資料の件", "body": "公告文の例をいただけますか。"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/contact/sent")
    thread = db.session.scalar(select(Thread))
    assert thread.officer_id == people.ward.officer.id and thread.sender_user_id == people.town.id
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.to_addr == people.ward.email))
    assert "職員掲示板に書いた話題" in mail.body
    # One's own entry has no contact form.
    assert client.get(f"/board/topics/{topic.id}/contact").status_code == 403


def test_contact_with_a_desk_member_reaches_the_desk(client, people, board):
    topic = board.topic(people.liaison, title="区の窓口から：交流自治体の募集方法")
    client.login(people.city.email)
    response = client.post_form(f"/board/topics/{topic.id}/contact",
                                {"name": "鈴木", "email": people.city.email, "body": "ご相談です。"})
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.desk_id == people.liaison.desk_id and thread.officer_id is None


def test_posting_is_rate_limited_per_account_with_a_japanese_page(client, app, people, board):
    app.config["RATELIMIT_BOARD"] = "2 per minute"
    topic = board.topic(people.town)
    client.login(people.ward.email)
    url = f"/board/topics/{topic.id}/answers"
    token = client.csrf_token(f"/board/topics/{topic.id}")
    codes = [client.post(url, data={"body": f"回答{i}", "csrf_token": token}).status_code for i in range(3)]
    assert codes == [302, 302, 429]
    response = client.post(url, data={"body": "もう一度", "csrf_token": token})
    assert response.status_code == 429 and "しばらく時間をおいてください" in response.get_data(as_text=True)
    assert len(topic.answers) == 2
    # Another official is not slowed down by someone else's posts.
    client.logout()
    client.login(people.city.email)
    assert client.post_form(url, {"body": "別の人の回答"}, token_from=f"/board/topics/{topic.id}").status_code == 302
