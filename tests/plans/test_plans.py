"""Plans: imported from a task table (XLSX or CSV, broken files refused by row), followed by
their lead units with notes and evidence, overdue tasks found, reminders sent once."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.plans import dashboard, service
from duluan.plans.service import TaskDraft
from duluan.warning.notifications import Notification
from tests.conftest import make_user

YEN_BAI = "04252"  # Phường Yên Bái, Lào Cai
ROWS = [
    ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện"],
    [
        "1.1",
        "Phổ biến, quán triệt Chỉ thị 47-CT/TW",
        "Phường Yên Bái",
        "MTTQ; Đoàn Thanh niên",
        "Hoàn thành xong trong quý I/2026",
    ],
    [
        "1.2",
        "Ban hành kế hoạch của đơn vị",
        "Ban Xây dựng Đảng",
        "",
        "Hoàn thành trong tháng 4/2026",
    ],
    [None, None, None, None, None],
    [
        "2.4",
        "Triển khai hệ thống Dự báo - Phân tích - Ứng dụng",
        "Phường Yên Bái",
        "",
        "Dự kiến từ năm 2026 đến 2028",
    ],
    ["3.1", "Tăng cường tiếp xúc, đối thoại với Nhân dân", "Phường Yên Bái", "", "Thường xuyên"],
    ["3.4", "Tổng hợp tình hình dư luận, báo cáo", "Phường Yên Bái", "", "trước ngày 28/11/2026"],
]


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _xlsx(rows: list[list[object]], title_rows: int = 1) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for _ in range(title_rows):
        sheet.append(["KẾ HOẠCH thực hiện Chỉ thị 47-CT/TW"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan(db: Session, actor: Actor) -> service.Plan:  # type: ignore[name-defined]
    drafts = service.read_task_table(_xlsx(ROWS), "ke-hoach.xlsx")
    plan = service.create_plan(
        db,
        actor,
        units.find_by_code(db, "15"),
        title="Kế hoạch thực hiện Chỉ thị 47-CT/TW",
        number="61-KH/ĐU",
        issued_on=date(2026, 4, 4),
        tasks=drafts,
    )
    db.commit()
    return plan


def test_a_task_table_becomes_a_plan_with_read_deadlines_and_lead_units(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")

    plan = _plan(db, analyst)

    tasks = service.tasks_of(db, plan)
    assert [t.code for t in tasks] == ["1.1", "1.2", "2.4", "3.1", "3.4"]
    first = tasks[0]
    assert (first.deadline_kind, first.due_on) == ("quarter", date(2026, 3, 31))
    assert first.coordinating == ["MTTQ", "Đoàn Thanh niên"]
    assert first.lead_unit_id == units.find_by_code(db, YEN_BAI).id  # named exactly
    assert tasks[1].lead == "Ban Xây dựng Đảng" and tasks[1].lead_unit_id is None
    assert (tasks[3].deadline_kind, tasks[3].due_on) == ("regular", None)
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("plan.%")))
    assert list(actions) == ["plan.created"]


def test_csv_tables_and_broken_tables(db: Session) -> None:
    csv_text = "Mục,Nhiệm vụ,Thời hạn\n1,Kiện toàn đội ngũ cộng tác viên,quý II/2026\n"
    drafts = service.read_task_table(csv_text.encode("utf-8-sig"), "bang.csv")
    assert drafts == [
        TaskDraft("Kiện toàn đội ngũ cộng tác viên", code="1", deadline="quý II/2026")
    ]

    with pytest.raises(BadInput) as no_content:
        service.read_task_table(_xlsx([ROWS[0], ["1", "", "Ban A", "", "2026"]]), "x.xlsx")
    assert no_content.value.key == "plans.errors.row_no_content"
    assert no_content.value.params["row"] == 3  # the title row, the heading, then this one
    with pytest.raises(BadInput) as no_header:
        service.read_task_table(_xlsx([["a", "b"], ["c", "d"]]), "x.xlsx")
    assert no_header.value.key == "plans.errors.no_header"
    with pytest.raises(BadInput) as broken:
        service.read_task_table(b"PK\x03\x04 not really a workbook", "x.xlsx")
    assert broken.value.key == "plans.errors.not_a_workbook"
    with pytest.raises(BadInput) as latin:
        service.read_task_table(
            "Nội dung\nviệc\n".encode("utf-16"), "x.csv"
        )  # Excel "Unicode text"
    assert latin.value.key == "plans.errors.not_utf8"
    with pytest.raises(BadInput) as empty:
        service.read_task_table(_xlsx([ROWS[0]]), "x.xlsx")
    assert empty.value.key == "plans.errors.no_tasks"


def test_the_lead_unit_records_progress_and_evidence_and_others_may_not(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    ward = _actor(db, "yb.analyst", "analyst", YEN_BAI)
    leader = _actor(db, "lc.leader", "leader", "15")
    hanoi = _actor(db, "hn.analyst", "analyst", "01")
    plan = _plan(db, analyst)
    first, second = service.tasks_of(db, plan)[:2]

    service.update_task(
        db,
        ward,
        first,
        status="done",
        progress=40,
        note="Đã tổ chức hội nghị.",
        today=date(2026, 3, 20),
    )
    service.add_evidence(db, ward, first, "bien-ban.pdf", "application/pdf", b"%PDF-1.4 ...")
    db.commit()

    assert (first.status, first.progress, first.done_on) == ("done", 100, date(2026, 3, 20))
    assert [n.text for n in service.notes_of(db, first)] == ["Đã tổ chức hội nghị."]
    with pytest.raises(PermissionDenied):
        service.update_task(
            db, ward, second, status="in_progress", progress=10, note="x", today=date(2026, 3, 20)
        )
    with pytest.raises(PermissionDenied):
        service.update_task(
            db, leader, first, status="todo", progress=0, note="x", today=date(2026, 3, 20)
        )
    with pytest.raises(BadInput):
        service.update_task(
            db,
            analyst,
            second,
            status="in_progress",
            progress=120,
            note="x",
            today=date(2026, 3, 20),
        )
    with pytest.raises(BadInput):
        service.update_task(
            db,
            analyst,
            second,
            status="in_progress",
            progress=10,
            note="  ",
            today=date(2026, 3, 20),
        )
    with pytest.raises(BadInput):
        service.add_evidence(db, ward, first, "bien-ban.pdf", "application/pdf", b"again")
    with pytest.raises(NotFound):
        service.get_plan(db, hanoi, plan.id)
    assert service.plans(db, leader) == [plan]


def test_the_dashboard_counts_overdue_and_due_tasks_and_reminders_go_once(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    ward = _actor(db, "yb.analyst", "analyst", YEN_BAI)
    plan = _plan(db, analyst)
    first = service.tasks_of(db, plan)[0]
    today = date(2026, 11, 24)

    found = dashboard.summary(db, analyst, today)
    states = {t.code: found.states[t.id] for t in found.tasks}
    assert states == {
        "1.1": "overdue",
        "1.2": "overdue",
        "2.4": "open",
        "3.1": "open",
        "3.4": "due_soon",
    }
    assert found.by_lead["Phường Yên Bái"]["overdue"] == 1
    led = dashboard.summary(db, ward, today, unit=units.find_by_code(db, YEN_BAI))
    assert [t.code for t in led.tasks] == ["1.1", "3.4", "2.4", "3.1"]  # the tasks it leads
    assert service.plans(db, ward) == [plan]  # and it reads the plan they come from
    assert dashboard.summary(db, _actor(db, "hn.analyst", "analyst", "01"), today).tasks == []
    service.update_task(db, analyst, first, status="done", progress=100, note="Xong.", today=today)
    assert dashboard.summary(db, analyst, today).counts["done"] == 1

    assert dashboard.remind(db, today) == 1  # 3.4 is due in 4 days; its lead has one analyst
    db.commit()
    assert dashboard.remind(db, today) == 0
    note = db.scalars(select(Notification).where(Notification.kind == "reminder")).one()
    assert note.user_id == ward.user_id and "28/11/2026" in note.text
