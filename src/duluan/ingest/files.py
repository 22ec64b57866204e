"""Import of posts and articles from JSONL or CSV exports of social platforms and other tools.

Columns are found by name (case-insensitive); the first present name of each field is used:

    text          text, content, message, body, full_text, noi_dung
    title         title, headline, tieu_de
    url           url, link, permalink, permalink_url
    external_id   id, post_id, comment_id, message_id, guid
    author        author, user, username, from, from_name, screen_name, tac_gia
    published_at  published_at, created_time, created_at, timestamp, date, time, ngay
    kind          kind (article, post, comment, report; default `post`)
    language      language, lang

`--map field=column` overrides a field's column. A line or row that cannot be read is reported
with its number and skipped; the others are imported. Author names are hashed before storage.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from duluan.db.engine import transaction
from duluan.errors import BadInput, NotFound
from duluan.i18n import stored_text
from duluan.ingest.dates import from_timestamp, parse_iso_datetime, parse_vietnamese_date
from duluan.ingest.items import Item
from duluan.ingest.models import DOCUMENT_KINDS, Source
from duluan.ingest.service import Progress, StoreSummary, store_batch
from duluan.settings import get_settings

COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "message", "body", "full_text", "noi_dung"),
    "title": ("title", "headline", "tieu_de"),
    "url": ("url", "link", "permalink", "permalink_url"),
    "external_id": ("id", "post_id", "comment_id", "message_id", "guid"),
    "author": ("author", "user", "username", "from", "from_name", "screen_name", "tac_gia"),
    "published_at": (
        "published_at",
        "created_time",
        "created_at",
        "timestamp",
        "date",
        "time",
        "ngay",
    ),
    "kind": ("kind",),
    "language": ("language", "lang"),
}
BATCH = 200  # rows stored per transaction
MAX_FIELD = 1_000_000  # characters of one CSV field
BAD_LINES_KEPT = 100  # skipped lines listed in a job's result (all are counted)


@dataclass
class ImportSummary:
    stored: StoreSummary = field(default_factory=StoreSummary)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def _reason(key: str, **params: object) -> str:
    """Why a line is skipped, in the deployment's language (shown in the UI and the CLI)."""
    return stored_text(f"errors.import_line.{key}", **params)


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`["text=message", "author=from"]` as a mapping; BadInput naming a wrong pair."""
    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or name.strip() not in COLUMNS or not column.strip():
            raise BadInput("errors.import_bad_mapping", pair=pair, fields=", ".join(COLUMNS))
        mapping[name.strip()] = column.strip()
    return mapping


def _column(record: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in record.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, ""):
            return value
    return None


def _timestamp(value: Any) -> datetime | None:
    """A time from epoch seconds or milliseconds, ISO 8601, or a Vietnamese date; else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_timestamp(value / 1000 if value > 10**11 else value)
    text = str(value).strip()
    if text.isdigit():
        return _timestamp(int(text))
    return parse_iso_datetime(text.replace("Z", "+00:00")) or parse_vietnamese_date(text)


def item_of(record: Mapping[str, Any], mapping: Mapping[str, str] | None = None) -> Item:
    """One record as an Item; ValueError with the reason when it has no usable text."""
    names = {
        f: ((mapping[f],) if mapping and f in mapping else cols) for f, cols in COLUMNS.items()
    }
    text, title = _column(record, names["text"]), _column(record, names["title"])
    if not isinstance(text, str) and not isinstance(title, str):
        raise ValueError(_reason("no_text", columns=", ".join(names["text"])))
    kind = str(_column(record, names["kind"]) or "post")
    if kind not in DOCUMENT_KINDS:
        raise ValueError(_reason("bad_kind", kind=kind[:40], kinds=", ".join(DOCUMENT_KINDS)))
    raw_time = _column(record, names["published_at"])
    published = _timestamp(raw_time) if raw_time is not None else None
    if raw_time is not None and published is None:
        raise ValueError(_reason("bad_date", value=str(raw_time)[:40]))
    external_id = _column(record, names["external_id"])
    author, url = _column(record, names["author"]), _column(record, names["url"])
    return Item(
        text=str(text or ""),
        title=str(title or ""),
        url=str(url) if url else None,
        external_id=str(external_id) if external_id is not None else None,
        author=str(author) if author else None,
        published_at=published,
        kind=kind,
        language=str(_column(record, names["language"]) or "") or None,
    )


def check_readable(path: Path) -> None:
    """BadInput when `path` is missing or not UTF-8 text, before any work is queued for it."""
    next(read_records(path), None)


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line or row number, record or the reason it is unreadable) of a JSONL or CSV file."""
    if not path.is_file():
        raise BadInput("errors.file_not_found", path=str(path))
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput("errors.import_not_utf8", path=path.name, position=exc.start) from exc
    if path.suffix.lower() == ".csv":
        yield from _csv_records(content)
    else:
        yield from _jsonl_records(content)


def _jsonl_records(content: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, _reason("not_json", detail=exc.msg)
            continue
        yield number, record if isinstance(record, dict) else _reason("not_object")


def _csv_records(content: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    csv.field_size_limit(MAX_FIELD)
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        for row in reader:
            if None in row:
                yield reader.line_num, _reason("extra_cells")
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        yield reader.line_num, _reason("not_csv", detail=str(exc))


def import_file(
    factory: sessionmaker[Session],
    source_id: int,
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Store the records of `path` under the import source `source_id`, in batches."""
    summary = ImportSummary()
    with transaction(factory) as session:
        if session.get(Source, source_id) is None:
            raise NotFound("errors.source_not_found", id=source_id)
    records = list(read_records(path))
    items: list[Item] = []
    for number, record in records:
        if isinstance(record, str):
            summary.bad_lines.append((number, record))
            continue
        try:
            items.append(item_of(record, mapping))
        except ValueError as exc:
            summary.bad_lines.append((number, str(exc)))
    secret = get_settings().secret_key
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        summary.stored.add(store_batch(factory, source_id, batch, secret=secret))
        if progress:
            progress(min(start + BATCH, len(items)), len(items))
    return summary


def import_job(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Job function (jobs.registry): import `payload["path"]` into `payload["source_id"]`.

    With `payload["remove_file"]` (an upload), the file is deleted once the import has finished;
    a crash before that leaves it for the job's next run.
    """
    path = Path(payload["path"])
    summary = import_file(
        factory,
        int(payload["source_id"]),
        path,
        mapping=payload.get("mapping") or None,
        progress=progress,
    )
    if payload.get("remove_file"):
        path.unlink(missing_ok=True)
    return {
        "found": summary.stored.found,
        "new": summary.stored.new,
        "duplicate": summary.stored.duplicate,
        "rejected": summary.stored.rejected + len(summary.bad_lines),
        "bad_lines": [[n, reason] for n, reason in summary.bad_lines[:BAD_LINES_KEPT]],
        "bad_lines_total": len(summary.bad_lines),
    }
