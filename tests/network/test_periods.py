"""Reporting periods as offices write them, and their deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from duluan.errors import BadInput
from duluan.network import periods


@pytest.mark.parametrize(
    ("cadence", "period", "due_day", "due"),
    [
        ("monthly", "2026-10", 20, date(2026, 10, 20)),
        ("monthly", "2026-02", 31, date(2026, 2, 28)),  # clamped to the month
        ("quarterly", "2026-Q4", 25, date(2026, 12, 25)),
        ("half_year", "2026-H1", 15, date(2026, 6, 15)),
        ("annual", "2026", 10, date(2026, 12, 10)),
    ],
)
def test_a_period_is_due_by_the_day_of_its_last_month(
    cadence: str, period: str, due_day: int, due: date
) -> None:
    assert periods.due_date(cadence, periods.check(cadence, period), due_day) == due


def test_periods_of_days_and_before_them() -> None:
    day = date(2026, 11, 24)
    assert [periods.period_of(c, day) for c in ("monthly", "quarterly", "half_year", "annual")] == [
        "2026-11",
        "2026-Q4",
        "2026-H2",
        "2026",
    ]
    assert periods.previous("monthly", "2026-01") == "2025-12"
    assert periods.previous("monthly", "2026-03", 3) == "2025-12"
    assert periods.previous("quarterly", "2026-Q1") == "2025-Q4"
    assert periods.previous("half_year", "2026-H2") == "2026-H1"
    assert periods.previous("annual", "2026", 2) == "2024"
    assert periods.check("quarterly", " 2026-q3 ") == "2026-Q3"


@pytest.mark.parametrize(
    ("cadence", "period"),
    [("monthly", "2026-13"), ("monthly", "10/2026"), ("quarterly", "2026-Q5"), ("annual", "26")],
)
def test_a_malformed_period_names_the_expected_form(cadence: str, period: str) -> None:
    with pytest.raises(BadInput) as error:
        periods.check(cadence, period)
    assert error.value.key == "network.errors.period"
    with pytest.raises(BadInput):
        periods.check("weekly", "2026-W01")
