"""Notification pages: the bell's count, one's own list, marking read (with CSRF), the unit's
delivery-rule page, and the e-mail address on the account page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import AuditEvent, User
from duluan.warning.delivery import deliver
from duluan.warning.notifications import DeliveryRule, Notification
from tests.conftest import csrf_of, login, make_user, post_form
from tests.warning.test_alerts import add_alert
from tests.warning.test_delivery import NOW


def _two_alerts_for(db: Session) -> list[Notification]:
    """lc.analyst and hn.analyst, each notified of their own province's alerts."""
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    alerts = [add_alert(db), add_alert(db, topic="environment")]
    alerts.append(add_alert(db, unit="01", province_code="01"))
    deliver(db, alerts, NOW)
    db.commit()
    return list(db.scalars(select(Notification).order_by(Notification.id)))


def _read_at(db: Session, note: Notification) -> object:
    db.expire_all()
    row = db.get(Notification, note.id)
    assert row is not None
    return row.read_at


def test_the_bell_counts_ones_own_unread_notifications(client: TestClient, db: Session) -> None:
    _two_alerts_for(db)
    login(client, "lc.analyst")

    home = client.get("/")
    assert 'class="topbar-bell" href="/notifications"' in home.text
    assert 'data-unread="2"' in home.text and "2 thông báo chưa đọc" in home.text
    assert 'data-unread="2"' in client.get("/account").text  # on every page

    login(client, "hn.analyst")
    assert 'data-unread="1"' in client.get("/").text
    make_user(db, "lc.leader", "leader", "15")  # came after the alerts: nothing to count
    login(client, "lc.leader")
    home = client.get("/").text
    assert 'class="topbar-bell"' in home and "data-unread" not in home


def test_the_list_shows_only_ones_own_newest_first(client: TestClient, db: Session) -> None:
    lc_land, lc_environment, hn = _two_alerts_for(db)
    login(client, "lc.analyst")

    page = client.get("/notifications")

    assert page.status_code == 200 and "<h1>Thông báo</h1>" in page.text
    assert f'href="/warning/alerts/{lc_land.alert_id}"' in page.text
    assert f'href="/warning/alerts/{hn.alert_id}"' not in page.text
    assert page.text.index(f"/notifications/{lc_environment.id}/read") < page.text.index(
        f"/notifications/{lc_land.id}/read"
    )
    assert "Đất đai, giải phóng mặt bằng, dự án — Lào Cai" in page.text
    refused = post_form(client, f"/notifications/{hn.id}/read", {}, page="/notifications")
    assert refused.status_code == 404 and _read_at(db, hn) is None


def test_mark_read_and_mark_all_read(client: TestClient, db: Session) -> None:
    lc_land, lc_environment, hn = _two_alerts_for(db)
    login(client, "lc.analyst")

    done = post_form(client, f"/notifications/{lc_land.id}/read", {}, page="/notifications")
    assert done.status_code == 303 and done.headers["location"] == "/notifications"
    assert _read_at(db, lc_land) is not None and _read_at(db, lc_environment) is None
    assert 'data-unread="1"' in client.get("/notifications").text

    post_form(client, "/notifications/read-all", {}, page="/notifications")
    assert _read_at(db, lc_environment) is not None
    assert _read_at(db, hn) is None  # another user's stays unread
    page = client.get("/notifications").text
    assert "data-unread" not in page and "Đánh dấu tất cả đã đọc" not in page


def test_posts_without_the_csrf_token_are_refused(client: TestClient, db: Session) -> None:
    lc_land, *_ = _two_alerts_for(db)
    login(client, "lc.analyst")

    forged = client.post(f"/notifications/{lc_land.id}/read", data={}, follow_redirects=False)
    forged_all = client.post("/notifications/read-all", data={"csrf_token": "x"})
    forged_rule = client.post(f"/notifications/rules/{lc_land.unit_id}", data={"max_per_hour": "1"})

    assert (forged.status_code, forged_all.status_code, forged_rule.status_code) == (403,) * 3
    assert _read_at(db, lc_land) is None
    assert db.scalar(select(DeliveryRule.id)) is None


def test_the_page_says_how_many_alerts_the_rate_limit_held_back(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    db.add(
        DeliveryRule(
            unit_id=units.find_by_code(db, "15").id,
            detectors=[],
            topics=[],
            provinces=[],
            max_significance=1.0,
            in_app=True,
            email=False,
            max_per_hour=1,
            cooldown_hours=24,
        )
    )
    topics = ("land_projects", "environment", "education", "healthcare")
    deliver(db, [add_alert(db, topic=topic) for topic in topics], NOW)
    db.commit()
    login(client, "lc.analyst")

    page = client.get("/notifications")

    assert "3 cảnh báo khác trong 24 giờ qua bị giữ lại do giới hạn số thông báo mỗi giờ." in (
        page.text
    )
    assert 'href="/warning?state=all"' in page.text


def _rule_form(**values: str) -> dict[str, str]:
    return {"max_significance": "1.0", "max_per_hour": "3", "cooldown_hours": "12", **values}


def test_analysts_set_their_units_rule_and_each_change_is_audited(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    lao_cai = units.find_by_code(db, "15")
    login(client, "lc.analyst")

    page = client.get("/notifications/rules")
    assert page.status_code == 200 and "Đang dùng quy tắc mặc định" in page.text
    assert f'action="/notifications/rules/{lao_cai.id}"' in page.text
    saved = client.post(
        f"/notifications/rules/{lao_cai.id}",
        data={
            **_rule_form(in_app="1", email="1"),
            "topics": ["land_projects", "environment"],
            "csrf_token": csrf_of(client, "/notifications"),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303

    db.expire_all()
    rule = db.scalar(select(DeliveryRule).where(DeliveryRule.unit_id == lao_cai.id))
    assert rule is not None and rule.topics == ["land_projects", "environment"]
    assert (rule.max_per_hour, rule.cooldown_hours, rule.email) == (3, 12, True)
    again = client.get(saved.headers["location"]).text
    assert "Đã lưu quy tắc nhận cảnh báo." in again and "Quy tắc riêng của đơn vị" in again
    reset = post_form(client, f"/notifications/rules/{lao_cai.id}/reset", {}, "/notifications")
    assert reset.status_code == 303
    assert db.scalar(select(DeliveryRule.id)) is None
    actions = db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.startswith("delivery_rule."))
        .order_by(AuditEvent.id)
    )
    assert list(actions) == ["delivery_rule.saved", "delivery_rule.reset"]


def test_a_bad_rule_is_refused_with_a_message_and_the_form_kept(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    lao_cai = units.find_by_code(db, "15")
    login(client, "lc.analyst")

    page = post_form(
        client,
        f"/notifications/rules/{lao_cai.id}",
        _rule_form(in_app="1", max_per_hour="0", cooldown_hours="7"),
        "/notifications",
    )
    assert page.status_code == 400
    assert "Số thông báo tối đa mỗi giờ phải là số nguyên từ 1 đến 100 (đã nhập “0”)." in page.text
    assert 'name="cooldown_hours" type="number" min="0" max="168" required value="7"' in page.text
    no_channel = post_form(
        client, f"/notifications/rules/{lao_cai.id}", _rule_form(), "/notifications"
    )
    assert no_channel.status_code == 400 and "Hãy chọn ít nhất một kênh nhận" in no_channel.text
    assert db.scalar(select(DeliveryRule.id)) is None


def test_rules_stay_within_scope_and_leaders_cannot_set_them(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "lc.leader", "leader", "15")
    ha_noi = units.find_by_code(db, "01")
    login(client, "lc.analyst")
    assert client.get("/notifications/rules", params={"unit": "01"}).status_code == 403
    refused = post_form(
        client, f"/notifications/rules/{ha_noi.id}", _rule_form(in_app="1"), "/notifications"
    )
    assert refused.status_code == 403
    ward = client.get("/notifications/rules", params={"unit": "04465"})
    assert ward.status_code == 200 and "Xã Khao Mang" in ward.text

    login(client, "lc.leader")
    assert client.get("/notifications/rules").status_code == 403
    assert client.get("/notifications").status_code == 200
    assert "Quy tắc nhận cảnh báo" not in client.get("/notifications").text


def test_the_account_page_keeps_an_email_address_checked(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    bad = post_form(client, "/account/email", {"email": "chuyen vien@laocai"}, "/account")
    assert bad.status_code == 400
    assert "Địa chỉ thư điện tử “chuyen vien@laocai” không hợp lệ" in bad.text
    assert 'value="chuyen vien@laocai"' in bad.text  # what was typed is not lost
    good = post_form(client, "/account/email", {"email": " ttdl@laocai.gov.vn "}, "/account")
    assert good.status_code == 303
    page = client.get("/account").text
    assert 'value="ttdl@laocai.gov.vn"' in page and "Đã lưu" not in page

    db.expire_all()
    user = db.scalar(select(User).where(User.username == "lc.analyst"))
    assert user is not None and user.email == "ttdl@laocai.gov.vn"
    post_form(client, "/account/email", {"email": ""}, "/account")
    db.expire_all()
    assert db.get(User, user.id).email is None  # type: ignore[union-attr]
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action == "user.email_changed"))
    assert len(list(actions)) == 2
