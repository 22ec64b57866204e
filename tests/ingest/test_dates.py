"""Dates as Vietnamese pages, feeds and sitemaps write them, read as UTC; bad dates are None."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from duluan.ingest.dates import (
    from_timestamp,
    parse_datetime,
    parse_iso_datetime,
    parse_rfc822_datetime,
    parse_vietnamese_date,
)

HALF_PAST_EIGHT = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội
MIDNIGHT = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 00:00 on 24/11 in Hà Nội


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thứ hai, 24/11/2026, 08:30 (GMT+7)", HALF_PAST_EIGHT),
        ("24/11/2026 08:30", HALF_PAST_EIGHT),
        ("08:30 ngày 24/11/2026", HALF_PAST_EIGHT),
        ("Cập nhật lúc 8h30 ngày 24.11.2026", HALF_PAST_EIGHT),
        ("24/11/2026 | 08:30:00", HALF_PAST_EIGHT),
        ("24-11-2026", MIDNIGHT),
        ("ngày 24 tháng 11 năm 2026", MIDNIGHT),
        ("Hà Nội, NGÀY 24 THÁNG 11 NĂM 2026", MIDNIGHT),
        ("2026-11-24", MIDNIGHT),
        ("24/11/2026 08:30 PM", datetime(2026, 11, 24, 13, 30, tzinfo=UTC)),
        ("24/11/2026 08:30 (GMT+9)", datetime(2026, 11, 23, 23, 30, tzinfo=UTC)),
        ("24/11/2026 08:30 GMT-3", datetime(2026, 11, 24, 11, 30, tzinfo=UTC)),
    ],
)
def test_vietnamese_formats_are_read_as_vietnam_time(text: str, expected: datetime) -> None:
    found = parse_vietnamese_date(text)
    assert found == expected
    assert found is not None and found.tzinfo is UTC


@pytest.mark.parametrize(
    "text", ["", "không có ngày", "31/02/2026", "24/13/2026", "99/99/9999", "24/11/2026 25:70"]
)
def test_no_or_invalid_dates_are_none(text: str) -> None:
    assert parse_vietnamese_date(text) is None


def test_the_first_valid_date_is_taken() -> None:
    assert parse_vietnamese_date("99/99/2026 rồi 23/11/2026 07:05") == datetime(
        2026, 11, 23, 0, 5, tzinfo=UTC
    )


def test_iso_and_rfc822_dates_are_strict() -> None:
    assert parse_iso_datetime("2026-11-24T08:30:00+07:00") == HALF_PAST_EIGHT
    assert parse_iso_datetime("2026-11-24T01:30:00Z") == HALF_PAST_EIGHT
    assert parse_iso_datetime("2026-11-24T08:30") == HALF_PAST_EIGHT  # no zone: Vietnam time
    assert parse_iso_datetime("2026-13-45T99:99:99+07:00") is None
    assert parse_rfc822_datetime("Tue, 24 Nov 2026 08:30:00 +0700") == HALF_PAST_EIGHT
    assert parse_rfc822_datetime("Tue, 45 Nov 2026 08:30:00 +0700") is None
    assert parse_datetime("24/11/2026 08:30") == HALF_PAST_EIGHT
    assert parse_datetime("Tue, 24 Nov 2026 01:30:00 GMT") == HALF_PAST_EIGHT
    assert parse_datetime("ngày không rõ") is None
    assert from_timestamp(1e20) is None
