"""Deadlines as plans write them, read into a kind and a last day.

Plans state a task's time in words: "Hoàn thành trong quý I/2026", "trong tháng 4/2026", "trước
ngày 15/6/2026", "năm 2026", "Dự kiến từ năm 2026 đến 2028", "Thường xuyên", "Định kỳ hằng
tháng", "Theo hướng dẫn của Ban Tuyên giáo". `read` keeps the words and finds the last day the
task may end on: a date, the end of a month, quarter, half-year or year; a "regular" task has none
(it is never overdue), nor has one that waits on guidance ("by_guidance"). Text without
diacritics reads the same.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from duluan.text.fold import fold

KINDS = ("date", "month", "quarter", "half_year", "year", "regular", "by_guidance", "unknown")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_DAY_WORDS = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_QUARTER = re.compile(r"quy\s+(iv|iii|ii|i|[1-4])\s*(?:/|nam)?\s*(\d{4})")
_HALF = re.compile(r"(6 thang dau nam|6 thang cuoi nam)\s*(\d{4})")
_MONTH = re.compile(r"thang\s+(\d{1,2})\s*(?:/|nam)\s*(\d{4})")
_YEARS = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_REGULAR = ("thuong xuyen", "hang thang", "hang quy", "hang nam", "dinh ky", "lien tuc")
_GUIDANCE = ("theo huong dan", "theo chi dao", "theo ke hoach", "khi co huong dan")


@dataclass(frozen=True)
class Deadline:
    text: str  # as written
    kind: str  # one of KINDS
    due_on: date | None  # the last day; None for regular, by-guidance and unknown

    def overdue(self, today: date) -> bool:
        return self.due_on is not None and today > self.due_on


def read(text: str) -> Deadline:
    """The deadline of `text` (see the module's docstring)."""
    written = " ".join(text.split())
    words = fold(written).lower()
    found = _first_match(words)
    if found is not None:
        return Deadline(written, *found)
    if any(w in words for w in _GUIDANCE):
        return Deadline(written, "by_guidance", None)
    if any(w in words for w in _REGULAR):
        return Deadline(written, "regular", None)
    return Deadline(written, "unknown", None)


def _first_match(words: str) -> tuple[str, date] | None:
    """The most precise deadline written; with a range ("từ năm 2026 đến 2028"), its end."""
    for pattern in (_DATE, _DAY_WORDS):
        days = [_day(int(y), int(m), int(d)) for d, m, y in pattern.findall(words)]
        if days and None in days:
            return None  # a day that does not exist: say so rather than guess
        if days:
            return "date", max(d for d in days if d is not None)
    quarters = _QUARTER.findall(words)
    if quarters:
        year, quarter = max((int(y), _quarter(q)) for q, y in quarters)
        return "quarter", _month_end(year, quarter * 3)
    halves = _HALF.findall(words)
    if halves:
        year, half = max((int(y), 1 if "dau" in h else 2) for h, y in halves)
        return "half_year", _month_end(year, half * 6)
    months = [(int(y), int(m)) for m, y in _MONTH.findall(words) if 1 <= int(m) <= 12]
    if months:
        year, month = max(months)
        return "month", _month_end(year, month)
    years = [int(y) for y in _YEARS.findall(words)]
    if years and not any(w in words for w in _GUIDANCE):
        return "year", date(max(years), 12, 31)
    return None


def _quarter(text: str) -> int:
    return int(text) if text.isdigit() else _ROMAN[text]


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
