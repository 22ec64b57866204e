"""The hotspot-case pages: escalating from an alert's page, following steps, notes, status; the
playbook pages; scope, roles and CSRF."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.warning.models import Alert, HotspotCase, Playbook
from tests.conftest import login, make_user, post_form
from tests.warning.test_alerts import LAND_TEXTS, WINDOW_START, add_alert, store


def _escalate(client: TestClient, alert: Alert, **data: str) -> str:
    page = f"/warning/alerts/{alert.id}"
    response = post_form(client, f"{page}/escalate", data, page=page)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_an_analyst_escalates_an_alert_and_follows_a_step(client: TestClient, db: Session) -> None:
    alert = add_alert(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    alert_page = client.get(f"/warning/alerts/{alert.id}").text
    assert "Chuyển thành hồ sơ điểm nóng" in alert_page
    assert "Tranh chấp đất đai, giải phóng mặt bằng" in alert_page  # the suggested playbook
    assert 'value="Đất đai, giải phóng mặt bằng, dự án · Lào Cai"' in alert_page

    land = db.scalars(select(Playbook).where(Playbook.kind == "land_dispute")).first()
    assert land is not None
    location = _escalate(
        client, alert, title="Thu hồi đất <b>Bảo Yên</b>", playbook_id=str(land.id)
    )
    case_page = client.get(location)
    assert case_page.status_code == 200
    assert "Thu hồi đất &lt;b&gt;Bảo Yên&lt;/b&gt;" in case_page.text  # escaped, kept as typed
    assert "Mới mở" in case_page.text and "Đã xong 0/5 bước" in case_page.text
    assert land.steps[0].title in case_page.text
    assert f"/warning/alerts/{alert.id}" in case_page.text
    assert (
        "Cảnh báo này đã được chuyển thành hồ sơ điểm nóng."
        in client.get(f"/warning/alerts/{alert.id}").text
    )

    case = db.scalars(select(HotspotCase)).one()
    step = case.steps[0]
    done = post_form(
        client,
        f"{location}/steps/{step.id}",
        {"state": "done", "note": "Cộng tác viên xác nhận"},
        page=location,
    )
    assert done.status_code == 303
    after = client.get(location).text
    assert "Đang xử lý" in after and "Đã xong 1/5 bước" in after
    assert "Cộng tác viên xác nhận" in after and "Hoàn thành bước 1" in after

    skipped = post_form(
        client, f"{location}/steps/{case.steps[1].id}", {"state": "skipped"}, page=location
    )
    assert skipped.status_code == 400 and "Cần ghi lý do bỏ qua bước xử lý." in skipped.text

    note = post_form(
        client, f"{location}/notes", {"text": "Dân tụ tập <script>x</script>"}, location
    )
    assert note.status_code == 303
    assert "&lt;script&gt;x&lt;/script&gt;" in client.get(location).text

    closing = post_form(client, f"{location}/status", {"status": "closed"}, page=location)
    assert closing.status_code == 400 and "Cần ghi tóm tắt kết quả" in closing.text

    listing = client.get("/warning/cases").text
    assert location in listing and "Đang xử lý" in listing


def test_a_document_joins_a_case_from_its_page(client: TestClient, db: Session) -> None:
    alert = add_alert(db)
    before_window = WINDOW_START - timedelta(days=2)  # not among the alert's samples
    doc = store(db, "15", LAND_TEXTS[:1], before_window, "lc")[0]
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.analyst")
    location = _escalate(client, alert, title="Đất đai Bảo Yên")
    case_id = location.rsplit("/", 1)[1]
    page = f"/listening/documents/{doc.id}"
    assert "Thêm vào hồ sơ điểm nóng" in client.get(page).text

    added = post_form(
        client, "/warning/cases/documents", {"case_id": case_id, "document_id": str(doc.id)}, page
    )

    assert added.status_code == 303
    assert page in client.get(location).text and "Thêm tài liệu số" in client.get(location).text
    missing = post_form(
        client, "/warning/cases/documents", {"case_id": case_id, "document_id": "999999"}, page
    )
    assert missing.status_code == 404


def test_escalation_errors_show_on_the_alert_page(client: TestClient, db: Session) -> None:
    alert = add_alert(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    page = f"/warning/alerts/{alert.id}"

    response = post_form(client, f"{page}/escalate", {"title": "   "}, page=page)

    assert response.status_code == 400 and "Cần đặt tên cho hồ sơ." in response.text
    db.expire_all()
    assert db.get(Alert, alert.id).state == "open"  # type: ignore[union-attr]


def test_roles_scope_and_csrf(client: TestClient, db: Session) -> None:
    alert = add_alert(db)
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    make_user(db, "lc.ctv", "collaborator", "15")
    login(client, "lc.analyst")
    location = _escalate(client, alert, title="Đất đai")

    refused = client.post(f"{location}/notes", data={"text": "x"}, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token

    login(client, "hn.analyst")
    assert client.get(location).status_code == 404
    assert location not in client.get("/warning/cases").text
    login(client, "lc.ctv")
    assert client.get("/warning/cases").status_code == 403
    assert client.get("/warning/playbooks").status_code == 403


def test_admins_write_playbooks_and_analysts_read_them(client: TestClient, db: Session) -> None:
    make_user(db, "lc.admin", "admin", "15")
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.admin")
    template = db.scalars(select(Playbook).where(Playbook.kind == "environment")).first()
    assert template is not None

    copy = client.get("/warning/playbooks/new", params={"from": template.id}).text
    assert template.steps[0].title in copy
    assert "Lào Cai" in client.get("/warning/playbooks/new").text  # the owning unit offered
    unit_id = units.find_by_code(db, "15").id
    form = {
        "unit_id": str(unit_id),
        "kind": "environment",
        "name": "Ô nhiễm sông Hồng",
        "description": "",
        "steps": "Lấy mẫu nước | Sở Nông nghiệp và Môi trường | 12\nCông bố kết quả",
        "active": "true",
    }
    bad = post_form(client, "/warning/playbooks", {**form, "steps": "Một\nHai | | mười"}, "/")
    assert bad.status_code == 400 and "Dòng 2" in bad.text
    saved = post_form(client, "/warning/playbooks", form, "/")
    assert saved.status_code == 303
    assert "Đã lưu kịch bản." in client.get(saved.headers["location"]).text

    login(client, "lc.analyst")
    listing = client.get("/warning/playbooks").text
    assert "Ô nhiễm sông Hồng" in listing and "Lấy mẫu nước" in listing
    assert "Thêm kịch bản" not in listing
    denied = post_form(client, "/warning/playbooks", form, "/")
    assert denied.status_code == 403
