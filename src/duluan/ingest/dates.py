"""Dates as sources write them (`Thứ hai, 24/11/2026, 08:30 (GMT+7)`, ISO 8601, RFC 822) in UTC.

Pages rarely say which time zone they mean; a time without one is taken as Vietnam time
(Asia/Ho_Chi_Minh, UTC+7). Every function returns a timezone-aware UTC datetime, or None when the
text holds no valid date: a bad date is a missing date, never a crash.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

VIETNAM_TIME = ZoneInfo("Asia/Ho_Chi_Minh")

# A date, day first (24/11/2026, 24-11-2026, 24.11.2026), in words, or year first (2026-11-24).
_DAY_FIRST = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<year>\d{4})(?!\d)"
)
_IN_WORDS = re.compile(
    r"ng[àa]y\s+(?P<day>\d{1,2})\s+th[áa]ng\s+(?P<month>\d{1,2})\s*,?\s+n[ăa]m\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
_YEAR_FIRST = re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)")
_DATE_PATTERNS = (_DAY_FIRST, _IN_WORDS, _YEAR_FIRST)

# A time: 08:30, 8h30, 8g30 (giờ), 08:30:15, with an optional AM/PM (SA = sáng, CH = chiều).
_TIME = (
    r"(?P<hour>\d{1,2})\s*[:hg]\s*(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<half>am|pm|sa|ch)\b)?"
)
_TIME_AFTER_DATE = re.compile(r"^[\s,|(–-]*(?:l[úu]c\s*)?T?" + _TIME + r"(?!\d)", re.IGNORECASE)
_TIME_BEFORE_DATE = re.compile(r"(?<![\d:])" + _TIME + r"[\s,|–-]*(?:ng[àa]y\s*)?$", re.IGNORECASE)
_OFFSET = re.compile(
    r"^[\s()]*(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?",
    re.IGNORECASE,
)
_NEAR = 24  # characters around a date searched for its time


def parse_datetime(text: str) -> datetime | None:
    """A date in any format sources use: RFC 822 (RSS), ISO 8601 (Atom, sitemaps), Vietnamese.

    Strict: `2026-13-45` or `45 Nov 2026` is None, never rolled over into another date.
    """
    return parse_rfc822_datetime(text) or parse_iso_datetime(text) or parse_vietnamese_date(text)


def parse_vietnamese_date(text: str) -> datetime | None:
    """The first valid date in `text`, with the time written next to it, in UTC.

    Understands `Thứ hai, 24/11/2026, 08:30 (GMT+7)`, `24/11/2026 08:30`, `08:30 ngày 24/11/2026`,
    `8h30 24-11-2026`, `24.11.2026`, `ngày 24 tháng 11 năm 2026` and `2026-11-24`. A date without
    a time means midnight, Vietnam time.
    """
    text = unicodedata.normalize("NFC", text)
    matches = sorted(
        (match for pattern in _DATE_PATTERNS for match in pattern.finditer(text)),
        key=lambda match: match.start(),
    )
    for match in matches:
        found = _date_with_time(text, match)
        if found is not None:
            return found
    return None


def parse_iso_datetime(text: str) -> datetime | None:
    """An ISO 8601 date or datetime (`2026-11-24`, `2026-11-24T08:30:00+07:00`, `…Z`) in UTC.

    One without an offset is taken as Vietnam time.
    """
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VIETNAM_TIME)
    return _to_utc(parsed)


def parse_rfc822_datetime(text: str) -> datetime | None:
    """An RFC 822 date (`Tue, 24 Nov 2026 08:30:00 +0700`, as in RSS) in UTC.

    One without a known zone is taken as Vietnam time.
    """
    try:
        parsed = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VIETNAM_TIME)
    return _to_utc(parsed)


def from_timestamp(seconds: float) -> datetime | None:
    """Seconds since the epoch as a UTC datetime; None when out of range."""
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _date_with_time(text: str, match: re.Match[str]) -> datetime | None:
    """The date of `match` at the time written just after or before it (midnight if none)."""
    after = text[match.end() : match.end() + _NEAR]
    before = text[max(0, match.start() - _NEAR) : match.start()]
    time_match = _TIME_AFTER_DATE.match(after)
    if time_match is not None:
        after = after[time_match.end() :]  # where a `(GMT+7)` may follow
    else:
        time_match = _TIME_BEFORE_DATE.search(before)
    zone = _offset(after) or VIETNAM_TIME
    try:
        hour, minute, second = _clock_time(time_match) if time_match else (0, 0, 0)
        local = datetime(
            int(match["year"]), int(match["month"]), int(match["day"]), hour, minute, second
        )
    except ValueError:  # 31/02, 25:70 and the like
        return None
    return _to_utc(local.replace(tzinfo=zone))


def _clock_time(match: re.Match[str]) -> tuple[int, int, int]:
    hour, minute = int(match["hour"]), int(match["minute"])
    half = (match["half"] or "").lower()
    if half in ("pm", "ch") and hour < 12:
        hour += 12
    elif half in ("am", "sa") and hour == 12:
        hour = 0
    return hour, minute, int(match["second"] or 0)


def _offset(text: str) -> tzinfo | None:
    """The zone of a `GMT+7` / `UTC+07:00` written right after a time, if any."""
    match = _OFFSET.match(text)
    if match is None:
        return None
    delta = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"] or 0))
    if delta >= timedelta(hours=24):
        return None
    return timezone(-delta if match["sign"] == "-" else delta)


def _to_utc(moment: datetime) -> datetime | None:
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 or 9999 pushed out of range by the offset
        return None
