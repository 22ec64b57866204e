"""The header block of a unit's report: from the unit's saved letterhead (`report_letterheads`),
or, until an admin saves one, defaults that follow the Party layout of the seeds
(REPORT-FORMAT.md) worked out from the unit's place in the tree.

Defaults by kind of unit:
- the central unit: the central board for communication and mass mobilisation, in Hà Nội;
- a province or centrally-run city: "ĐẢNG BỘ TỈNH …" / "ĐẢNG BỘ THÀNH PHỐ …" over
  "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH UỶ" (THÀNH UỶ), number code "BC/BTGDVTU", signed
  "T/M BAN THƯỜNG VỤ";
- a commune, ward or special zone: its province's Party organisation over its own Party
  committee ("ĐẢNG UỶ XÃ …"), number code "BC/ĐU", signed "T/M ĐẢNG UỶ";
- any other unit (a board, the Fatherland Front, a union): its parent's name over its own.
The number is left blank ("Số    -BC/…") for the office clerk to fill when the report is issued.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth.models import OrgUnit
from duluan.errors import NotFound
from duluan.reports.document import Header
from duluan.reports.models import Letterhead
from duluan.reports.periods import Period, subject

KIND_LABEL = "BÁO CÁO"
COMMUNE_KINDS = ("commune", "ward", "special_zone")
PROVINCE_KINDS = ("province", "city")
_PREFIXES = {"province": "Tỉnh", "city": "Thành phố"}
BLANK_NUMBER = "    "  # where the clerk writes the number


def header_for(
    session: Session, unit_id: int, kind: str, period: Period, issued_on: date, about: str = ""
) -> Header:
    """The header of the report of `unit_id` of `kind` for `period`, dated `issued_on`;
    `about` is an urgent report's subject."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("errors.unit_not_found", code=str(unit_id))
    saved = session.scalar(select(Letterhead).where(Letterhead.unit_id == unit_id))
    head = saved if saved is not None else default_letterhead(session, unit)
    return Header(
        layout=head.layout,
        issuer=head.issuer,
        superior=head.superior,
        number=f"Số{BLANK_NUMBER}-{head.number_code}" if head.number_code else "",
        place=head.place,
        issued_on=issued_on,
        kind_label=KIND_LABEL,
        subject=subject(kind, period, about),
        signer_authority=head.signer_authority,
        signer_title=head.signer_title,
        signer_name=head.signer_name,
        recipients=list(head.recipients),
    )


def default_letterhead(session: Session, unit: OrgUnit) -> Letterhead:
    """A letterhead (not saved) for a unit that has none yet."""
    if unit.parent_id is None:
        return _central()
    if unit.kind in PROVINCE_KINDS:
        return _province(unit)
    parent = session.get(OrgUnit, unit.parent_id)
    if unit.kind in COMMUNE_KINDS and parent is not None:
        return _commune(unit, parent)
    return Letterhead(
        layout="party",
        superior=parent.name.upper() if parent is not None and parent.parent_id else "",
        issuer=unit.name.upper(),
        number_code="BC",
        place=_place_of(session, unit),
        signer_authority=f"T/M {unit.name.upper()}",
        signer_title="",
        signer_name="",
        recipients=[_upward(parent), f"Lưu {unit.name}."],
    )


def _central() -> Letterhead:
    return Letterhead(
        layout="party",
        superior="BAN CHẤP HÀNH TRUNG ƯƠNG",
        issuer="BAN TUYÊN GIÁO VÀ DÂN VẬN TRUNG ƯƠNG",
        number_code="BC/BTGDVTW",
        place="Hà Nội",
        signer_authority="T/M BAN TUYÊN GIÁO VÀ DÂN VẬN",
        signer_title="TRƯỞNG BAN",
        signer_name="",
        recipients=["Ban Bí thư (để báo cáo),", "Lưu Văn phòng Ban."],
    )


def _province(unit: OrgUnit) -> Letterhead:
    full = province_name(unit)
    committee = "THÀNH UỶ" if unit.kind == "city" else "TỈNH UỶ"
    return Letterhead(
        layout="party",
        superior=f"ĐẢNG BỘ {full.upper()}",
        issuer=f"BAN TUYÊN GIÁO VÀ DÂN VẬN {committee}",
        number_code="BC/BTGDVTU",
        place=bare_name(unit),
        signer_authority="T/M BAN THƯỜNG VỤ",
        signer_title="TRƯỞNG BAN",
        signer_name="",
        recipients=[
            "Ban Tuyên giáo và Dân vận Trung ương (để báo cáo),",
            f"Thường trực {committee.capitalize()} (để báo cáo),",
            "Các đảng uỷ xã, phường trực thuộc,",
            "Lưu Văn phòng Ban.",
        ],
    )


def _commune(unit: OrgUnit, province: OrgUnit) -> Letterhead:
    return Letterhead(
        layout="party",
        superior=f"ĐẢNG BỘ {province_name(province).upper()}",
        issuer=f"ĐẢNG UỶ {unit.name.upper()}",
        number_code="BC/ĐU",
        place=bare_name(unit),
        signer_authority="T/M ĐẢNG UỶ",
        signer_title="BÍ THƯ",
        signer_name="",
        recipients=[
            f"Ban Tuyên giáo và Dân vận {'Thành uỷ' if province.kind == 'city' else 'Tỉnh uỷ'} "
            "(để báo cáo),",
            "Lưu Văn phòng Đảng uỷ.",
        ],
    )


def province_name(unit: OrgUnit) -> str:
    """ "Tỉnh Lào Cai", "Thành phố Hà Nội": the map names provinces bare and cities in full."""
    prefix = _PREFIXES.get(unit.kind, "")
    return unit.name if not prefix or unit.name.startswith(prefix) else f"{prefix} {unit.name}"


def bare_name(unit: OrgUnit) -> str:
    """The name written in the date line: "Lào Cai", "Hà Nội", "Sa Pa" (no "Tỉnh", "Phường")."""
    for prefix in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def _place_of(session: Session, unit: OrgUnit) -> str:
    """The nearest territorial unit at or above `unit`, as the date line names it."""
    current: OrgUnit | None = unit
    while current is not None and not current.is_territorial:
        current = session.get(OrgUnit, current.parent_id) if current.parent_id else None
    if current is None or current.parent_id is None:
        return "Hà Nội"
    return bare_name(current)


def _upward(parent: OrgUnit | None) -> str:
    return f"{parent.name} (để báo cáo)," if parent is not None else "Cấp trên (để báo cáo),"
