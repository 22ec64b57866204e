"""Numbers written the Vietnamese way (1.234; 12,5 %) and the `Figures` of a section: every
number a paragraph quotes is put in through them, so it is also kept, by name, in the section's
`figures` and can be checked against the snapshot.

(`web/render.py` formats numbers for pages; the reports layer may not import the web layer, and
a report always speaks Vietnamese, so it has its own two-line formatter.)
"""

from __future__ import annotations

import re
from typing import Any

NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")  # how a number is written in a paragraph


def count_text(value: int) -> str:
    """An integer with thousands grouped by dots: 1.234."""
    return f"{value:,d}".replace(",", ".")


def decimal_text(value: float, digits: int = 1) -> str:
    """A decimal with a comma and thousands grouped by dots: 1.234,5."""
    return f"{value:,.{digits}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent_text(share: float) -> str:
    """A share (0–1) as a percentage number with one decimal, without the sign: 12,5."""
    return decimal_text(share * 100)


class Figures:
    """The figures of one section as they are quoted: each method stores the value under its
    name and returns the text the paragraph prints."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def count(self, name: str, value: int) -> str:
        self.values[name] = int(value)
        return count_text(int(value))

    def percent(self, name: str, share: float) -> str:
        """A share printed as a percentage ("12,5 %")."""
        self.values[name] = float(share)
        return f"{percent_text(share)} %"

    def decimal(self, name: str, value: float) -> str:
        self.values[name] = float(value)
        return decimal_text(value)

    def text(self, name: str, value: str) -> str:
        """A name, title or date that may hold digits (a survey's title, a model version)."""
        self.values[name] = value
        return value

    def ranking(self, prefix: str, rows: list[dict[str, Any]], count_key: str, limit: int) -> str:
        """ "A (12), B (7)": the first `limit` rows' names and counts, kept as
        `<prefix>_<i>_name` and `<prefix>_<i>_<count_key>`."""
        return ", ".join(
            f"{self.text(f'{prefix}_{i}_name', row['name'])} "
            f"({self.count(f'{prefix}_{i}_{count_key}', row[count_key])})"
            for i, row in enumerate(rows[:limit], 1)
        )


def allowed_tokens(figures: dict[str, Any]) -> set[str]:
    """Every way a section's figures may appear in its paragraphs: counts as counts, decimals as
    decimals or percentages, and the number tokens inside text figures."""
    allowed: set[str] = set()
    for value in figures.values():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            allowed.add(count_text(value))
        elif isinstance(value, float):
            allowed |= {decimal_text(value), percent_text(value)}
        elif isinstance(value, str):
            allowed |= set(NUMBER_TOKEN.findall(value))
    return allowed


def unexplained_numbers(paragraphs: list[str], figures: dict[str, Any]) -> list[str]:
    """The number tokens of `paragraphs` that none of `figures` accounts for (should be none)."""
    allowed = allowed_tokens(figures)
    return [t for p in paragraphs for t in NUMBER_TOKEN.findall(p) if t not in allowed]
