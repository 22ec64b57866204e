"""Demo reports: Lào Cai's letterhead, its monthly report for the last full month and its
quarterly report for the last full quarter, generated from the demo data like any unit's, so a
new user opens finished examples (still drafts, to be edited) under "Báo cáo tổng hợp".

Runs after the other loaders: the reports quote what they stored. Idempotent: a report of the
same kind and period, or a letterhead already kept, is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import User
from duluan.auth.permissions import Actor
from duluan.db.engine import transaction
from duluan.demo.plan import DemoPlan
from duluan.reports import service
from duluan.reports.models import Letterhead, Report

UNIT = "15"  # Lào Cai, the demo province
ANALYST = "demo-analyst"
LETTERHEAD = service.LetterheadFields(
    layout="party",
    superior="TỈNH UỶ LÀO CAI",
    issuer="BAN TUYÊN GIÁO VÀ DÂN VẬN",
    number_code="BC/BTGDVTU",
    place="Lào Cai",
    signer_authority="K/T TRƯỞNG BAN",
    signer_title="PHÓ TRƯỞNG BAN",
    signer_name="Nguyễn Văn Mẫu (mô phỏng)",
    recipients="\n".join(
        (
            "Ban Tuyên giáo và Dân vận Trung ương (để báo cáo),",
            "Thường trực Tỉnh uỷ (để báo cáo),",
            "Các đảng uỷ trực thuộc Tỉnh uỷ,",
            "Lưu Văn phòng Ban.",
        )
    ),
)


def last_full_month(anchor: date) -> str:
    """The month before the one `anchor` falls in: "2026-10" when the anchor is in November."""
    end = anchor.replace(day=1) - timedelta(days=1)
    return f"{end.year}-{end.month:02d}"


def last_full_quarter(anchor: date) -> str:
    """The quarter before the one `anchor` falls in: "2026-Q3" when the anchor is in November."""
    quarter = (anchor.month - 1) // 3 + 1
    if quarter == 1:
        return f"{anchor.year - 1}-Q4"
    return f"{anchor.year}-Q{quarter - 1}"


def load(plan: DemoPlan) -> dict[str, int]:
    """The letterhead (once) and the two reports (once each); how many reports were new."""
    with transaction(plan.factory, write=True) as session:
        owner = session.scalars(select(User).where(User.username == ANALYST)).one_or_none()
        if owner is None:
            return {"reports_new": 0}
        analyst = users.actor_for(owner)
        unit = units.find_by_code(session, UNIT)
        if session.scalar(select(Letterhead.id).where(Letterhead.unit_id == unit.id)) is None:
            service.save_letterhead(session, analyst, unit.id, LETTERHEAD)
        made = 0
        for kind, label in (
            ("monthly", last_full_month(plan.anchor)),
            ("quarterly", last_full_quarter(plan.anchor)),
        ):
            made += _report(session, analyst, unit.id, kind, label, plan.anchor)
        return {"reports_new": made}


def _report(
    session: Session, analyst: Actor, unit_id: int, kind: str, label: str, anchor: date
) -> int:
    exists = session.scalar(
        select(Report.id).where(
            Report.unit_id == unit_id, Report.kind == kind, Report.period_label == label
        )
    )
    if exists is not None:
        return 0
    service.generate(
        session, analyst, unit_id=unit_id, kind=kind, period_text=label, issued_on=anchor
    )
    return 1
