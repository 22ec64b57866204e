"""Checks every network form shares: free text bounded and PII-masked, values from a list."""

from __future__ import annotations

from duluan.errors import BadInput
from duluan.text.pii import mask_pii


def masked(text: str, limit: int) -> str:
    """The text trimmed, with personal numbers masked; BadInput when longer than `limit`."""
    text = text.strip()
    if len(text) > limit:
        raise BadInput("network.errors.text_too_long", maximum=limit)
    return mask_pii(text).text if text else ""


def one_of(value: str, allowed: tuple[str, ...], key: str) -> str:
    if value not in allowed:
        raise BadInput(key, value=value)
    return value
