"""What every connector reads from its Source: the URL, the options in `config`, the validators."""

from __future__ import annotations

from typing import Any

from duluan.errors import BadInput
from duluan.ingest.http import Fetcher, Response
from duluan.ingest.items import FetchOutcome
from duluan.ingest.models import Source

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off", "")


def source_url(source: Source) -> str:
    if not source.url:
        raise BadInput("errors.source_url_missing", name=source.name)
    return source.url


def fetch_source(source: Source, fetcher: Fetcher) -> Response:
    """The source's own URL, fetched with the validators of its last pass (conditional GET)."""
    return fetcher.get(source_url(source), etag=source.etag, last_modified=source.last_modified)


def outcome_of(response: Response, source: Source) -> FetchOutcome:
    """An outcome without items yet, carrying the status and the validators for the next pass."""
    if response.not_modified:
        return FetchOutcome(
            status="not_modified",
            http_status=response.status,
            etag=response.etag or source.etag,
            last_modified=response.last_modified or source.last_modified,
        )
    return FetchOutcome(
        http_status=response.status, etag=response.etag, last_modified=response.last_modified
    )


def option_bool(source: Source, name: str, default: bool) -> bool:
    """A yes/no option; forms may store it as text (`"true"`, `"0"`…)."""
    value = _option(source, name, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise BadInput("errors.source_option_invalid", name=name, value=value, expected="true/false")


def option_int(source: Source, name: str, default: int, *, maximum: int) -> int:
    """A whole-number option from 1 to `maximum`; forms may store it as text."""
    value = _option(source, name, default)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= maximum:
        return value
    raise BadInput("errors.source_option_invalid", name=name, value=value, expected=f"1–{maximum}")


def option_text(source: Source, name: str) -> str | None:
    """A text option, stripped; None when absent or blank."""
    value = _option(source, name, None)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput("errors.source_option_invalid", name=name, value=value, expected="text")
    return value.strip() or None


def _option(source: Source, name: str, default: Any) -> Any:
    return (source.config or {}).get(name, default)
