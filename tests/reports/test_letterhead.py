"""The header block: a unit's saved letterhead, or Party-layout defaults from its place in the
tree (province, city, ward, centre)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.reports.letterhead import header_for
from duluan.reports.models import Letterhead
from duluan.reports.periods import parse_period

OCTOBER = parse_period("monthly", "2026-10")
ISSUED = date(2026, 11, 5)


def test_a_province_defaults_to_the_party_layout_of_its_board(db: Session) -> None:
    header = header_for(db, units.find_by_code(db, "15").id, "monthly", OCTOBER, ISSUED)

    assert header.layout == "party"
    assert header.superior == "ĐẢNG BỘ TỈNH LÀO CAI"
    assert header.issuer == "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH UỶ"
    assert header.number.startswith("Số") and header.number.endswith("-BC/BTGDVTU")
    assert (header.place, header.issued_on) == ("Lào Cai", ISSUED)
    assert (header.kind_label, header.subject) == (
        "BÁO CÁO",
        "tình hình dư luận xã hội tháng 10 năm 2026",
    )
    assert header.signer_authority == "T/M BAN THƯỜNG VỤ"
    assert header.recipients[-1].startswith("Lưu")


def test_a_city_a_ward_and_the_centre(db: Session) -> None:
    hanoi = header_for(
        db, units.find_by_code(db, "01").id, "annual", parse_period("annual", "2026"), ISSUED
    )
    assert (hanoi.superior, hanoi.issuer, hanoi.place) == (
        "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
        "BAN TUYÊN GIÁO VÀ DÂN VẬN THÀNH UỶ",
        "Hà Nội",
    )
    ward = header_for(db, units.find_by_code(db, "03006").id, "monthly", OCTOBER, ISSUED)
    assert (ward.superior, ward.issuer, ward.place) == (
        "ĐẢNG BỘ TỈNH LÀO CAI",
        "ĐẢNG UỶ PHƯỜNG SA PA",
        "Sa Pa",
    )
    assert ward.number.endswith("-BC/ĐU") and ward.signer_authority == "T/M ĐẢNG UỶ"
    centre = header_for(db, units.root(db).id, "monthly", OCTOBER, ISSUED)
    assert centre.issuer == "BAN TUYÊN GIÁO VÀ DÂN VẬN TRUNG ƯƠNG" and centre.place == "Hà Nội"


def test_a_saved_letterhead_wins_and_an_urgent_report_has_its_subject(db: Session) -> None:
    lao_cai = units.find_by_code(db, "15")
    db.add(
        Letterhead(
            unit_id=lao_cai.id, layout="party", superior="ĐẢNG BỘ TỈNH LÀO CAI",
            issuer="BAN THƯỜNG VỤ TỈNH UỶ", number_code="BC/TU", place="Lào Cai",
            signer_authority="T/M BAN THƯỜNG VỤ", signer_title="PHÓ BÍ THƯ THƯỜNG TRỰC",
            signer_name="Nguyễn Văn A",
            recipients=["Ban Bí thư (để báo cáo),", "Lưu Văn phòng Tỉnh uỷ."],
        )
    )  # fmt: skip
    db.commit()
    urgent = parse_period("urgent", "2026-10-12")

    header = header_for(db, lao_cai.id, "urgent", urgent, ISSUED, about="lũ quét tại xã Bảo Yên")

    assert (header.issuer, header.signer_name) == ("BAN THƯỜNG VỤ TỈNH UỶ", "Nguyễn Văn A")
    assert header.number.endswith("-BC/TU")
    assert header.subject == "về lũ quét tại xã Bảo Yên"
    assert header.recipients == ["Ban Bí thư (để báo cáo),", "Lưu Văn phòng Tỉnh uỷ."]
