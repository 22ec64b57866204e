"""Fetchers for the fetcher and connector tests, allowed to reach the local server.

The local HTTP server (`server` fixture, tests/local_server.py) listens on 127.0.0.1, which the
fetcher refuses unless 127.0.0.0/8 is among the allowed networks: `fetch_settings` allows it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from duluan.ingest.http import Fetcher
from duluan.ingest.models import Source
from duluan.settings import Settings


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
