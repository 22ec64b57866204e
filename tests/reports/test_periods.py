"""Report periods: the written forms offices use, their days, the comparable earlier period, the
subject line, and a Vietnamese error naming the expected form."""

from __future__ import annotations

from datetime import date

import pytest

from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.reports.periods import parse_period, subject


@pytest.mark.parametrize(
    ("kind", "text", "start", "end", "previous"),
    [
        ("monthly", "2026-10", date(2026, 10, 1), date(2026, 10, 31), "2026-09"),
        ("monthly", " 2026-01 ", date(2026, 1, 1), date(2026, 1, 31), "2025-12"),
        ("monthly", "2028-02", date(2028, 2, 1), date(2028, 2, 29), "2028-01"),
        ("quarterly", "2026-q3", date(2026, 7, 1), date(2026, 9, 30), "2026-Q2"),
        ("quarterly", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2025-Q4"),
        ("half_year", "2026-H1", date(2026, 1, 1), date(2026, 6, 30), "2025-H2"),
        ("half_year", "2026-H2", date(2026, 7, 1), date(2026, 12, 31), "2026-H1"),
        ("annual", "2026", date(2026, 1, 1), date(2026, 12, 31), "2025"),
    ],
)
def test_periodic_periods(kind: str, text: str, start: date, end: date, previous: str) -> None:
    period = parse_period(kind, text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.label == text.strip().upper()
    assert period.previous().label == previous
    assert period.previous().end.toordinal() == start.toordinal() - 1


def test_urgent_periods_are_days_and_compare_with_as_many_days_before() -> None:
    week = parse_period("urgent", "2026-10-14..2026-10-20")
    assert (week.start, week.end, week.days) == (date(2026, 10, 14), date(2026, 10, 20), 7)
    before = week.previous()
    assert before.label == "2026-10-07..2026-10-13" and before.days == 7
    day = parse_period("urgent", "2026-10-14")
    assert (day.label, day.start, day.end) == ("2026-10-14", date(2026, 10, 14), date(2026, 10, 14))
    assert day.previous().label == "2026-10-13"


@pytest.mark.parametrize(
    ("kind", "text", "key"),
    [
        ("monthly", "10/2026", "report_periods.errors.monthly"),
        ("monthly", "2026-13", "report_periods.errors.monthly"),
        ("quarterly", "2026-Q5", "report_periods.errors.quarterly"),
        ("half_year", "2026-H3", "report_periods.errors.half_year"),
        ("annual", "26", "report_periods.errors.annual"),
        ("urgent", "2026-10-32", "report_periods.errors.urgent"),
        ("urgent", "2026-10-14..", "report_periods.errors.urgent"),
        ("urgent", "2026-10-20..2026-10-14", "report_periods.errors.urgent_order"),
        ("urgent", "2025-01-01..2026-12-31", "report_periods.errors.urgent_long"),
        ("weekly", "2026-10", "report_periods.errors.kind"),
    ],
)
def test_bad_periods_are_refused_in_vietnamese(kind: str, text: str, key: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_period(kind, text)
    assert caught.value.key == key
    message = translate(caught.value.key, "vi", **caught.value.params)
    assert message != key and "{" not in message


def test_the_monthly_error_names_the_text_and_the_form() -> None:
    with pytest.raises(BadInput) as caught:
        parse_period("monthly", "10/2026")
    message = translate(caught.value.key, "vi", **caught.value.params)
    assert "“10/2026”" in message and "2026-10" in message


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("monthly", "2026-10", "tình hình dư luận xã hội tháng 10 năm 2026"),
        ("quarterly", "2026-Q3", "tình hình dư luận xã hội quý III năm 2026"),
        ("half_year", "2026-H1", "tình hình dư luận xã hội 6 tháng đầu năm 2026"),
        ("half_year", "2026-H2", "tình hình dư luận xã hội 6 tháng cuối năm 2026"),
        ("annual", "2026", "tình hình dư luận xã hội năm 2026"),
        (
            "urgent",
            "2026-10-14..2026-10-20",
            "nhanh về tình hình dư luận xã hội từ ngày 14/10 đến ngày 20/10/2026",
        ),
    ],
)
def test_subject_lines(kind: str, text: str, expected: str) -> None:
    assert subject(kind, parse_period(kind, text)) == expected


def test_an_urgent_subject_is_about_its_event() -> None:
    period = parse_period("urgent", "2026-10-14")
    assert subject("urgent", period, "lũ quét tại xã Bảo Yên") == "về lũ quét tại xã Bảo Yên"
    assert subject("urgent", period, "về sạt lở đất") == "về sạt lở đất"
