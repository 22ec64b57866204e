"""A local HTTP server for the fetcher and connector tests, and fetchers allowed to reach it.

Routes are registered per test: a fixed `Reply` (status, headers, body, delay), a function of the
request headers, or a file of tests/ingest/fixtures. Unregistered paths answer 404 (so robots.txt
is absent unless a test serves one). The server listens on 127.0.0.1, which the fetcher refuses
unless 127.0.0.0/8 is among the allowed networks: the `fetcher` fixture allows it explicitly.
"""

from __future__ import annotations

import contextlib
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from duluan.ingest.http import Fetcher
from duluan.ingest.models import Source
from duluan.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
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


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.start()
    yield local
    local.stop()


def fetch_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for fetching in tests: the local server allowed, no pause between requests."""
    values: dict[str, Any] = {
        "environment": "test",
        "secret_key": "k" * 48,
        "data_dir": tmp_path,
        "source_allowed_networks": "127.0.0.0/8",
        "fetch_timeout_seconds": 5.0,
        "fetch_host_interval_seconds": 0.0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def make_fetcher(tmp_path: Path) -> Iterator[Callable[..., Fetcher]]:
    """Build fetchers from test settings (overridable), with fast retries; all closed after."""
    made: list[Fetcher] = []

    def make(settings: Settings | None = None, **options: Any) -> Fetcher:
        options.setdefault("retry_delay", 0.01)
        fetcher = Fetcher(settings or fetch_settings(tmp_path), **options)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


@pytest.fixture
def fetcher(make_fetcher: Callable[..., Fetcher]) -> Fetcher:
    return make_fetcher()


def make_source(kind: str, url: str, **config: Any) -> Source:
    """A Source as the collector hands it to a connector (not in any database)."""
    return Source(kind=kind, name=f"Nguồn thử {kind}", url=url, config=config)


def to_windows_1258(text: str) -> bytes:
    """Encode as windows-1258 writes Vietnamese: base letter, then a combining tone mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")
