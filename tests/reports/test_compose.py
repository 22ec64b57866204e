"""The first draft: sections in the official order, every number of every paragraph kept in its
section's figures and read from the snapshot, Vietnamese number style, honest empty sections."""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.reports.compose import compose
from duluan.reports.document import ReportDocument
from duluan.reports.figures import count_text, decimal_text, percent_text
from duluan.reports.letterhead import header_for
from duluan.reports.periods import parse_period
from duluan.reports.snapshot import take_snapshot
from tests.reports.report_data import load_october

OCTOBER = parse_period("monthly", "2026-10")
ORDER = ["situation", "hotspots", "surveys", "field_reports", "petitions", "forecast", "proposals"]
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _draft(db: Session, code: str = "15") -> tuple[dict[str, Any], ReportDocument]:
    unit = units.find_by_code(db, code)
    snapshot = take_snapshot(db, unit.id, OCTOBER)
    header = header_for(db, unit.id, "monthly", OCTOBER, date(2026, 11, 5))
    return snapshot, compose(snapshot, header)


def _written(value: Any) -> set[str]:
    """How a figure may be printed: a count with dots, a decimal or percentage with a comma,
    or the digits inside a name or a date."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {f"{value:,d}".replace(",", ".")}
    if isinstance(value, float):
        swap = str.maketrans(",.", ".,")
        return {f"{value:,.1f}".translate(swap), f"{value * 100:,.1f}".translate(swap)}
    return set(NUMBER.findall(str(value)))


def _unexplained(document: ReportDocument) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for section in document.sections:
        allowed = set().union(*(_written(v) for v in section.figures.values()))
        for paragraph in section.paragraphs:
            missing = [t for t in NUMBER.findall(paragraph) if t not in allowed]
            if missing:
                found.setdefault(section.key, []).extend(missing)
    return found


def test_sections_come_in_the_official_order_with_numbered_titles(db: Session) -> None:
    load_october(db)
    _, document = _draft(db)

    assert [s.key for s in document.sections] == ORDER
    assert [s.title.split(".")[0] for s in document.sections] == [
        "I", "II", "III", "IV", "V", "VI", "VII",
    ]  # fmt: skip
    assert document.sections[0].title == "I. TÌNH HÌNH DƯ LUẬN XÃ HỘI"
    assert document.sections[-1].title == "VII. ĐỀ XUẤT, KIẾN NGHỊ"
    assert document.sections[-1].paragraphs[0].startswith("[Cán bộ tổng hợp viết phần này")
    assert document.header.subject == "tình hình dư luận xã hội tháng 10 năm 2026"


def test_every_number_in_the_text_is_a_figure_of_its_section(db: Session) -> None:
    load_october(db)
    _, document = _draft(db)

    assert _unexplained(document) == {}
    assert sum(len(s.figures) for s in document.sections) > 40


def test_the_figures_are_the_snapshots(db: Session) -> None:
    load_october(db)
    snapshot, document = _draft(db)
    sections = {s.key: s for s in document.sections}

    situation = sections["situation"]
    listening = snapshot["listening"]
    assert situation.figures["documents"] == listening["documents"] == 16
    assert situation.figures["previous_documents"] == 5
    assert situation.figures["documents_change"] == (16 - 5) / 5
    assert situation.figures["negative_share"] == listening["tone"]["negative"]["share"]
    assert situation.figures["topic_1_documents"] == 10
    text = " ".join(situation.paragraphs)
    assert "ghi nhận 16 tin, bài" in text and "tăng 220,0 % so với kỳ trước" in text
    assert "chiếm 37,5 %" in text and "kỳ trước là 20,0 %" in text
    assert {c.kind for c in situation.charts} == {"barh", "line"}
    assert situation.charts[0].labels[0].startswith("Đất đai")
    assert situation.charts[0].series[0].values[:1] == [10.0]
    assert len(situation.charts[1].labels) == 31

    hotspots = sections["hotspots"]
    assert hotspots.figures["alerts"] == 2 and hotspots.figures["cases_closed"] == 1
    (table,) = hotspots.tables
    assert table.rows[0][0] == "Thu hồi đất ở Bảo Yên" and "20/10/2026" in table.rows[0][4]

    surveys = " ".join(sections["surveys"].paragraphs)
    assert "30 phiếu hợp lệ" in surveys and "sai số tối đa ±3,1 %" in surveys
    assert (
        "+ Câu hỏi “Ông/bà có hài lòng không?”: 62,5 % chọn “Có” "
        "(khoảng tin cậy 95 %: 55,0–70,0 %)." in sections["surveys"].paragraphs
    )

    reports = sections["field_reports"]
    assert reports.figures["reports"] == 2 and reports.figures["streams"] == 3
    assert reports.quotes[0].source == "Xã Bảo Yên, ngày 12/10/2026"

    petitions = " ".join(sections["petitions"].paragraphs)
    assert "120 lượt người dân" in petitions and "còn 1 ý kiến, kiến nghị đã quá hạn" in petitions

    forecast = " ".join(sections["forecast"].paragraphs)
    assert "26,0 tin, bài mỗi ngày" in forecast and "22,0–30,0" in forecast
    assert "có xu hướng tăng" in forecast


def test_numbers_are_written_the_vietnamese_way(db: Session) -> None:
    load_october(db)
    snapshot, document = _draft(db)
    bigger = copy.deepcopy(snapshot)
    bigger["listening"]["documents"] = 1_234_567
    bigger["listening"]["tone"]["negative"].update(count=154_321, share=0.125)

    situation = compose(bigger, document.header).sections[0]

    text = " ".join(situation.paragraphs)
    assert "1.234.567 tin, bài" in text and "154.321 tin, bài mang sắc thái tiêu cực" in text
    assert "chiếm 12,5 %" in text
    assert (count_text(1234), decimal_text(1234.56), percent_text(0.125)) == (
        "1.234",
        "1.234,6",
        "12,5",
    )
    assert _unexplained(compose(bigger, document.header)) == {}


def test_a_period_not_over_yet_says_up_to_when(db: Session) -> None:
    load_october(db)
    snapshot, document = _draft(db)
    assert snapshot["data_until"] == "2026-10-31"
    assert "(số liệu đến ngày" not in document.sections[0].paragraphs[0]
    running = {**snapshot, "data_until": "2026-10-20"}

    situation = compose(running, document.header).sections[0]

    assert situation.paragraphs[0].startswith(
        "Trong tháng 10 năm 2026 (số liệu đến ngày 20/10/2026), hệ thống theo dõi ghi nhận 16"
    )
    assert _unexplained(compose(running, document.header)) == {}


def test_a_unit_without_data_gets_honest_sentences(db: Session) -> None:
    _, document = _draft(db, "01")

    assert [s.key for s in document.sections] == ORDER
    texts = {s.key: " ".join(s.paragraphs) for s in document.sections}
    assert "chưa ghi nhận tin, bài" in texts["situation"]
    assert texts["hotspots"].startswith("Trong kỳ không phát sinh")
    assert texts["surveys"].startswith("Trong kỳ không có cuộc điều tra")
    assert texts["field_reports"].startswith("Trong kỳ chưa có báo cáo")
    assert texts["petitions"].startswith("Trong kỳ không có buổi tiếp xúc")
    assert texts["forecast"].startswith("Chưa có dự báo đủ tin cậy")
    assert _unexplained(document) == {}
    assert all(not s.charts and not s.tables and not s.quotes for s in document.sections)


def test_compose_is_pure_and_survives_json(db: Session) -> None:
    load_october(db)
    snapshot, document = _draft(db)

    assert compose(copy.deepcopy(snapshot), document.header) == document
    assert ReportDocument.from_dict(document.to_dict()) == document
