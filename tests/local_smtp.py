"""A tiny SMTP server on 127.0.0.1 for tests that send e-mail: it speaks enough of RFC 5321 for
smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it accepts.

With `refuse` set it answers every MAIL FROM with that reply (e.g. "554 5.7.1 relay denied"), as a
misconfigured or hostile relay does. No TLS and no login: tests of those need a real relay.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import cast


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return cast(EmailMessage, message_from_bytes(self.data, policy=policy.default))


@dataclass
class SmtpServer:
    refuse: str = ""
    received: list[Received] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    _server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> None:
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                owner._converse(self.rfile.readline, self.wfile.write)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _converse(self, read: Callable[[], bytes], write: Callable[[bytes], object]) -> None:
        def say(line: str) -> None:
            write(f"{line}\r\n".encode())

        say("220 localhost test SMTP")
        sender, recipients = "", []
        while line := read():
            verb = line[:4].decode("ascii", "replace").upper()
            if verb in ("EHLO", "HELO"):
                say("250-localhost" if verb == "EHLO" else "250 localhost")
                if verb == "EHLO":
                    say("250 8BITMIME")
            elif verb == "MAIL":
                if self.refuse:
                    say(self.refuse)
                    continue
                sender, recipients = _address(line), []
                say("250 OK")
            elif verb == "RCPT":
                recipients.append(_address(line))
                say("250 OK")
            elif verb == "DATA":
                say("354 End data with <CR><LF>.<CR><LF>")
                self.received.append(Received(sender, recipients, _read_data(read)))
                say("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                say("250 OK")
            elif verb == "QUIT":
                say("221 Bye")
                return
            else:
                say("502 Command not implemented")


def _address(line: bytes) -> str:
    text = line.decode("utf-8", "replace")
    return text[text.find("<") + 1 : text.rfind(">")]


def _read_data(read: Callable[[], bytes]) -> bytes:
    lines = []
    while (line := read()) not in (b".\r\n", b""):
        lines.append(line[1:] if line.startswith(b"..") else line)
    return b"".join(lines)
