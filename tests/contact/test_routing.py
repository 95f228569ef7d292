"""Desks, forwarding, handover, escalation, digests: the thread keeps its whole history."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import AuditLog, Officer, OutboxMail, Posting, Thread
from app.services.contact import actions, escalation, handover, inbox, reply_stats, routing
from app.services.contact.routing import Sender
from app.services.contact.workdays import working_days_between
from app.services.mail import digest
from app.services.postings.editing import ContactInput
from app.services.search import indexing

RESIDENT = Sender("住民 花子", "hanako@example.com")


def _events(thread):
    db.session.refresh(thread)
    return [m.event for m in thread.messages]


def test_ward_message_goes_to_the_desk_and_is_forwarded(client, users, desk, smtp, deliver):
    ward_desk = desk("131041")
    member = users.liaison(ward_desk)
    officer = users.officer("131041", email="kankyo@example.jp")
    response = client.post_form("/contact/m/131041", {
        "name": "住民 花子", "email": "hanako@example.com", "subject": "区との連携について",
        "body": "区の窓口に相談したいです。", "website": ""})
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.desk_id == ward_desk.id and thread.officer_id is None and thread.posting_id is None
    deliver()
    (notice,) = smtp.mailbox.to(member.email)
    assert "窓口あてにお問い合わせがあったため送信しています" in smtp.mailbox.body(notice)

    client.login(member.email)
    assert "区との連携について" in client.get("/contact/inbox").get_data(as_text=True)
    response = client.post_form(f"/contact/threads/{thread.id}/forward",
                                {"officer": officer.officer.id, "note": "環境課でご対応ください。"},
                                token_from=f"/contact/threads/{thread.id}")
    assert response.status_code == 302
    assert _events(thread) == ["message", "forward"]
    assert thread.officer_id == officer.officer.id and thread.desk_id == ward_desk.id
    assert "環境課でご対応ください。" in thread.messages[1].body
    deliver()
    (fwd,) = smtp.mailbox.to("kankyo@example.jp")
    text = smtp.mailbox.body(fwd)
    assert "連携窓口からあなたにお問い合わせ" in text and "環境課でご対応ください。" in text

    actions.reply(thread, officer, "環境課です。ご連絡します。")
    assert _events(thread) == ["message", "forward", "reply"]
    page = client.get(f"/contact/threads/{thread.id}").get_data(as_text=True)
    assert "区の窓口に相談したいです。" in page and "環境課でご対応ください。" in page
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "thread.forward"))


def test_other_municipalities_use_the_latest_posting_or_say_unavailable(client, users, postings):
    officer = users.officer("011002")  # 札幌市: no desk
    postings(code="011002", officer=officer.officer)
    assert client.get("/contact/m/011002").status_code == 200
    thread = routing.contact_municipality(officer.municipality, RESIDENT, "質問", "本文")
    assert thread.officer_id == officer.officer.id
    response = client.get("/contact/m/012025")  # 函館市: nothing on the platform
    assert response.status_code == 404
    assert "連絡窓口はまだありません" in response.get_data(as_text=True)
    assert client.get("/contact/central").status_code == 200


def test_officer_without_account_is_mailed_and_desk_sees_it(client, users, postings, desk, smtp, deliver):
    posting = postings(code="131041", contact_email="noaccount@example.jp")
    thread = routing.contact_posting(posting, RESIDENT, "", "アカウントのない担当者へ")
    assert thread.officer.user is None and thread.desk_id == desk("131041").id
    deliver()
    (mail,) = smtp.mailbox.to("noaccount@example.jp")
    assert "まだ架け橋のアカウントをお持ちでない" in smtp.mailbox.body(mail)
    member = users.liaison(desk("131041"))
    client.login(member.email)
    assert thread.subject in client.get("/contact/inbox").get_data(as_text=True)
    assert client.get(f"/contact/threads/{thread.id}").status_code == 200


def test_handover_moves_postings_and_open_threads(client, users, postings, desk, smtp, deliver):
    old = users.officer("131041", email="old@example.jp", name="異動 前任")
    successor = users.officer("131041", email="new@example.jp", name="後任 次郎")
    posting = postings(code="131041", officer=old.officer)
    open_thread = routing.contact_posting(posting, RESIDENT, "", "まだ対応中")
    closed = routing.contact_posting(posting, RESIDENT, "", "終わった件")
    actions.set_status(closed, old, "closed")
    member = users.liaison(desk("131041"))

    client.login(member.email)
    assert "異動 前任" in client.get("/contact/officers").get_data(as_text=True)
    response = client.post_form(f"/contact/officers/{old.officer.id}/handover",
                                {"successor": successor.officer.id, "note": "4月1日付で異動"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Officer, old.officer.id).active is False
    assert db.session.get(Posting, posting.id).officer_id == successor.officer.id
    assert db.session.get(Thread, open_thread.id).officer_id == successor.officer.id
    assert db.session.get(Thread, closed.id).officer_id == old.officer.id  # history stays
    assert _events(open_thread) == ["message", "handover"]
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "officer.handover"))
    assert log.actor_user_id == member.id and log.details["threads"] == [open_thread.id]
    assert log.details["postings"] == [posting.id]
    deliver()
    assert any("引き継いだため送信しています" in smtp.mailbox.body(m) for m in smtp.mailbox.to("new@example.jp"))

    # New messages for the transferred officer reach the successor; none are dropped.
    thread = routing.contact_posting(db.session.get(Posting, posting.id), RESIDENT, "", "異動後")
    assert thread.officer_id == successor.officer.id
    old.officer.successor_id = successor.officer.id
    late = routing.contact_posting(posting, RESIDENT, "", "古いリンクから")
    assert late.officer_id == successor.officer.id
    # A second handover of the same officer is refused; the page says it is done, and to whom.
    page = client.get(f"/contact/officers/{old.officer.id}/handover").get_data(as_text=True)
    assert "この担当者は異動済みです" in page and "後任 次郎" in page and "引き継ぐ</button>" not in page
    again = client.post_form(f"/contact/officers/{old.officer.id}/handover",
                             {"successor": successor.officer.id}, token_from="/contact/inbox")
    assert again.status_code == 409 and "異動済み" in again.get_data(as_text=True)


def test_handover_to_a_new_person_and_to_nobody(users, postings, desk):
    admin = users.admin()
    old = users.officer("131041", email="leaving@example.jp")
    posting = postings(code="131041", officer=old.officer)
    thread = routing.contact_posting(posting, RESIDENT, "", "後任は新人")
    new = handover.hand_over(old.officer, admin, new=ContactInput(name="新任 三郎", email="shinnin@example.jp"))
    assert new.user is None and thread.officer_id == new.id
    assert thread.desk_id == desk("131041").id  # no account yet: the desk keeps sight

    orphan = users.officer("131041", email="gone@example.jp")
    orphan.officer.active = False  # left without a successor
    db.session.commit()
    posting2 = postings(code="131041", officer=orphan.officer)
    routed = routing.contact_posting(posting2, RESIDENT, "", "誰もいない")
    assert routed.officer_id is None and routed.desk_id == desk("131041").id


def test_handover_leaves_the_search_index_alone(users, postings):
    """The index holds no officer (indexing.document_for): moving postings re-queues none."""
    old = users.officer("131041", email="leaving@example.jp", name="異動 前任")
    successor = users.officer("131041", email="new@example.jp", name="後任 次郎")
    posting = postings(code="131041", officer=old.officer)
    assert "異動 前任" not in json.dumps(indexing.document_for(posting), ensure_ascii=False, default=str)
    assert indexing.pending_count() == 0
    handover.hand_over(old.officer, users.admin(), successor=successor.officer)
    assert db.session.get(Posting, posting.id).officer_id == successor.officer.id
    assert indexing.pending_count() == 0


def test_handover_permissions_in_service(users):
    officer = users.officer("131041")
    stranger = users.officer("131041")
    try:
        handover.hand_over(officer.officer, stranger, successor=stranger.officer)
    except permissions.Forbidden:
        pass
    else:  # pragma: no cover
        raise AssertionError("an officer may not hand over a colleague")


def test_escalation_after_working_days(users, postings, desk, runner, smtp, deliver):
    officer = users.officer("131041")
    member = users.liaison(desk("131041"))
    posting = postings(code="131041", officer=officer.officer)
    thread = routing.contact_posting(posting, RESIDENT, "", "返事がない")
    # Friday 2026-11-20 10:00 JST; Monday 11/23 is a holiday (勤労感謝の日).
    thread.created_at = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    db.session.commit()
    assert escalation.escalate(now=datetime(2026, 11, 25, 1, 0, tzinfo=UTC), days=3) == []  # Tue, Wed only
    done = escalation.escalate(now=datetime(2026, 11, 26, 1, 0, tzinfo=UTC), days=3)
    assert done == [thread] and thread.desk_id == desk("131041").id
    assert _events(thread) == ["message", "escalation"]
    assert escalation.escalate(now=datetime(2026, 12, 26, 1, 0, tzinfo=UTC), days=3) == []  # once only
    deliver()
    assert any("回付されたことをお知らせしています" in smtp.mailbox.body(m) for m in smtp.mailbox.to(member.email))
    result = runner.invoke(args=["mail", "escalate"])
    assert result.exit_code == 0 and "thread(s) escalated" in result.output


def test_working_days():
    fri = datetime(2026, 11, 20, 1, tzinfo=UTC)
    assert working_days_between(fri, datetime(2026, 11, 24, 1, tzinfo=UTC)) == 1  # Sat, Sun, holiday Mon
    assert working_days_between(datetime(2026, 12, 28, 1, tzinfo=UTC), datetime(2027, 1, 5, 1, tzinfo=UTC)) == 2  # year end


def test_digest_bundles_mail(users, postings, runner, smtp, deliver):
    officer = users.officer("131041", email="digest@example.jp")
    officer.notify_mode = "digest"
    db.session.commit()
    posting = postings(code="131041", officer=officer.officer)
    for i in range(3):
        routing.contact_posting(posting, RESIDENT, f"件名{i}", f"本文{i}")
    assert deliver().sent == 0
    result = runner.invoke(args=["mail", "digest"])
    assert "1 digest(s) queued." in result.output
    assert deliver().sent == 1
    (mail,) = smtp.mailbox.to("digest@example.jp")
    body = smtp.mailbox.body(mail)
    assert all(f"本文{i}" in body for i in range(3)) and "まとめて通知する" in body
    assert digest.send_digests() == 0


def test_notify_none_still_reaches_the_inbox(users, postings, smtp, deliver):
    officer = users.officer("131041")
    officer.notify_mode = "none"
    db.session.commit()
    thread = routing.contact_posting(postings(officer=officer.officer), RESIDENT, "", "通知なし")
    assert db.session.scalar(select(OutboxMail.id)) is None
    assert inbox.unread_count(officer) == 1 and thread.status == "new"


def test_reply_stats(users, postings):
    officer = users.officer()
    posting = postings(officer=officer.officer)
    for hours in (1, 3, 10):
        thread = routing.contact_posting(posting, RESIDENT, "", "質問")
        thread.created_at = datetime(2026, 1, 5, 0, tzinfo=UTC)
        thread.first_reply_at = thread.created_at + timedelta(hours=hours)
    db.session.commit()
    assert reply_stats.reply_stats() == {"answered": 3, "median_first_reply_hours": 3.0}


def test_forwarded_thread_stays_unread_for_the_officer(client, users, desk):
    member = users.liaison(desk("131041"))
    officer = users.officer("131041")
    thread = routing.contact_municipality(officer.municipality, RESIDENT, "件名", "本文")
    assert inbox.unread_count(member) == 1
    actions.forward(thread, member, officer.officer, "")
    client.login(member.email)
    client.get(f"/contact/threads/{thread.id}")  # the desk looks again
    db.session.refresh(thread)
    assert thread.status == "new"
    assert inbox.unread_count(member) == 0 and inbox.unread_count(officer) == 1


def test_official_sender_is_prefilled_and_linked(client, users, postings):
    writer = users.officer("011002", name="札幌 職員")
    posting = postings(code="131041", officer=users.officer("131041").officer)
    client.login(writer.email)
    page = client.get(f"/contact/postings/{posting.id}").get_data(as_text=True)
    assert 'value="札幌 職員"' in page and "札幌市" in page and writer.email in page
    response = client.post_form(f"/contact/postings/{posting.id}", {
        "name": "札幌 職員", "email": writer.email, "organisation": "北海道札幌市",
        "body": "連携の相談です。", "website": ""})
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.sender_user_id == writer.id and thread.sender_organisation == "北海道札幌市"


def test_desk_url_used_by_the_municipality_page(client, desk):
    assert client.get("/contact/desk/131041").status_code == 200
    assert desk("131041").name in client.get("/contact/desk/131041").get_data(as_text=True)


def test_desk_link_partial(app, users, postings, muni):
    from flask import render_template_string

    with app.test_request_context():
        render = lambda code: render_template_string(  # noqa: E731
            '{% include "partials/contact_desk_link.html" %}', muni=muni(code))
        assert "/contact/desk/131041" in render("131041")
        assert render("012025").strip() == ""  # 函館市: nothing on the platform
        postings(code="012025", officer=users.officer("012025").officer)
        assert "/contact/desk/012025" in render("012025")


def test_messages_without_subject_get_one(users, desk):
    central = routing.contact_municipality(None, RESIDENT, "", "全体への質問")
    assert central.subject == "特別区 全体窓口へのお問い合わせ" and central.desk.is_central
    ward = routing.contact_municipality(desk("131041").municipality, RESIDENT, " ", "区への質問")
    assert ward.subject == "新宿区へのお問い合わせ"
