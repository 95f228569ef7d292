"""Development-only mailbox pages over the dev SMTP sink's files (404 unless DEV_MAILBOX is on: development only)."""

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import abort, current_app, render_template

from app.contact import bp
from app.services.mail.devsink import mail_dir

_NAME = re.compile(r"^[0-9T]+-[0-9]+\.eml$")


def _read(path: Path) -> dict:
    msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    body = msg.get_body(preferencelist=("plain",))
    return {"name": path.name, "to": str(msg.get("To", "")), "from": str(msg.get("From", "")),
            "subject": str(msg.get("Subject", "")), "date": str(msg.get("Date", "")),
            "message_id": str(msg.get("Message-ID", "")),
            "reason": str(msg.get("X-Kakehashi-Reason", "")),
            "body": body.get_content() if body is not None else ""}


def _require_debug() -> None:
    # A config flag rather than app.debug: `flask run` resets app.debug from FLASK_DEBUG.
    # Never in production, whatever the flag says: the mails hold private reply links.
    if not current_app.config.get("DEV_MAILBOX") or current_app.config.get("ENVIRONMENT") == "production":
        abort(404)


@bp.route("/dev/mailbox")
def dev_mailbox():
    _require_debug()
    directory = mail_dir()
    files = sorted(directory.glob("*.eml"), reverse=True)[:200] if directory.is_dir() else []
    return render_template("contact/dev_mailbox.html", mails=[_read(p) for p in files],
                           directory=directory)


@bp.route("/dev/mailbox/<name>")
def dev_mail(name: str):
    _require_debug()
    path = mail_dir() / name
    if not _NAME.match(name) or not path.is_file():
        abort(404)
    return render_template("contact/dev_mail.html", mail=_read(path))
