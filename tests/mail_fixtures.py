"""A real SMTP server on loopback for the tests (aiosmtpd): it collects what arrives, and
can be stopped and started again on the same port to play an outage."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes  # the message as it came over the wire

    def __getitem__(self, header: str):
        return self.message[header]

    def part(self, content_type: str) -> str:
        """The decoded text of the part with this type ("text/plain", "text/html")."""
        for part in self.message.walk():
            if part.get_content_type() == content_type and not part.is_multipart():
                return part.get_content()
        raise AssertionError(f"no {content_type} part in {self.message['Subject']!r}")

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")


class _Collector:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, _server, _session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        parsed = message_from_bytes(raw, policy=policy.default)
        with self.server.lock:
            self.server.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, raw)
            )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1 and a port of its own; ``messages`` holds what it received."""

    def __init__(self) -> None:
        self.host = HOST
        self.port = _free_port()
        self.messages: list[Received] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            # A fresh controller each time: a stopped one's event loop is not reused.
            controller = Controller(_Collector(self), hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


@pytest.fixture
def smtp_server(app):
    """A running SMTP server, with the app sending to it over SMTP.

    ``smtp_server.stop()`` and ``smtp_server.start()`` take it down and bring it back on
    the same port. The delivery mode (MAIL_DELIVERY) is left to the test."""
    server = SmtpServer()
    server.start()
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER=server.host,
        MAIL_PORT=server.port,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        MAIL_USERNAME=None,
        MAIL_TIMEOUT=5,
    )
    try:
        yield server
    finally:
        server.stop()
