"""A local HTTP server on 127.0.0.1 for tests that fetch: feeds, pages, robots.txt, faults.

Routes are registered per test: a fixed `Reply` (status, headers, body, delay), a function of the
request headers, or a file of tests/ingest/fixtures. Unregistered paths answer 404 (so robots.txt
is absent unless a test serves one). The fetcher refuses 127.0.0.1 unless 127.0.0.0/8 is among the
allowed networks (DULUAN_SOURCE_ALLOWED_NETWORKS), so tests that fetch from it allow it explicitly.
The `server` fixture (tests/conftest.py) starts one per test.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "ingest" / "fixtures"
BASE_PLACEHOLDER = "http://SERVER"  # in fixture files: replaced by the server's address


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes


Responder = Reply | Callable[[dict[str, str]], Reply]  # a reply, or one made from request headers


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float  # on the server's clock


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 and a random port, answering registered routes."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Responder]] = {}
        self.hits: list[Hit] = []
        self.clock: Callable[[], float] = time.monotonic
        self.stopping = threading.Event()
        self._http = _QuietServer(("127.0.0.1", 0), _Handler)
        self._http.owner = self
        self.base = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *replies: Responder) -> None:
        """Answer `path` with the replies in turn, the last one repeated."""
        self.routes[path] = list(replies)

    def file(self, path: str, name: str, content_type: str, **headers: str) -> None:
        """Answer `path` with a fixture file, its `http://SERVER` turned into this server."""
        body = (FIXTURES / name).read_bytes().replace(BASE_PLACEHOLDER.encode(), self.base.encode())
        self.route(path, Reply(body=body, headers={"Content-Type": content_type, **headers}))

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def reply_for(self, path: str, headers: dict[str, str]) -> Reply:
        self.hits.append(Hit(path, headers, self.clock()))
        replies = self.routes.get(path)
        if not replies:
            return Reply(status=404, body=b"not found")
        responder = replies.pop(0) if len(replies) > 1 else replies[0]
        return responder(headers) if callable(responder) else responder

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()  # wakes handlers still waiting out a delay
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()


class _QuietServer(ThreadingHTTPServer):
    owner: LocalServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, refused bodies) are part of the tests: no traceback."""


class _Handler(BaseHTTPRequestHandler):
    server: _QuietServer

    def do_GET(self) -> None:
        owner = self.server.owner
        reply = owner.reply_for(self.path, {k.lower(): v for k, v in self.headers.items()})
        if reply.delay and owner.stopping.wait(reply.delay):
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.send_length:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # a client that stopped reading is part of the test
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the tests read `hits`, not a log."""
