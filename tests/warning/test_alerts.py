"""Alerts as analysts see them: only within scope, states that move forward only and are audited,
and an explanation read from the documents of the alert's window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.analysis.rollups import hour_of
from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound
from duluan.i18n import translate
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.models import Document
from duluan.ingest.service import store_items
from duluan.warning import alerts, synthetic
from duluan.warning.alerts import top_keywords
from duluan.warning.detect import detect
from duluan.warning.models import Alert
from tests.conftest import make_user
from tests.warning.conftest import END, Loader

LAND = synthetic.SeriesSpec("land_projects", "15", per_hour=8.0)
SCHOOLS = synthetic.SeriesSpec("education", "01", per_hour=8.0)
BURST = synthetic.InjectedEvent("land_projects", "15", END - timedelta(hours=3), 6, size=5.0)
WINDOW_START = hour_of(datetime.now(UTC)) - timedelta(hours=3)
WINDOW_END = WINDOW_START + timedelta(hours=2)
LAND_TEXTS = [
    "Người dân xã Bảo Yên, tỉnh Lào Cai phản đối việc thu hồi đất làm dự án, bồi thường giải "
    "phóng mặt bằng quá thấp.",
    "Dự án khu đô thị ở Lào Cai: bồi thường đất chưa thỏa đáng, người dân khiếu nại đông người.",
    "Giải phóng mặt bằng ở Lào Cai: dân bức xúc vì bồi thường đất thấp.",
]
FLOOD = "Mưa lũ gây sạt lở đất, nhiều hộ dân ở Lào Cai phải sơ tán khẩn cấp trong đêm."


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def add_alert(db: Session, unit: str = "15", **values: object) -> Alert:
    """An open volume-burst alert on land in Lào Cai over the test window; commit."""
    fields: dict[str, object] = {
        "detector": "volume_burst",
        "topic": "land_projects",
        "province_code": "15",
        "window_start": WINDOW_START,
        "window_end": WINDOW_END,
        "observed": 24.0,
        "expected": 6.0,
        "significance": 1e-6,
        "documents": 24,
        **values,
    }
    alert = Alert(unit_id=units.find_by_code(db, unit).id, state="open", **fields)
    db.add(alert)
    db.commit()
    return alert


def store(db: Session, unit: str, texts: list[str], at: datetime, name: str) -> list[Document]:
    """Documents through the real store pipeline, published a minute apart from `at`."""
    source = sources.add_source(db, None, unit=units.find_by_code(db, unit), kind="push", name=name)
    items = [
        Item(text=text, external_id=f"{name}-{i}", published_at=at - timedelta(minutes=i))
        for i, text in enumerate(texts)
    ]
    store_items(db, source, items, secret="k" * 40)
    db.commit()
    return list(db.scalars(select(Document).where(Document.source_id == source.id)))


def _events(db: Session) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action.startswith("alert."))
    return list(db.scalars(query.order_by(AuditEvent.id)))


def test_detected_alerts_are_listed_only_within_scope(db: Session, load: Loader) -> None:
    load([LAND, SCHOOLS], [BURST])
    found = detect(db, END + timedelta(minutes=20))
    db.commit()
    lao_cai = _actor(db, "lc.analyst", "analyst", "15")
    hanoi = _actor(db, "hn.analyst", "analyst", "01")
    collaborator = _actor(db, "lc.ctv", "collaborator", "15")

    assert [a.id for a in alerts.visible_alerts(db, lao_cai)] == [found[0].id]
    assert alerts.visible_alerts(db, lao_cai, "dismissed") == []
    assert alerts.open_count(db, lao_cai) == 1
    assert alerts.get_alert(db, lao_cai, found[0].id).topic == "land_projects"
    assert alerts.visible_alerts(db, hanoi) == [] and alerts.open_count(db, hanoi) == 0
    assert alerts.visible_alerts(db, collaborator) == []  # no warning.view: nothing
    with pytest.raises(NotFound):
        alerts.get_alert(db, hanoi, found[0].id)
    with pytest.raises(BadInput):
        alerts.visible_alerts(db, lao_cai, "closed")


def test_states_move_forward_only_and_each_step_is_audited(db: Session) -> None:
    alert = add_alert(db)
    leader = _actor(db, "lc.leader", "leader", "15")

    alerts.acknowledge(db, leader, alert.id)
    with pytest.raises(BadInput) as twice:
        alerts.acknowledge(db, leader, alert.id)
    alerts.dismiss(db, leader, alert.id, "  Tin cũ,\n đã được xác minh  ")
    with pytest.raises(BadInput) as late:
        alerts.acknowledge(db, leader, alert.id)
    with pytest.raises(BadInput):
        alerts.dismiss(db, leader, alert.id, "lần nữa")
    db.commit()

    assert twice.value.key == late.value.key == "errors.alert_cannot_acknowledge"
    assert "Chỉ ghi nhận được cảnh báo đang mở" in translate(late.value.key, "vi")
    db.refresh(alert)
    assert alert.state == "dismissed" and alert.dismiss_reason == "Tin cũ, đã được xác minh"
    events = _events(db)
    assert [(e.action, e.target, e.actor_name) for e in events] == [
        ("alert.acknowledged", f"alert:{alert.id}", "lc.leader"),
        ("alert.dismissed", f"alert:{alert.id}", "lc.leader"),
    ]
    assert events[1].unit_id == alert.unit_id
    assert events[1].detail == {"from": "acknowledged", "reason": "Tin cũ, đã được xác minh"}
    assert [e.action for e in alerts.history(db, alert)] == [e.action for e in events]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Cần ghi lý do bỏ qua cảnh báo."),
        ("   \n ", "Cần ghi lý do bỏ qua cảnh báo."),
        ("x" * 501, "Lý do bỏ qua cảnh báo dài tối đa 500 ký tự."),
    ],
)
def test_a_dismissal_needs_a_short_reason(db: Session, reason: str, message: str) -> None:
    alert = add_alert(db)
    analyst = _actor(db, "lc.analyst", "analyst", "15")

    with pytest.raises(BadInput) as refused:
        alerts.dismiss(db, analyst, alert.id, reason)
    db.rollback()

    assert translate(refused.value.key, "vi", **refused.value.params) == message
    db.refresh(alert)
    assert alert.state == "open" and alert.dismiss_reason is None
    assert _events(db) == []


def test_an_alert_of_another_province_cannot_be_handled(db: Session) -> None:
    alert = add_alert(db)
    hanoi = _actor(db, "hn.analyst", "analyst", "01")
    with pytest.raises(NotFound):
        alerts.acknowledge(db, hanoi, alert.id)
    with pytest.raises(NotFound):
        alerts.dismiss(db, hanoi, alert.id, "không liên quan")
    db.rollback()
    db.refresh(alert)
    assert alert.state == "open" and _events(db) == []


def test_explanation_reads_the_documents_of_the_window_topic_and_province(db: Session) -> None:
    inside = WINDOW_START + timedelta(minutes=30)
    land = store(db, "15", LAND_TEXTS, inside, "Báo Lào Cai")
    store(db, "15", [FLOOD], inside, "Báo Lào Cai 2")  # another topic
    store(db, "15", LAND_TEXTS[:1], WINDOW_START - timedelta(hours=2), "Cũ")  # before the window
    store(db, "01", LAND_TEXTS[1:], inside, "Báo Hà Nội")  # another unit
    alert = add_alert(db)

    explanation = alerts.explain(db, alert)

    assert explanation.documents == 3
    assert [s.id for s in explanation.samples] == [d.id for d in land]  # newest first
    assert explanation.samples[0].title.startswith("Người dân xã Bảo Yên")
    words = dict(explanation.keywords)
    assert words.get("giải phóng") == 2
    assert "người dân" not in words and "sơ tán" not in words


def test_a_commune_alert_is_explained_by_the_documents_naming_the_commune(db: Session) -> None:
    inside = WINDOW_START + timedelta(minutes=30)
    land = store(db, "15", LAND_TEXTS, inside, "Báo Lào Cai")  # only the first names Bảo Yên
    alert = add_alert(db, commune_code="02947")

    explanation = alerts.explain(db, alert)

    assert explanation.documents == 1
    assert [s.id for s in explanation.samples] == [land[0].id]


def test_top_keywords_count_documents_and_leave_out_common_words() -> None:
    lists = [["Người dân", "đất đai", "Đất đai", "2025"], ["người dân", "đất đai"], None, ["lũ"]]
    assert top_keywords(lists) == [("đất đai", 2), ("lũ", 1)]
