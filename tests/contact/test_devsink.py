"""The development SMTP sink stores mail as files; the dev mailbox page lists them (debug only)."""

import smtplib
import socket
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from app.contact.devsink import FileMailbox


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sink_stores_files_and_page_lists_them(app, client, tmp_path):
    port = _free_port()
    controller = Controller(FileMailbox(tmp_path / "mail"), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "a@example.jp", "hanako@example.com", "【架け橋】返信: テスト"
        msg.set_content("本文です <script>x</script>", charset="utf-8")
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
            smtp.send_message(msg)
    finally:
        controller.stop()
    (path,) = (tmp_path / "mail").glob("*.eml")

    app.config["DEV_MAIL_DIR"] = str(tmp_path / "mail")
    assert client.get("/contact/dev/mailbox").status_code == 404  # not in development
    app.config["DEV_MAILBOX"] = True
    try:
        listing = client.get("/contact/dev/mailbox").get_data(as_text=True)
        assert "【架け橋】返信: テスト" in listing and "hanako@example.com" in listing
        page = client.get(f"/contact/dev/mailbox/{path.name}").get_data(as_text=True)
        assert "本文です &lt;script&gt;x&lt;/script&gt;" in page
        assert client.get("/contact/dev/mailbox/..%2Fsecret.eml").status_code == 404
    finally:
        app.config["DEV_MAILBOX"] = False
