"""End to end through a real SMTP server: a resident writes, the officer replies, the
resident reads and answers through the private link."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Message, OutboxMail, Thread

LINK = re.compile(r"http://kakehashi\.test/contact/t/([A-Za-z0-9_-]+)")


def _write(client, posting, **data):
    form = {"name": "住民 花子", "email": "hanako@example.com", "subject": "",
            "body": "空き家バンクについて教えてください。\n2行目です。", "website": ""}
    form.update(data)
    return client.post_form(f"/contact/postings/{posting.id}", form)


def test_resident_to_officer_and_back(client, new_client, users, postings, smtp, deliver):
    officer_user = users.officer("131041", email="kakari@city.shinjuku.example.jp")
    posting = postings(officer=officer_user.officer)
    page = client.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert f"/contact/postings/{posting.id}" in page

    response = _write(client, posting)
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.officer_id == officer_user.officer.id and thread.status == "new"
    assert [m.event for m in thread.messages] == ["message"]

    assert deliver().sent == 1
    (mail,) = smtp.mailbox.to("kakari@city.shinjuku.example.jp")
    body = smtp.mailbox.body(mail)
    assert "空き家バンクについて" in body
    assert f"あなたが担当者となっている投稿『{posting.title}』にお問い合わせがあったため送信しています。" in body
    assert mail["Message-ID"] == db.session.scalar(select(OutboxMail.message_id))

    client.login(officer_user.email)
    inbox = client.get("/contact/inbox").get_data(as_text=True)
    assert "住民 花子" in inbox and "（未読1件）" in inbox
    assert client.get(f"/contact/threads/{thread.id}").status_code == 200
    db.session.refresh(thread)
    assert thread.status == "read"

    response = client.post_form(f"/contact/threads/{thread.id}/reply", {"body": "ご連絡ありがとうございます。"},
                                token_from=f"/contact/threads/{thread.id}")
    assert response.status_code == 302
    db.session.refresh(thread)
    assert thread.status == "replied" and thread.first_reply_at is not None
    assert deliver().sent == 1
    (reply,) = smtp.mailbox.to("hanako@example.com")
    text = smtp.mailbox.body(reply)
    assert "ご連絡ありがとうございます。" in text and "返信があったため送信しています" in text
    token = LINK.search(text).group(1)
    # Only the hash is kept; the sent mail's stored copy no longer holds the token.
    assert token not in db.session.scalar(select(OutboxMail.body).where(OutboxMail.to_addr == "hanako@example.com"))
    assert thread.access_token_hash != token and len(thread.access_token_hash) == 64

    client = new_client()  # the resident again, not logged in
    private = client.get(f"/contact/t/{token}")
    assert private.status_code == 200 and private.headers["Cache-Control"] == "no-store"
    assert "ご連絡ありがとうございます。" in private.get_data(as_text=True)
    response = client.post_form(f"/contact/t/{token}", {"body": "追加の質問です。"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(thread)
    assert thread.status == "new" and len(thread.messages) == 3
    assert deliver().sent == 1
    assert len(smtp.mailbox.to("kakari@city.shinjuku.example.jp")) == 2
    assert client.get("/contact/t/" + "x" * 43).status_code == 404


def test_html_is_shown_as_text(client, users, postings, smtp):
    officer_user = users.officer("131041")
    posting = postings(officer=officer_user.officer)
    # "<" that is not a tag is fine and displayed escaped.
    assert _write(client, posting, body="1 < 2 & 3 > 2 \"quoted\"").status_code == 302
    thread = db.session.scalar(select(Thread))
    client.login(officer_user.email)
    page = client.get(f"/contact/threads/{thread.id}").get_data(as_text=True)
    assert "1 &lt; 2 &amp; 3 &gt; 2 &#34;quoted&#34;" in page
    assert db.session.scalar(select(Message.body)) == "1 < 2 & 3 > 2 \"quoted\""
