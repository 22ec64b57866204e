"""Accent-insensitive matching: the folded form of Vietnamese text (`Lào Cai` → `lao cai`)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, tone and vowel marks removed, `đ` → `d`, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.replace("đ", "d").split())
