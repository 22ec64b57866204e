"""The early-warning pages: alerts within scope, one alert with its explanation, and the forms
that acknowledge or dismiss it."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth.models import AuditEvent
from duluan.ingest.models import Enrichment
from duluan.warning.models import Alert
from duluan.web.render import DISPLAY_ZONE
from tests.conftest import login, make_user, post_form
from tests.warning.test_alerts import LAND_TEXTS, WINDOW_START, add_alert, store


def _state(db: Session, alert: Alert) -> str:
    db.expire_all()
    row = db.get(Alert, alert.id)
    assert row is not None
    return row.state


def _audited(db: Session) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.action.startswith("alert."))
    return list(db.scalars(query.order_by(AuditEvent.id)))


def test_the_list_shows_alerts_within_scope_with_their_figures(
    client: TestClient, db: Session
) -> None:
    alert = add_alert(db)
    other = add_alert(db, unit="01", province_code="01", topic="education")
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    page = client.get("/warning")

    assert page.status_code == 200 and "Cảnh báo sớm" in page.text
    assert f'href="/warning/alerts/{alert.id}"' in page.text
    assert "Đột biến lượng thảo luận" in page.text and "Lào Cai" in page.text
    assert "Đất đai, giải phóng mặt bằng, dự án" in page.text
    assert "× 4,0" in page.text and "p &lt; 0,0001" in page.text and "Đang mở" in page.text
    assert f"/warning/alerts/{other.id}" not in page.text  # another province's alert
    assert client.get(f"/warning/alerts/{other.id}").status_code == 404
    dismissed = client.get("/warning", params={"state": "dismissed"}).text
    assert f"/warning/alerts/{alert.id}" not in dismissed
    assert "Không có cảnh báo nào ở trạng thái này." in dismissed


def test_collaborators_cannot_open_alerts_and_leaders_can(client: TestClient, db: Session) -> None:
    alert = add_alert(db)
    make_user(db, "lc.ctv", "collaborator", "15")
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.ctv")
    assert client.get("/warning").status_code == 403
    assert client.get(f"/warning/alerts/{alert.id}").status_code == 403
    assert post_form(client, f"/warning/alerts/{alert.id}/acknowledge", {}).status_code == 403

    login(client, "lc.leader")
    page = client.get(f"/warning/alerts/{alert.id}")
    assert page.status_code == 200
    assert f'action="/warning/alerts/{alert.id}/acknowledge"' in page.text
    assert f'action="/warning/alerts/{alert.id}/dismiss"' in page.text
    assert _state(db, alert) == "open"


def test_the_detail_explains_the_alert_and_links_to_the_documents(
    client: TestClient, db: Session
) -> None:
    documents = store(db, "15", LAND_TEXTS, WINDOW_START + timedelta(minutes=30), "Báo Lào Cai")
    enrichment = db.get(Enrichment, documents[0].id)
    assert enrichment is not None
    enrichment.keywords = ["<img src=x onerror=alert(1)>", *enrichment.keywords]
    documents[1].title = "<b>Dân khiếu nại</b>"
    db.commit()
    alert = add_alert(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    page = client.get(f"/warning/alerts/{alert.id}").text

    assert "Từ khóa nổi bật" in page and "giải phóng" in page
    for document in documents:
        assert f'href="/listening/documents/{document.id}"' in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>Dân" not in page and "&lt;b&gt;Dân khiếu nại&lt;/b&gt;" in page
    day = WINDOW_START.astimezone(DISPLAY_ZONE).date()
    assert "/listening/overview?topic=land_projects&amp;province=15" in page
    assert f"/listening?topic=land_projects&amp;province=15&amp;since={day.isoformat()}" in page
    assert _audited(db) == []  # reading the explanation handles nothing


def test_forms_need_the_csrf_token(client: TestClient, db: Session) -> None:
    alert = add_alert(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    forged = client.post(f"/warning/alerts/{alert.id}/acknowledge", follow_redirects=False)
    forged_dismiss = client.post(
        f"/warning/alerts/{alert.id}/dismiss", data={"reason": "giả mạo"}, follow_redirects=False
    )

    assert forged.status_code == forged_dismiss.status_code == 403
    assert _state(db, alert) == "open" and _audited(db) == []


def test_dismissing_without_a_reason_is_refused_in_vietnamese(
    client: TestClient, db: Session
) -> None:
    alert = add_alert(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    response = post_form(client, f"/warning/alerts/{alert.id}/dismiss", {"reason": "  "})

    assert response.status_code == 400
    assert "Cần ghi lý do bỏ qua cảnh báo." in response.text
    assert _state(db, alert) == "open" and _audited(db) == []


def test_acknowledge_then_dismiss_with_a_reason_is_audited(client: TestClient, db: Session) -> None:
    alert = add_alert(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    path = f"/warning/alerts/{alert.id}"

    acknowledged = post_form(client, f"{path}/acknowledge", {}, page=path)
    assert acknowledged.status_code == 303 and acknowledged.headers["location"] == path
    assert _state(db, alert) == "acknowledged"
    dismissed = post_form(client, f"{path}/dismiss", {"reason": "Tin <cũ>, đã xác minh"}, page=path)
    assert dismissed.status_code == 303 and _state(db, alert) == "dismissed"
    again = post_form(client, f"{path}/acknowledge", {}, page=path)

    assert again.status_code == 400 and "Chỉ ghi nhận được cảnh báo đang mở" in again.text
    assert _audited(db) == ["alert.acknowledged", "alert.dismissed"]
    page = client.get(path).text
    assert "Đã bỏ qua" in page and "Lịch sử xử lý" in page and "Ghi nhận cảnh báo" in page
    assert "Tin &lt;cũ&gt;, đã xác minh" in page
    assert f'action="{path}/dismiss"' not in page  # nothing left to do with it
    assert f"{path}" in client.get("/warning", params={"state": "all"}).text


def test_the_overview_counts_open_alerts_within_scope(client: TestClient, db: Session) -> None:
    add_alert(db)
    add_alert(db, topic="education")
    add_alert(db, unit="01", province_code="01")
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")

    page = client.get("/listening/overview").text

    assert "Cảnh báo đang mở" in page
    start = page.index("kpi-alerts")
    assert 'href="/warning">2</a>' in page[start : start + 400]


def test_a_commune_alert_names_its_commune_in_the_list_and_on_its_page(
    client: TestClient, db: Session
) -> None:
    alert = add_alert(db, commune_code="02947")
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    listed = client.get("/warning").text
    page = client.get(f"/warning/alerts/{alert.id}").text

    assert "Xã Bảo Yên, Lào Cai" in listed and "Xã Bảo Yên, Lào Cai" in page
