"""Bad input gets a clear Japanese error (4xx) and leaves no partial record; abuse controls."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Message, OutboxMail, Thread

GOOD = {"name": "住民 花子", "email": "hanako@example.com", "organisation": "", "subject": "",
        "body": "質問があります。", "website": ""}

CASES = {
    "empty_body": ({"body": ""}, "お問い合わせ内容を入力してください。"),
    "blank_body": ({"body": "   "}, "お問い合わせ内容を入力してください。"),
    "empty_name": ({"name": ""}, "お名前を入力してください。"),
    "bad_email": ({"email": "not-an-address"}, "メールアドレスの形式が正しくありません。"),
    "too_long": ({"body": "あ" * 5001}, "お問い合わせ内容は5000文字以内で入力してください（いま5001文字）。"),
    "long_subject": ({"subject": "件" * 201}, "件名は200文字以内"),
    "html_body": ({"body": '<a href="http://spam.example">安い</a>'}, "HTMLタグは使えません"),
    "html_script": ({"body": "<script>alert(1)</script>"}, "HTMLタグは使えません"),
    "html_name": ({"name": "<b>太郎</b>"}, "HTMLタグは使えません"),
    "honeypot": ({"website": "http://bot.example"}, "送信できませんでした"),
}


def _counts():
    return tuple(db.session.scalar(select(func.count(m.id))) for m in (Thread, Message, OutboxMail))


@pytest.fixture
def posting(users, postings):
    return postings(officer=users.officer("131041").officer)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_clearly(client, posting, case):
    change, message = CASES[case]
    response = client.post_form(f"/contact/postings/{posting.id}", {**GOOD, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "入力内容を確認してください。" in page
    assert _counts() == (0, 0, 0)
    assert "<script>alert(1)</script>" not in page  # what was typed is echoed escaped


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_missing_or_wrong_csrf(client, posting, token):
    data = dict(GOOD)
    if token:
        data["csrf_token"] = token
    response = client.post(f"/contact/postings/{posting.id}", data=data)
    assert response.status_code == 400
    assert "フォームの有効期限が切れたか" in response.get_data(as_text=True)
    assert _counts() == (0, 0, 0)


def test_good_input_stores_everything_at_once(client, posting):
    response = client.post_form(f"/contact/postings/{posting.id}", GOOD)
    assert response.status_code == 302
    assert _counts() == (1, 1, 1)


def test_rate_limit_per_sender_and_per_address(app, client, new_client, posting):
    app.config["RATELIMIT_CONTACT"] = "2 per minute"
    for _ in range(2):
        assert client.post_form(f"/contact/postings/{posting.id}", GOOD).status_code == 302
    third = client.post_form(f"/contact/postings/{posting.id}", {**GOOD, "email": "new@example.com"})
    assert third.status_code == 429  # same client address
    assert "しばらく時間をおいてください" in third.get_data(as_text=True)
    assert _counts()[0] == 2


def test_rate_limit_per_sender_address_across_forms(app, client, posting):
    app.config["RATELIMIT_CONTACT"] = "2 per minute"
    ok = [client.post_form(f"/contact/postings/{posting.id}", GOOD,
                           environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(3)]
    assert ok == [302, 302, 429]  # different client addresses, one sender e-mail


def test_blocked_sender_is_stored_but_not_notified(client, users, postings):
    officer = users.officer("131041")
    posting = postings(officer=officer.officer)
    assert client.post_form(f"/contact/postings/{posting.id}", GOOD).status_code == 302
    thread = db.session.scalar(select(Thread))
    client.login(officer.email)
    assert client.post_form(f"/contact/threads/{thread.id}/block", {"value": "1"},
                            token_from=f"/contact/threads/{thread.id}").status_code == 302
    # The sender sees the normal confirmation (nothing tells a blocked sender they are blocked).
    assert client.post_form(f"/contact/postings/{posting.id}", GOOD).status_code == 302
    assert _counts() == (2, 2, 1)  # stored, but the second one was not mailed
    inbox = client.get("/contact/inbox").get_data(as_text=True)
    assert "住民 花子" not in inbox
    assert "住民 花子" in client.get("/contact/inbox?status=all&blocked=1").get_data(as_text=True)


def test_settings_page_changes_notify_mode(client, users):
    user = users.officer()
    client.login(user.email)
    response = client.post_form("/contact/settings", {"notify_mode": "digest"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.notify_mode == "digest"
    bad = client.post_form("/contact/settings", {"notify_mode": "sometimes"})
    assert bad.status_code == 400


def test_reply_errors_are_clear_and_store_nothing(client, new_client, users, postings):
    from app.services.contact import actions, links, routing
    from app.services.contact.routing import Sender

    officer = users.officer("131041")
    thread = routing.contact_posting(postings(officer=officer.officer), Sender("住民", "r@example.com"), "", "質問")
    token = links.issue_sender_link(thread)
    db.session.commit()
    client.login(officer.email)
    page = f"/contact/threads/{thread.id}"
    for body, message in (("", "返信を入力してください。"), ("<i>x</i>", "HTMLタグは使えません"),
                          ("あ" * 5001, "5000文字以内")):
        response = client.post_form(f"{page}/reply", {"body": body}, token_from=page)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert len(thread.messages) == 1 and db.session.scalar(select(func.count(OutboxMail.id))) == 1

    actions.set_status(thread, officer, "closed")
    sender = new_client()
    response = sender.post_form(f"/contact/t/{token}", {"body": "まだ質問があります"})
    assert response.status_code == 400
    assert "このお問い合わせは完了しています" in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert len(thread.messages) == 1
