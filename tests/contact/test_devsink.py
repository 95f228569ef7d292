"""The development SMTP sink stores mail as files; the dev mailbox page lists them (debug only)."""

import os
import smtplib
import socket
import subprocess
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from app.services.mail.devsink import FileMailbox, free_port


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


ROOT = Path(__file__).resolve().parents[2]


def _run_dev_services(cwd: Path, **env) -> subprocess.CompletedProcess:
    """Source scripts/dev-services.sh as `make run` does, then stop what it started."""
    script = f"""
        set -euo pipefail
        BIN={ROOT}/.venv/bin HOST=127.0.0.1 PORT=5000
        pids=()
        cleanup() {{ for pid in "${{pids[@]:-}}"; do kill "$pid" 2>/dev/null || true; done; }}
        trap cleanup EXIT
        source {ROOT}/scripts/dev-services.sh
        "$BIN/python" - "$MAIL_PORT" <<'PY'
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=5) as smtp:
    smtp.sendmail("a@example.jp", ["b@example.jp"], "Subject: sink check\\r\\n\\r\\nhello")
PY
        echo "MAIL_PORT=$MAIL_PORT"
    """
    environment = {k: v for k, v in os.environ.items() if k not in ("MAIL_PORT", "MAIL_SERVER")}
    # As from the project folder (config.py lives there), but writing into `cwd`.
    environment.update(FLASK_APP=str(ROOT / "wsgi.py"), PYTHONPATH=str(ROOT), KAKEHASHI_ENV="development",
                       DATABASE_URL=f"sqlite:///{cwd / 'dev.sqlite3'}", **env)
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=60)


def test_dev_sink_moves_to_a_free_port_when_8025_is_taken(tmp_path):
    """Another instance on the machine holds 8025: this one uses the next free port and tells
    the worker (MAIL_PORT), so its mail lands in its own mailbox, not someone else's."""
    with socket.socket() as other:
        try:
            other.bind(("127.0.0.1", 8025))
            other.listen()
        except OSError:
            pass  # already taken by someone else: the same situation
        result = _run_dev_services(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    port = int(result.stdout.split("MAIL_PORT=")[1].split()[0])
    assert port != 8025
    assert f"dev SMTP sink on 127.0.0.1:{port}" in result.stdout
    assert len(list((tmp_path / "instance" / "mail").glob("*.eml"))) == 1


def test_dev_sink_on_a_taken_port_stops_make_run_with_its_reason(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = other.getsockname()[1]
        result = _run_dev_services(tmp_path, MAIL_PORT=str(taken))
    assert result.returncode == 1
    assert f"could not start on 127.0.0.1:{taken}" in result.stderr
    assert "cannot listen on" in result.stderr and "set MAIL_PORT" in result.stderr
    assert "MAIL_PORT=" not in result.stdout  # nothing went on as if mail worked


def test_free_port_skips_ports_in_use():
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = other.getsockname()[1]
        assert free_port("127.0.0.1", taken) != taken
