"""Development SMTP sink: accepts every mail on MAIL_SERVER:MAIL_PORT and stores it as an
.eml file under instance/mail/ (`mail_dir`), where /contact/dev/mailbox shows it (development only).

Run with `flask mail sink` (scripts/dev-services.sh does it for `make run`); the command and the
mailbox pages both import it from here.
"""

import socket
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app


def mail_dir() -> Path:
    """Where the sink stores mail and the mailbox pages read it (DEV_MAIL_DIR, else instance/mail)."""
    return Path(current_app.config.get("DEV_MAIL_DIR") or Path(current_app.instance_path) / "mail")


class FileMailbox:
    """aiosmtpd handler writing each accepted message to its own file."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._n = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self._n += 1
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{self._n:04d}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(path)  # the mailbox page never sees half-written files
        return "250 Message accepted for delivery"


class PortInUse(OSError):
    """The sink's address is taken (another instance on this machine, most likely)."""


def free_port(host: str, preferred: int, tries: int = 50) -> int:
    """`preferred` if nothing listens there, else the next free port after it."""
    for port in range(preferred, preferred + tries):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:  # all taken: any port the system offers
        probe.bind((host, 0))
        return probe.getsockname()[1]


def serve(host: str, port: int, directory: Path) -> None:
    from aiosmtpd.controller import Controller  # only the sink command needs the SMTP server

    controller = Controller(FileMailbox(directory), hostname=host, port=port)
    try:
        controller.start()
    except OSError as exc:
        raise PortInUse(f"cannot listen on {host}:{port} ({exc.strerror or exc}); another sink may be "
                        f"running there: stop it, or set MAIL_PORT to a free port") from exc
    # scripts/dev-services.sh waits for this line before starting the delivery worker.
    print(f"Dev SMTP sink on {host}:{port}, storing mail in {directory}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
