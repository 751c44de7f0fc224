"""A real SMTP server on loopback (aiosmtpd, on a free port) and what it received."""
from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s<>\"]+", self.text())

    def attachments(self) -> list:
        return list(self.message.iter_attachments())


class Mailbox:
    """What the server accepted, in order."""

    def __init__(self):
        self.received: list[Received] = []
        #: addresses the server refuses for good (550), to show a permanent failure
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    def clear(self) -> None:
        self.received.clear()


class SmtpServer:
    """An aiosmtpd server that can be started and stopped on one port (to show an SMTP server that is down)."""

    def __init__(self, port: int):
        self.port = port
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port(app):
    """The app sends to a free loopback port (nothing listens yet); the previous settings come back after."""
    port = free_port()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL",
                                            "MAIL_USERNAME", "BASE_URL")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_USERNAME=None, BASE_URL="http://parc.test")
    yield port
    app.config.update(saved)


@pytest.fixture
def smtp_server(smtp_port):
    """A real SMTP server listening on the app's MAIL_PORT."""
    server = SmtpServer(smtp_port)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    return smtp_server.mailbox


@pytest.fixture
def deliver(app):
    """One delivery pass (as ``flask mail deliver`` does)."""
    from purchasing.mail.delivery import deliver_due_messages

    return deliver_due_messages
