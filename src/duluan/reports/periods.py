"""The period a report covers: a month, a quarter, a half-year, a year, or the days of an urgent
report, written as offices write them ("2026-10", "2026-Q3", "2026-H1", "2026",
"2026-10-14..2026-10-20"), with the comparable earlier period and the subject line.

The four periodic kinds share their written form with the collaborators' field reports
(`network/periods.py`), so a monthly report for "2026-10" reads the field reports of "2026-10";
the arithmetic on months is taken from there.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from duluan.errors import BadInput
from duluan.network import periods as cadences
from duluan.reports.document import KINDS

URGENT = "urgent"
MAX_URGENT_DAYS = 366  # an urgent report is about an event, not a year and more
_PATTERNS = {
    "monthly": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "quarterly": re.compile(r"^\d{4}-Q[1-4]$"),
    "half_year": re.compile(r"^\d{4}-H[12]$"),
    "annual": re.compile(r"^\d{4}$"),
}
_ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    """`kind` (one of document.KINDS), its written `label`, and its first and last day
    (both included)."""

    kind: str
    label: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The comparable earlier period: the month, quarter, half-year or year before; for an
        urgent report, the same number of days just before it."""
        if self.kind == URGENT:
            end = self.start - timedelta(days=1)
            return _urgent(end - timedelta(days=self.days - 1), end)
        return _periodic(self.kind, cadences.previous(self.kind, self.label))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse_period(kind: str, text: str) -> Period:
    """The period of `kind` written as `text`; BadInput naming the expected form otherwise."""
    if kind not in KINDS:
        raise BadInput("report_periods.errors.kind", kind=kind)
    written = " ".join(str(text).split()).upper()
    if kind == URGENT:
        return _parse_urgent(written)
    if not _PATTERNS[kind].match(written):
        raise BadInput(f"report_periods.errors.{kind}", period=written)
    return _periodic(kind, written)


def _periodic(kind: str, label: str) -> Period:
    year, first, last = cadences.months(kind, label)
    end = date(year, last, calendar.monthrange(year, last)[1])
    return Period(kind, label, date(year, first, 1), end)


def _parse_urgent(written: str) -> Period:
    parts = [part.strip() for part in written.split("..")]
    if len(parts) > 2 or not all(parts):
        raise BadInput("report_periods.errors.urgent", period=written)
    try:
        days = [date.fromisoformat(part) for part in parts]
    except ValueError:
        raise BadInput("report_periods.errors.urgent", period=written) from None
    start, end = days[0], days[-1]
    if end < start:
        raise BadInput("report_periods.errors.urgent_order", period=written)
    if (end - start).days + 1 > MAX_URGENT_DAYS:
        raise BadInput("report_periods.errors.urgent_long", days=MAX_URGENT_DAYS)
    return _urgent(start, end)


def _urgent(start: date, end: date) -> Period:
    label = start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
    return Period(URGENT, label, start, end)


def period_words(period: Period) -> str:
    """The period in words: "tháng 10 năm 2026", "quý III năm 2026", "6 tháng đầu năm 2026",
    "năm 2026", "ngày 14/10/2026", "từ ngày 14/10 đến ngày 20/10/2026"."""
    year = period.start.year
    if period.kind == "monthly":
        return f"tháng {period.start.month} năm {year}"
    if period.kind == "quarterly":
        return f"quý {_ROMAN_QUARTERS[(period.start.month - 1) // 3 + 1]} năm {year}"
    if period.kind == "half_year":
        return f"6 tháng {'đầu' if period.start.month == 1 else 'cuối'} năm {year}"
    if period.kind == "annual":
        return f"năm {year}"
    if period.start == period.end:
        return f"ngày {period.start:%d/%m/%Y}"
    first = (
        f"{period.start:%d/%m}"
        if period.start.year == period.end.year
        else f"{period.start:%d/%m/%Y}"
    )
    return f"từ ngày {first} đến ngày {period.end:%d/%m/%Y}"


def subject(kind: str, period: Period, about: str = "") -> str:
    """The subject line under "BÁO CÁO": "tình hình dư luận xã hội tháng 10 năm 2026"; an
    urgent report is "về" its subject (`about`), or about the opinion of its days if none."""
    if kind == URGENT:
        about = " ".join(about.split())
        if about:
            return about if about.lower().startswith("về ") else f"về {about}"
        return f"nhanh về tình hình dư luận xã hội {period_words(period)}"
    return f"tình hình dư luận xã hội {period_words(period)}"
