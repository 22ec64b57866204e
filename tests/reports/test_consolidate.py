"""Consolidation: the province's draft keeps its own sections, gains a side-by-side summary of its
wards' reports (counts summed, the share recomputed) and one section per ward with its key
paragraphs and the figures they quote; the proposals stay last and everything is renumbered."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.reports.compose import compose
from duluan.reports.consolidate import consolidate
from duluan.reports.document import ReportDocument
from duluan.reports.letterhead import header_for
from duluan.reports.periods import parse_period
from duluan.reports.snapshot import take_snapshot
from tests.reports.report_data import BAO_YEN, SA_PA, load_october
from tests.reports.test_compose import _unexplained

OCTOBER = parse_period("monthly", "2026-10")


def _draft(db: Session, code: str) -> ReportDocument:
    unit = units.find_by_code(db, code)
    header = header_for(db, unit.id, "monthly", OCTOBER, date(2026, 11, 5))
    return compose(take_snapshot(db, unit.id, OCTOBER), header)


def test_children_are_summed_side_by_side_and_each_gets_its_section(db: Session) -> None:
    load_october(db)
    province, sa_pa, bao_yen = _draft(db, "15"), _draft(db, SA_PA), _draft(db, BAO_YEN)
    sa_pa.sections[-1].paragraphs = ["Đề nghị tỉnh hỗ trợ thu gom rác ở suối Mường Hoa."]

    merged = consolidate(province, [(SA_PA, sa_pa), (BAO_YEN, bao_yen)])

    keys = [s.key for s in merged.sections]
    assert keys == [
        "situation", "hotspots", "surveys", "field_reports", "petitions", "forecast",
        "children", f"child:{SA_PA}", f"child:{BAO_YEN}", "proposals",
    ]  # fmt: skip
    titles = [s.title for s in merged.sections]
    assert titles[6] == "VII. TỔNG HỢP BÁO CÁO CỦA CÁC ĐƠN VỊ TRỰC THUỘC"
    assert titles[7] == "1. ĐẢNG UỶ PHƯỜNG SA PA" and titles[8] == "2. ĐẢNG UỶ XÃ BẢO YÊN"
    assert titles[9] == "VIII. ĐỀ XUẤT, KIẾN NGHỊ"
    assert merged.sections[0] == province.sections[0]  # the parent's figures are not re-added

    summary = merged.sections[6]
    assert summary.figures["documents"] == 2  # Sa Pa's 2 documents; Bảo Yên has no source
    assert summary.figures["received"] == 3 and summary.figures["reports"] == 2
    (table,) = summary.tables
    assert [row[0] for row in table.rows] == [
        "ĐẢNG UỶ PHƯỜNG SA PA",
        "ĐẢNG UỶ XÃ BẢO YÊN",
        "Cộng",
    ]
    assert table.rows[0][1:4] == ["2", "0", "0,0 %"]
    assert table.rows[1][1] == "0" and table.rows[1][3] == "—"
    assert table.rows[2][1] == "2" and table.rows[2][-1] == "3"

    ward = merged.sections[7]
    assert ward.paragraphs[0].startswith("Trong tháng 10 năm 2026, hệ thống theo dõi ghi nhận 2")
    assert ward.paragraphs[-1] == (
        "Đề xuất, kiến nghị của đơn vị: Đề nghị tỉnh hỗ trợ thu gom rác ở suối Mường Hoa."
    )
    assert not any(p.startswith("[") for p in ward.paragraphs)
    assert ward.figures["situation.documents"] == 2 and ward.quotes
    assert _unexplained(merged) == {}


def test_nothing_to_merge_leaves_the_parent_unchanged(db: Session) -> None:
    province = _draft(db, "15")
    assert consolidate(province, []) == province
    assert consolidate(province, []) is not province


def test_the_parent_document_is_not_modified(db: Session) -> None:
    load_october(db)
    province, sa_pa = _draft(db, "15"), _draft(db, SA_PA)
    before = province.to_dict()
    consolidate(province, [(SA_PA, sa_pa)])
    assert province.to_dict() == before
