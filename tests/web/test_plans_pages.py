"""The plan pages: a plan imported from a spreadsheet shows its overdue tasks; the lead unit
records progress with evidence; scorecards; roles, scope, CSRF and bad files."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.plans.models import Plan, Task, TaskEvidence
from tests.conftest import csrf_of, login, make_user
from tests.plans.test_plans import ROWS, YEN_BAI, _xlsx


def _import(client: TestClient, data: bytes, name: str = "ke-hoach.xlsx", **fields: str) -> object:
    form = {
        "unit_id": fields.pop("unit_id"),
        "title": "Kế hoạch thực hiện Chỉ thị 47-CT/TW",
        "number": "61-KH/ĐU",
        "issued_on": "2026-04-04",
        "csrf_token": csrf_of(client, "/plans"),
        **fields,
    }
    return client.post(
        "/plans/import", data=form, files={"upload": (name, data)}, follow_redirects=False
    )


def _unit_id(db: Session, code: str) -> str:
    from duluan.auth import units

    return str(units.find_by_code(db, code).id)


def test_a_plan_imported_from_a_spreadsheet_shows_its_overdue_tasks(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    response = _import(client, _xlsx(ROWS), unit_id=_unit_id(db, "15"))

    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    plan = db.scalars(select(Plan)).one()
    page = client.get(response.headers["location"]).text  # type: ignore[attr-defined]
    assert "Đã tạo kế hoạch với 5 nhiệm vụ." in page
    assert "Phổ biến, quán triệt Chỉ thị 47-CT/TW" in page and "hạn cuối 31/03/2026" in page
    assert "Quá hạn" in page and "thường xuyên" in page
    overview = client.get("/plans").text
    assert "<h1>Kế hoạch &amp; nhiệm vụ</h1>" in overview
    assert f'href="/plans/{plan.id}#task-' in overview and "Quá hạn và sắp đến hạn" in overview


def test_a_broken_table_names_its_row_and_stores_nothing(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    response = _import(
        client, _xlsx([ROWS[0], ["1", "", "Ban A", "", "2026"]]), unit_id=_unit_id(db, "15")
    )

    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Dòng 3: thiếu nội dung nhiệm vụ." in response.text  # type: ignore[attr-defined]
    assert db.scalar(select(Plan.id)) is None
    garbage = _import(client, b"<script>alert(1)</script>", "x.xlsx", unit_id=_unit_id(db, "15"))
    assert garbage.status_code == 400 and "Không đọc được tệp Excel" in garbage.text  # type: ignore[attr-defined]


def test_the_lead_unit_records_progress_with_evidence(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "yb.analyst", "analyst", YEN_BAI)
    login(client, "lc.analyst")
    _import(client, _xlsx(ROWS), unit_id=_unit_id(db, "15"))
    plan = db.scalars(select(Plan)).one()
    first = db.scalars(select(Task).where(Task.code == "1.1")).one()
    client.cookies.clear()
    login(client, "yb.analyst")  # the ward leads task 1.1: it reads the plan and reports on it

    page = f"/plans/{plan.id}"
    assert client.get(page).status_code == 200
    response = client.post(
        f"{page}/tasks/{first.id}",
        data={
            "status": "done",
            "progress": "100",
            "note": "Đã tổ chức hội nghị quán triệt.",
            "csrf_token": csrf_of(client, "/plans"),
        },
        files={"upload": ("bien-ban hội nghị.pdf", b"%PDF-1.4 minutes")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    second = db.scalars(select(Task).where(Task.code == "1.2")).one()  # led by a Party board
    refused = client.post(
        f"{page}/tasks/{second.id}",
        data={
            "status": "done",
            "progress": "100",
            "note": "x",
            "csrf_token": csrf_of(client, "/plans"),
        },
    )
    assert refused.status_code == 403
    db.expire_all()
    assert db.get(Task, first.id).status == "done"  # type: ignore[union-attr]
    evidence = db.scalars(select(TaskEvidence)).one()
    download = client.get(f"{page}/evidence/{evidence.id}")
    assert download.content == b"%PDF-1.4 minutes"
    assert (
        "filename*=UTF-8''bien-ban%20h%E1%BB%99i%20ngh%E1%BB%8B.pdf"
        in download.headers["content-disposition"]
    )
    client.cookies.clear()
    login(client, "lc.analyst")
    bad = client.post(
        f"{page}/tasks/{first.id}",
        data={
            "status": "done",
            "progress": "150",
            "note": "x",
            "csrf_token": csrf_of(client, "/plans"),
        },
    )
    assert bad.status_code == 400 and "Tiến độ phải là số phần trăm từ 0 đến 100." in bad.text
    no_csrf = client.post(
        f"{page}/tasks/{first.id}", data={"status": "done", "progress": "1", "note": "x"}
    )
    assert no_csrf.status_code == 403


def test_roles_and_scope(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    make_user(db, "ctv", "collaborator", "15")
    login(client, "lc.analyst")
    _import(client, _xlsx(ROWS), unit_id=_unit_id(db, "15"))
    plan = db.scalars(select(Plan)).one()

    client.cookies.clear()
    login(client, "lc.leader")
    assert client.get(f"/plans/{plan.id}").status_code == 200
    assert "Nhập kế hoạch" not in client.get("/plans").text
    assert _import(client, _xlsx(ROWS), unit_id=_unit_id(db, "15")).status_code == 403  # type: ignore[attr-defined]
    client.cookies.clear()
    login(client, "hn.analyst")
    assert client.get(f"/plans/{plan.id}").status_code == 404
    assert _import(client, _xlsx(ROWS), unit_id=_unit_id(db, "15")).status_code == 403  # type: ignore[attr-defined]
    client.cookies.clear()
    login(client, "ctv")
    assert client.get("/plans").status_code == 403


def test_scorecards_page_sets_criteria_and_scores(client: TestClient, db: Session) -> None:
    make_user(db, "lc.admin", "admin", "15")
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.admin")
    token = csrf_of(client, "/plans/scorecards?unit=15")

    for code, source in (("kiem_tra", "manual"), ("kien_nghi", "petitions_answered")):
        response = client.post(
            "/plans/scorecards/criteria",
            data={
                "unit": "15",
                "year": "2026",
                "code": code,
                "title": f"Tiêu chí {code}",
                "weight": "50",
                "source": source,
                "target": "100",
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
    page = client.get(f"/plans/scorecards?unit=15&year=2026&scored={YEN_BAI}").text
    assert "Tiêu chí kiem_tra" in page and "Chưa đủ điểm các tiêu chí để tính tổng" in page
    criterion_id = page.split('name="criterion_id" value="')[1].split('"')[0]
    scored = client.post(
        "/plans/scorecards/scores",
        data={
            "criterion_id": criterion_id,
            "scored": YEN_BAI,
            "value": "80",
            "note": "Đầy đủ",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert scored.status_code == 303
    page = client.get(scored.headers["location"]).text
    assert "90,0/100" in page  # (80 + 100 with no petitions due) / 2
    client.cookies.clear()
    login(client, "lc.analyst")
    refused = client.post(
        "/plans/scorecards/criteria",
        data={
            "unit": "15",
            "year": "2026",
            "code": "x",
            "title": "X",
            "weight": "5",
            "csrf_token": csrf_of(client, "/plans/scorecards?unit=15"),
        },
    )
    assert refused.status_code == 403
