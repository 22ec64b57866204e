"""What connectors, imports and the push API hand to the pipeline: items, and fetch outcomes.

An `Item` is raw: its author is the handle as found, its text not yet normalised or masked. The
pipeline (ingest.service) hashes the author and masks the text before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

MAX_TEXT_CHARS = 200_000  # longer texts are cut (a page of this size is not an opinion item)
MAX_TITLE_CHARS = 1000


@dataclass
class Item:
    text: str
    title: str = ""
    url: str | None = None
    external_id: str | None = None  # the item's id at its source, when it has one
    author: str | None = None  # raw handle: hashed at ingest, never stored
    published_at: datetime | None = None  # timezone-aware; None means "when collected"
    kind: str = "article"  # article, post, comment, report
    language: str | None = None  # a hint from the source; the text is identified anyway


@dataclass
class FetchOutcome:
    """What one collection pass over a source brought back."""

    items: list[Item] = field(default_factory=list)
    status: Literal["ok", "not_modified"] = "ok"
    http_status: int | None = None
    etag: str | None = None  # validators for the next conditional GET
    last_modified: str | None = None
    skipped: list[str] = field(default_factory=list)  # entries left out, each with its reason
