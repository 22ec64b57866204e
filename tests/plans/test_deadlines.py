"""Deadlines as plans write them (seed 002's own wording among them), with or without
diacritics."""

from __future__ import annotations

from datetime import date

import pytest

from duluan.plans import deadlines


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("Hoàn thành xong trong quý I/2026.", "quarter", date(2026, 3, 31)),
        ("Hoan thanh trong quy 3 nam 2026", "quarter", date(2026, 9, 30)),
        ("Hoàn thành trong tháng 4/2026.", "month", date(2026, 4, 30)),
        ("Hoàn thành trong tháng 2/2028", "month", date(2028, 2, 29)),
        ("trước ngày 15/6/2026", "date", date(2026, 6, 15)),
        ("ngày 20 tháng 10 năm 2026", "date", date(2026, 10, 20)),
        ("6 tháng đầu năm 2026", "half_year", date(2026, 6, 30)),
        ("Năm 2026", "year", date(2026, 12, 31)),
        ("Dự kiến từ năm 2026 đến 2028.", "year", date(2028, 12, 31)),
        ("Thường xuyên.", "regular", None),
        ("Định kỳ hằng tháng hoặc khi có vụ việc đột xuất, phát sinh.", "regular", None),
        ("Theo hướng dẫn của Ban Tuyên giáo và Dân vận Tỉnh ủy.", "by_guidance", None),
        ("Theo Kế hoạch Ban Tuyên giáo và Dân vận Tỉnh ủy năm 2026.", "by_guidance", None),
        ("sớm nhất có thể", "unknown", None),
        ("ngày 31/2/2026", "unknown", None),  # no such day
    ],
)
def test_a_deadline_is_read_into_its_kind_and_last_day(
    text: str, kind: str, due: date | None
) -> None:
    found = deadlines.read(text)
    assert (found.kind, found.due_on) == (kind, due)
    assert found.text == " ".join(text.split())


def test_only_a_passed_last_day_is_overdue() -> None:
    assert deadlines.read("quý I/2026").overdue(date(2026, 4, 1))
    assert not deadlines.read("quý I/2026").overdue(date(2026, 3, 31))
    assert not deadlines.read("Thường xuyên").overdue(date(2030, 1, 1))
