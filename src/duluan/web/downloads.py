"""Files the browser saves rather than shows: one way to send them."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import Response

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment(body: bytes, media_type: str, filename: str) -> Response:
    """`body` as a download named `filename` (any characters: an ASCII fallback and the UTF-8
    name, RFC 6266), never sniffed into something the browser would render."""
    fallback = _UNSAFE.sub("_", filename).strip("_") or "tep"
    disposition = f'attachment; filename="{fallback}"'
    if fallback != filename:
        disposition += f"; filename*=UTF-8''{quote(filename)}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )
