"""Hotspot cases and playbooks: escalation from an alert, steps copied from the playbook, notes
masked, statuses, assignment within scope, every change on the timeline and in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.warning import cases, playbooks
from duluan.warning.models import Alert, Playbook
from duluan.warning.notifications import Notification
from tests.conftest import make_user
from tests.warning.test_alerts import LAND_TEXTS, WINDOW_START, add_alert, store


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _template(db: Session, kind: str) -> Playbook:
    return db.scalars(
        select(Playbook).where(Playbook.kind == kind, Playbook.unit_id.is_(None))
    ).one()


def test_the_shared_templates_ship_with_their_steps(db: Session) -> None:
    shipped = db.scalars(select(Playbook).where(Playbook.unit_id.is_(None))).all()
    assert {p.kind for p in shipped} == {
        "land_dispute",
        "environment",
        "disaster",
        "public_order",
        "general",
    }
    land = _template(db, "land_dispute")
    assert land.steps[0].title.startswith("Xác minh") and land.steps[0].due_hours == 24
    assert [s.position for s in land.steps] == list(range(1, len(land.steps) + 1))


def test_escalating_an_alert_opens_a_case_following_the_playbook(db: Session) -> None:
    docs = store(db, "15", LAND_TEXTS, WINDOW_START + timedelta(minutes=50), "land")
    alert = add_alert(db)
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    shown = playbooks.visible_playbooks(db, analyst, active_only=True)
    suggested = playbooks.suggested(shown, alert.topic)
    assert suggested is not None and suggested.kind == "land_dispute"
    before = datetime.now(UTC)

    case = cases.escalate(
        db, analyst, alert.id, title="Thu hồi đất ở Bảo Yên", playbook_id=suggested.id
    )
    db.commit()

    assert db.get(Alert, alert.id).state == "escalated"  # type: ignore[union-attr]
    assert case.status == "open" and case.unit_id == alert.unit_id
    assert (case.topic, case.province_code) == ("land_projects", "15")
    assert [s.title for s in case.steps] == [s.title for s in suggested.steps]
    first = case.steps[0]
    assert first.state == "todo" and first.due_at is not None
    assert timedelta(hours=23) < first.due_at - before < timedelta(hours=25)
    assert {d.id for d in cases.documents(db, case)} == {d.id for d in docs}
    assert [a.id for a in cases.linked_alerts(db, case)] == [alert.id]
    assert [e.kind for e in cases.timeline(db, case)] == ["alert_linked", "opened"]
    assert cases.case_of_alert(db, alert) == case.id
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert {"case.opened", "alert.escalated", "case.alert_linked"} <= set(actions)

    with pytest.raises(BadInput):  # an escalated alert cannot be escalated again
        cases.escalate(db, analyst, alert.id, title="Lần nữa")


def test_a_second_alert_joins_the_open_case(db: Session) -> None:
    first = add_alert(db)
    second = add_alert(db, detector="negative_share", observed=0.8, expected=0.3)
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    case = cases.escalate(db, analyst, first.id, title="Đất đai Lào Cai")
    db.commit()

    assert [c.id for c in cases.open_cases_like(db, analyst, second)] == [case.id]
    joined = cases.escalate(db, analyst, second.id, case_id=case.id)
    db.commit()

    assert joined.id == case.id
    assert {a.id for a in cases.linked_alerts(db, case)} == {first.id, second.id}


def test_steps_notes_status_and_closing(db: Session) -> None:
    alert = add_alert(db)
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    land = _template(db, "land_dispute")
    case = cases.escalate(db, analyst, alert.id, title="Đất đai", playbook_id=land.id)
    db.commit()
    step = case.steps[0]

    cases.update_step(db, analyst, case.id, step.id, "done", "CTV xác nhận, gọi 0912 345 678")
    db.commit()
    assert step.state == "done" and step.done_by == analyst.user_id
    assert "0912 345 678" not in step.note and "[SĐT]" in step.note
    assert case.status == "in_progress"  # the first step done moves the case on

    with pytest.raises(BadInput):  # skipping says why
        cases.update_step(db, analyst, case.id, case.steps[1].id, "skipped", "  ")
    db.rollback()
    cases.update_step(db, analyst, case.id, case.steps[1].id, "skipped", "Không cần")
    cases.add_note(db, analyst, case.id, "Người dân tập trung tại trụ sở xã, số CCCD 001203004005")
    db.commit()
    note = next(e for e in cases.timeline(db, case) if e.kind == "note")
    assert "001203004005" not in note.text

    with pytest.raises(BadInput):  # closing needs a summary
        cases.set_status(db, analyst, case.id, "closed")
    db.rollback()
    cases.set_status(
        db, analyst, case.id, "closed", "Đã đối thoại, công khai phương án bồi thường."
    )
    db.commit()
    assert case.status == "closed" and case.closed_at is not None
    with pytest.raises(BadInput):  # a closed case takes no more changes
        cases.add_note(db, analyst, case.id, "muộn")
    kinds = [e.kind for e in cases.timeline(db, case)]
    assert kinds[:2] == ["status", "note"] and kinds.count("status") == 2


def test_scope_assignment_and_documents(db: Session) -> None:
    alert = add_alert(db)
    other = add_alert(db, unit="01", province_code="01", topic="education")
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    hanoi = _actor(db, "hn.analyst", "analyst", "01")
    collaborator = _actor(db, "lc.ctv", "collaborator", "15")
    case = cases.escalate(db, analyst, alert.id, title="Đất đai")
    db.commit()

    with pytest.raises(NotFound):
        cases.get_case(db, hanoi, case.id)
    assert cases.visible_cases(db, hanoi) == []
    with pytest.raises(NotFound):  # another province's alert is not even visible
        cases.escalate(db, analyst, other.id, title="x")
    with pytest.raises(NotFound):  # collaborators do not see alerts
        cases.escalate(db, collaborator, alert.id, title="x")

    province = units.find_by_code(db, "15")
    wards = cases.assignable_units(db, analyst, province.id)
    assert wards[0].id == province.id and len(wards) > 10
    assert all(w.path.startswith(province.path) for w in wards)
    ward = wards[1]
    cases.assign(db, analyst, case.id, ward.id)
    db.commit()
    assert case.unit_id == ward.id
    ward_analyst = _actor(db, "ward.analyst", "analyst", ward.code)
    assert [c.id for c in cases.visible_cases(db, ward_analyst)] == [case.id]
    with pytest.raises(BadInput):  # Hà Nội is outside the analyst's scope
        cases.assign(db, analyst, case.id, units.find_by_code(db, "01").id)

    doc = store(db, "01", ["Phụ huynh Hà Nội phản ánh học phí tăng."], WINDOW_START, "hn")[0]
    with pytest.raises(NotFound):  # a document outside scope cannot be added
        cases.add_document(db, analyst, case.id, doc.id)
    mine = store(db, "15", LAND_TEXTS[:1], WINDOW_START, "lc")[0]
    assert cases.add_document(db, analyst, case.id, mine.id) is True
    assert cases.add_document(db, analyst, case.id, mine.id) is False  # stored once


def test_playbooks_are_written_per_unit_and_templates_stay_read_only(db: Session) -> None:
    admin = _actor(db, "lc.admin", "admin", "15")
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    hanoi = _actor(db, "hn.admin", "admin", "01")
    province = units.find_by_code(db, "15")
    steps = "Xác minh | qua cộng tác viên | 12\n\nThông báo UBND xã\nĐăng tin | | 48"

    mine = playbooks.save(
        db,
        admin,
        playbook_id=None,
        unit_id=province.id,
        kind="land_dispute",
        name="Đất đai Lào Cai",
        description="",
        steps=steps,
    )
    db.commit()

    assert [(s.title, s.guidance, s.due_hours) for s in mine.steps] == [
        ("Xác minh", "qua cộng tác viên", 12),
        ("Thông báo UBND xã", "", None),
        ("Đăng tin", "", 48),
    ]
    assert playbooks.parse_steps(playbooks.steps_text(mine)) == playbooks.parse_steps(steps)
    assert playbooks.suggested(playbooks.visible_playbooks(db, analyst), "land_projects") == mine
    assert mine not in playbooks.visible_playbooks(db, hanoi)
    assert not playbooks.may_edit(db, admin, _template(db, "general"))
    assert not playbooks.may_edit(db, analyst, mine)
    with pytest.raises(NotFound):  # not even visible to another province
        playbooks.save(
            db,
            hanoi,
            playbook_id=mine.id,
            unit_id=units.find_by_code(db, "01").id,
            kind="general",
            name="x",
            description="",
            steps="a",
        )
    db.rollback()
    with pytest.raises(PermissionDenied):  # analysts follow playbooks; admins write them
        playbooks.save(
            db,
            analyst,
            playbook_id=None,
            unit_id=province.id,
            kind="general",
            name="x",
            description="",
            steps="a",
        )
    db.rollback()
    with pytest.raises(BadInput) as bad:
        playbooks.parse_steps("Một\nHai | a | b | c")
    assert bad.value.params == {"line": 2}
    with pytest.raises(BadInput):
        playbooks.parse_steps("Bước | | mười")

    edited = playbooks.save(
        db,
        admin,
        playbook_id=mine.id,
        unit_id=province.id,
        kind="land_dispute",
        name="Đất đai Lào Cai (sửa)",
        description="",
        steps="Chỉ một bước",
    )
    db.commit()
    assert [s.title for s in edited.steps] == ["Chỉ một bước"]


def test_the_unit_a_case_is_assigned_to_is_notified_in_the_app(db: Session) -> None:
    alert = add_alert(db)
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    colleague = _actor(db, "lc.leader", "leader", "15")
    province = units.find_by_code(db, "15")
    ward = cases.assignable_units(db, analyst, province.id)[1]
    ward_staff = _actor(db, "ward.analyst", "analyst", ward.code)
    _actor(db, "ward.ctv", "collaborator", ward.code)  # collaborators are not told

    case = cases.escalate(db, analyst, alert.id, title="Thu hồi đất")
    db.commit()
    assert _notified(db) == [(colleague.user_id, case.id)]  # not the analyst who opened it

    cases.assign(db, analyst, case.id, ward.id)
    db.commit()

    assert _notified(db)[1:] == [(ward_staff.user_id, case.id)]
    told = db.scalars(select(Notification).where(Notification.kind == "case")).all()[-1]
    assert told.link == f"/warning/cases/{case.id}" and "Thu hồi đất" in told.text
    assert told.in_app and told.email_state == "none"


def _notified(db: Session) -> list[tuple[int, int | None]]:
    rows = db.execute(
        select(Notification.user_id, Notification.case_id)
        .where(Notification.kind == "case")
        .order_by(Notification.id)
    )
    return [(user_id, case_id) for user_id, case_id in rows]
