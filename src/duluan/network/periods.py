"""Reporting periods and their deadlines.

A period is written as offices write it: "2026-10" (month), "2026-Q4" (quarter), "2026-H2"
(half-year), "2026" (year). A periodic report for a period is due by `due_day` of the period's
last month ("monthly, before the 20th": the October report is due by 20 October), the day
clamped to the month's length.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from duluan.errors import BadInput

_PATTERNS = {
    "monthly": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarterly": re.compile(r"^(\d{4})-Q([1-4])$"),
    "half_year": re.compile(r"^(\d{4})-H([12])$"),
    "annual": re.compile(r"^(\d{4})$"),
}
_MONTHS = {"monthly": 1, "quarterly": 3, "half_year": 6, "annual": 12}  # months in a period


def check(cadence: str, period: str) -> str:
    """The period as stored, or BadInput naming the expected form."""
    pattern = _PATTERNS.get(cadence)
    if pattern is None:
        raise BadInput("network.errors.cadence", cadence=cadence)
    period = period.strip().upper()
    if not pattern.match(period):
        raise BadInput("network.errors.period", period=period, cadence=cadence)
    return period


def months(cadence: str, period: str) -> tuple[int, int, int]:
    """(year, first month, last month) of a valid period."""
    match = _PATTERNS[cadence].match(period)
    assert match is not None  # noqa: S101 - callers pass checked periods
    year = int(match.group(1))
    index = int(match.group(2)) if cadence != "annual" else 1
    length = _MONTHS[cadence]
    first = (index - 1) * length + 1
    return year, first, first + length - 1


def due_date(cadence: str, period: str, due_day: int) -> date:
    year, _, last = months(cadence, period)
    return date(year, last, min(due_day, calendar.monthrange(year, last)[1]))


def period_of(cadence: str, day: date) -> str:
    """The period of `cadence` that `day` falls in."""
    if cadence == "monthly":
        return f"{day.year}-{day.month:02d}"
    if cadence == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if cadence == "half_year":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if cadence == "annual":
        return str(day.year)
    raise BadInput("network.errors.cadence", cadence=cadence)


def previous(cadence: str, period: str, steps: int = 1) -> str:
    """The period `steps` before `period`."""
    year, first, _ = months(cadence, period)
    index = year * 12 + first - 1 - steps * _MONTHS[cadence]
    return period_of(cadence, date(index // 12, index % 12 + 1, 1))
