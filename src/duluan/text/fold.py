"""Accent-insensitive forms of Vietnamese text (`Lào Cai` → `lao cai`), with C-level speed."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def _table() -> dict[int, str | None]:
    """Each Latin letter with marks → its bare letter (`ệ` → `e`, `Đ` → `D`); marks → nothing."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFD", chr(code))
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
        if bare != chr(code) and len(bare) == 1 and bare.isascii():
            table[code] = bare
    table.update({code: None for code in range(0x300, 0x370)})  # stray combining marks
    return table


_TABLE = _table()


def strip_marks(text: str) -> str:
    """The text as typed without diacritics, case kept (`Giá Xăng` → `Gia Xang`).

    For NFC input each character maps to one character, so offsets stay valid.
    """
    return unicodedata.normalize("NFC", text).translate(_TABLE)


def fold(text: str) -> str:
    """Lower-case, tone and vowel marks removed, `đ` → `d`, whitespace collapsed."""
    return " ".join(strip_marks(text).lower().split())


@lru_cache(maxsize=100_000)
def fold_word(word: str) -> str:
    """`fold` for one word, remembered: words repeat across texts, whole texts rarely do."""
    return fold(word)
