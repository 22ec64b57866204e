"""Scorecard exports: one unit's card as a printable XLSX sheet and a CSV, all units side by side,
from the service, the page and the command line; read back and checked, and audited."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.cli import app
from duluan.errors import BadInput, PermissionDenied
from duluan.plans import exports, scorecards, service
from duluan.plans.service import TaskDraft
from tests.conftest import login, make_user

SA_PA, YEN_BAI = "03006", "04252"
TODAY = date(2026, 11, 24)


def _criteria(db: Session) -> Actor:
    """Lào Cai's criteria for 2026: one inspected (Sa Pa scored 80 with a comment), one
    computed (no petitions due: 100)."""
    admin = users.actor_for(make_user(db, "lc.admin", "admin", "15"))
    lao_cai = units.find_by_code(db, "15")
    for code, title, source, weight in (
        ("kiem_tra", "Kết quả kiểm tra, giám sát", "manual", 30),
        ("kien_nghi", "=Trả lời kiến nghị", "petitions_answered", 10),
    ):
        scorecards.set_criterion(
            db, admin, lao_cai, year=2026, code=code, title=title, weight=weight, source=source
        )
    inspected = scorecards.criteria(db, lao_cai, 2026)[0]
    scorecards.score(db, admin, inspected, units.find_by_code(db, SA_PA), 80, "Hồ sơ đầy đủ")
    db.commit()
    return admin


def _sheet(body: bytes) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def test_a_units_scorecard_as_a_printable_sheet_and_csv(db: Session) -> None:
    admin = _criteria(db)
    sa_pa = units.find_by_code(db, SA_PA)

    found = exports.export_card(db, admin, sa_pa, 2026, "xlsx", today=TODAY)

    assert found.filename == "bang-diem-03006-2026.xlsx"
    rows = _sheet(found.body)
    assert rows[0][0] == "BẢNG ĐIỂM ĐÁNH GIÁ CÔNG TÁC DƯ LUẬN XÃ HỘI NĂM 2026"
    assert rows[1][0] == "Đơn vị được đánh giá: Phường Sa Pa (mã 03006)"
    assert rows[2][0] == "Tiêu chí do Lào Cai ban hành"
    table = rows[4:8]
    assert table[0][:3] == ("Mã tiêu chí", "Tiêu chí", "Trọng số")
    assert table[1] == (
        "kiem_tra",
        "Kết quả kiểm tra, giám sát",
        30,
        "Người kiểm tra chấm",
        None,
        80,
        60,
        "Hồ sơ đầy đủ",
    )
    assert table[2][1] == "'=Trả lời kiến nghị"  # never a formula
    assert table[2][4:7] == ("0/0", 100, 25)
    assert table[3][1:3] == ("Tổng điểm", 40) and table[3][5] == 85  # (80·30 + 100·10) / 40
    assert any("24/11/2026" in str(r[0]) for r in rows[8:])
    book = openpyxl.load_workbook(io.BytesIO(found.body))
    assert book.active.page_setup.orientation == "landscape"
    assert book.active["A5"].font.name == "Times New Roman" and book.active["A5"].font.b

    as_csv = exports.export_card(db, admin, sa_pa, 2026, "csv", today=TODAY)
    lines = list(csv.reader(io.StringIO(as_csv.body.decode("utf-8-sig"))))
    assert lines[0][0] == "Mã tiêu chí" and lines[1][5] == "80" and lines[-1][5] == "85"
    db.commit()
    exported = db.scalars(select(AuditEvent).where(AuditEvent.action == "scorecard.exported"))
    assert [(e.target, e.detail["format"]) for e in exported] == [
        ("03006:2026", "xlsx"),
        ("03006:2026", "csv"),
    ]


def test_all_units_side_by_side_and_bad_requests(db: Session) -> None:
    admin = _criteria(db)
    lao_cai = units.find_by_code(db, "15")

    found = exports.export_table(db, admin, lao_cai, 2026, "xlsx", today=TODAY)

    rows = _sheet(found.body)
    heading = rows[3]
    assert heading[:4] == (
        "Mã đơn vị",
        "Đơn vị",
        "Kết quả kiểm tra, giám sát (30)",
        "'=Trả lời kiến nghị (10)",
    )
    assert heading[4] == "Tổng điểm"
    by_code = {r[0]: r for r in rows[4:] if r[0] and r[1]}  # the footer has one cell
    assert by_code[SA_PA][1:] == ("Phường Sa Pa", 80, 100, 85)
    assert by_code[YEN_BAI][2:] == (None, 100, None)  # not inspected yet: no total
    assert len(by_code) == len(units.children(db, actor=admin, unit=lao_cai))

    with pytest.raises(BadInput):
        exports.export_card(db, admin, units.find_by_code(db, SA_PA), 2026, "pdf", today=TODAY)
    with pytest.raises(BadInput):
        exports.export_card(db, admin, units.root(db), 2026, "csv", today=TODAY)  # no parent
    outsider = users.actor_for(make_user(db, "hn.analyst", "analyst", "01"))
    with pytest.raises(PermissionDenied):
        exports.export_table(db, outsider, lao_cai, 2026, "csv", today=TODAY)


def test_the_page_offers_the_downloads(client: TestClient, db: Session) -> None:
    _criteria(db)
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")

    page = client.get(f"/plans/scorecards?unit=15&year=2026&scored={SA_PA}").text
    assert f'href="/plans/scorecards/card.xlsx?unit=15&amp;scored={SA_PA}&amp;year=2026"' in page
    card = client.get(f"/plans/scorecards/card.xlsx?unit=15&scored={SA_PA}&year=2026")
    assert card.status_code == 200
    assert "bang-diem-03006-2026.xlsx" in card.headers["content-disposition"]
    assert _sheet(card.content)[1][0] == "Đơn vị được đánh giá: Phường Sa Pa (mã 03006)"
    table = client.get("/plans/scorecards/table.csv?unit=15&year=2026")
    assert table.status_code == 200 and "Phường Sa Pa,80,100,85" in table.content.decode()
    assert client.get("/plans/scorecards/table.docx?unit=15&year=2026").status_code == 400
    wrong = client.get(f"/plans/scorecards/card.csv?unit=01&scored={SA_PA}&year=2026")
    assert wrong.status_code in (400, 403)
    client.cookies.clear()
    make_user(db, "hn.leader", "leader", "01")
    login(client, "hn.leader")
    assert client.get("/plans/scorecards/table.csv?unit=15&year=2026").status_code == 403


def test_the_command_writes_the_files(db: Session, cli_database: None, tmp_path: Path) -> None:
    _criteria(db)
    card = tmp_path / "sa-pa.xlsx"

    result = CliRunner().invoke(
        app, ["plans", "scorecard", "--unit", SA_PA, "--year", "2026", "-o", str(card)]
    )

    assert result.exit_code == 0, result.output
    assert _sheet(card.read_bytes())[5][5] == 80
    table = tmp_path / "tinh.csv"
    result = CliRunner().invoke(
        app,
        ["plans", "scorecard", "--unit", "15", "--year", "2026", "--children", "-o", str(table)],
    )
    assert result.exit_code == 0, result.output
    assert "Phường Sa Pa,80,100,85" in table.read_text("utf-8-sig")
    bad = CliRunner().invoke(
        app, ["plans", "scorecard", "--unit", SA_PA, "--year", "2026", "-o", "x.pdf"]
    )
    assert bad.exit_code == 2 and "x.pdf" in bad.output
    unknown = CliRunner().invoke(
        app, ["plans", "scorecard", "--unit", "99999", "--year", "2026", "-o", str(card)]
    )
    assert unknown.exit_code == 2


def test_a_unit_reads_its_own_card_on_the_criteria_above_and_no_other(
    client: TestClient, db: Session
) -> None:
    centre = units.root(db)
    inspector = users.actor_for(make_user(db, "tw.admin", "admin", centre.code))
    scorecards.set_criterion(
        db, inspector, centre, year=2026, code="ke_hoach", title="Thực hiện kế hoạch", weight=1
    )
    scorecards.score(
        db, inspector, scorecards.criteria(db, centre, 2026)[0], units.find_by_code(db, "15"),
        90, "Tốt",
    )  # fmt: skip
    db.commit()
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")

    home = client.get("/plans/scorecards?year=2026").text
    link = "/plans/scorecards?unit=TW&amp;scored=15&amp;year=2026"
    assert f'href="{link}"' in home and "theo tiêu chí của Trung ương" in home
    own = client.get(link.replace("&amp;", "&"))
    assert own.status_code == 200 and "90,0/100" in own.text and "Tốt" in own.text
    assert 'name="criterion_id"' not in own.text  # reading, not scoring
    assert "table.xlsx" not in own.text  # the other provinces' cards stay out of reach
    card = client.get("/plans/scorecards/card.csv?unit=TW&scored=15&year=2026")
    assert card.status_code == 200 and "Tốt" in card.content.decode()
    assert client.get("/plans/scorecards?unit=TW&scored=01&year=2026").status_code == 403
    assert client.get("/plans/scorecards?unit=TW&year=2026").status_code == 403
    assert client.get("/plans/scorecards/table.csv?unit=TW&year=2026").status_code == 403


def test_a_plans_tracking_sheet_downloads_and_imports_again(
    client: TestClient, db: Session
) -> None:
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    drafts = [
        TaskDraft(
            "Quán triệt Chỉ thị 47", "1.1", "Phường Sa Pa", ("MTTQ", "Đoàn TN"), "quý I/2026"
        ),
        TaskDraft("Tiếp xúc, đối thoại", "2.1", "Ban Dân vận", (), "Thường xuyên"),
    ]
    plan = service.create_plan(
        db, analyst, units.find_by_code(db, "15"), title="Kế hoạch 47", tasks=drafts
    )
    first = service.tasks_of(db, plan)[0]
    service.update_task(
        db, analyst, first, status="in_progress", progress=40, note="Đã họp", today=TODAY
    )
    db.commit()
    login(client, "lc.analyst")

    page = client.get(f"/plans/{plan.id}").text
    assert f'href="/plans/{plan.id}/tasks.xlsx"' in page and "2 nhiệm vụ" in page
    response = client.get(f"/plans/{plan.id}/tasks.xlsx")

    assert response.status_code == 200
    rows = _sheet(response.content)
    assert rows[0][0] == "Kế hoạch 47" and rows[2][:3] == (
        "STT",
        "Nội dung nhiệm vụ",
        "Đơn vị chủ trì",
    )
    assert rows[3][3:] == ("MTTQ; Đoàn TN", "quý I/2026", "31/03/2026", "Quá hạn", 40, "Đã họp")
    assert service.read_task_table(response.content, "lai.xlsx") == drafts  # imports again
    as_csv = client.get(f"/plans/{plan.id}/tasks.csv").content.decode("utf-8-sig")
    assert '2.1,"Tiếp xúc, đối thoại",Ban Dân vận,,Thường xuyên,,Đang thực hiện,0,' in as_csv
    assert client.get(f"/plans/{plan.id}/tasks.pdf").status_code == 400
    db.expire_all()
    exported = db.scalars(select(AuditEvent.detail).where(AuditEvent.action == "plan.exported"))
    assert [d["format"] for d in exported] == ["xlsx", "csv"]
    client.cookies.clear()
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "hn.analyst")
    assert client.get(f"/plans/{plan.id}/tasks.xlsx").status_code == 404
