"""Model files: gzip-compressed JSON stamped with a format name, read back with a clear error."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any


def write(path: Path, format_name: str, payload: dict[str, Any]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump({"format": format_name, **payload}, handle, ensure_ascii=False, sort_keys=True)


def read(path: Path, format_name: str) -> dict[str, Any]:
    """The payload of a model file; ValueError naming the file if it is not one of this format."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            payload = json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} is not a readable {format_name} model ({exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != format_name:
        raise ValueError(f"{path} is not a {format_name} model")
    return payload
