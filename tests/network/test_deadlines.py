"""Reporting deadlines: the submission board per child unit (on time, late, missing, not yet
due) and reminders before the deadline, each user once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.db.engine import session_factory
from duluan.errors import BadInput, PermissionDenied
from duluan.jobs import reminders
from duluan.network import deadlines, field_reports
from duluan.network.field_reports import Draft, Stream
from duluan.warning.notifications import Notification
from tests.conftest import make_user

SA_PA, BAO_YEN, BAC_HA = "03006", "02947", "02839"


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _monthly(db: Session, actor: Actor, commune: str, period: str, at: datetime) -> None:
    draft = Draft(
        instance_id=f"uuid:{commune}-{period}-{at:%d}",
        kind="periodic",
        cadence="monthly",
        period=period,
        streams=(Stream("Bà con bàn về giá phân bón."),),
    )
    report, _ = field_reports.submit(db, actor, units.find_by_code(db, commune), draft)
    report.submitted_at = at
    db.commit()


def test_the_board_shows_which_communes_are_on_time_late_or_missing(db: Session) -> None:
    province = _actor(db, "lc.analyst", "analyst", "15")
    lao_cai = units.find_by_code(db, "15")
    schedule = deadlines.set_schedule(db, province, lao_cai, cadence="monthly", due_day=20)
    sa_pa, bao_yen = _actor(db, "sapa", "analyst", SA_PA), _actor(db, "baoyen", "analyst", BAO_YEN)
    # Sa Pa sends on 20 October at 23:00 in Vietnam (16:00 UTC): on time; Bảo Yên on the 21st.
    _monthly(db, sa_pa, SA_PA, "2026-10", datetime(2026, 10, 20, 16, 0, tzinfo=UTC))
    _monthly(db, bao_yen, BAO_YEN, "2026-10", datetime(2026, 10, 20, 17, 30, tzinfo=UTC))
    _monthly(db, sa_pa, SA_PA, "2026-10", datetime(2026, 10, 25, 3, 0, tzinfo=UTC))  # a second

    board = deadlines.board(db, province, lao_cai, schedule, "2026-10", today=date(2026, 11, 2))

    states = {row.unit.code: (row.state, row.reports) for row in board.rows}
    assert states[SA_PA] == ("on_time", 2)
    assert states[BAO_YEN] == ("late", 1)
    assert states[BAC_HA] == ("missing", 0)
    assert board.counts() == {"on_time": 1, "late": 1, "missing": 99 - 2, "pending": 0}
    assert board.due == date(2026, 10, 20)
    before = deadlines.board(db, province, lao_cai, schedule, "2026-11", today=date(2026, 11, 2))
    assert before.counts()["pending"] == 99
    assert board.to_json()["units"][0].keys() == {
        "code",
        "name",
        "state",
        "submitted_on",
        "reports",
    }


def test_schedules_are_checked_and_kept_per_cadence(db: Session) -> None:
    province = _actor(db, "lc.analyst", "analyst", "15")
    leader = _actor(db, "lc.leader", "leader", "15")
    lao_cai = units.find_by_code(db, "15")

    with pytest.raises(BadInput):
        deadlines.set_schedule(db, province, lao_cai, cadence="weekly", due_day=5)
    with pytest.raises(BadInput):
        deadlines.set_schedule(db, province, lao_cai, cadence="monthly", due_day=32)
    with pytest.raises(PermissionDenied):
        deadlines.set_schedule(db, leader, lao_cai, cadence="monthly", due_day=20)
    deadlines.set_schedule(db, province, lao_cai, cadence="quarterly", due_day=25)
    deadlines.set_schedule(db, province, lao_cai, cadence="monthly", due_day=20)
    deadlines.set_schedule(db, province, lao_cai, cadence="monthly", due_day=18)

    assert [(s.cadence, s.due_day) for s in deadlines.schedules(db, lao_cai)] == [
        ("monthly", 18),
        ("quarterly", 25),
    ]


def test_reminders_go_before_the_deadline_to_units_that_have_not_reported_once(
    db: Session,
) -> None:
    province = _actor(db, "lc.analyst", "analyst", "15")
    lao_cai = units.find_by_code(db, "15")
    deadlines.set_schedule(db, province, lao_cai, cadence="monthly", due_day=20, remind_days=3)
    sa_pa, bao_yen = _actor(db, "sapa", "analyst", SA_PA), _actor(db, "baoyen", "analyst", BAO_YEN)
    _monthly(db, sa_pa, SA_PA, "2026-11", datetime(2026, 11, 10, 3, 0, tzinfo=UTC))

    assert deadlines.remind(db, date(2026, 11, 16)) == 0  # 4 days before: too early
    assert deadlines.remind(db, date(2026, 11, 17)) == 1  # only Bảo Yên's analyst has an account
    db.commit()
    assert deadlines.remind(db, date(2026, 11, 18)) == 0  # once
    assert deadlines.remind(db, date(2026, 11, 21)) == 0  # past the deadline

    note = db.scalars(select(Notification).where(Notification.kind == "reminder")).one()
    assert note.user_id == bao_yen.user_id
    assert note.link == "/network/reports/new?cadence=monthly&period=2026-11"
    assert "2026-11" in note.text and "20/11/2026" in note.text


def test_the_hourly_reminders_job_reminds_once_a_day(db: Session, engine: Engine) -> None:
    province = _actor(db, "lc.analyst", "analyst", "15")
    deadlines.set_schedule(
        db, province, units.find_by_code(db, "15"), cadence="monthly", due_day=20
    )
    _actor(db, "baoyen", "analyst", BAO_YEN)
    db.commit()
    at = {"at": datetime(2026, 11, 18, 2, 0, tzinfo=UTC).isoformat()}
    steps: list[tuple[int, int | None]] = []

    first = reminders.remind_job(session_factory(engine), at, lambda d, t: steps.append((d, t)))
    again = reminders.remind_job(session_factory(engine), at, lambda d, t: None)

    assert first == {"report_reminders": 1, "task_reminders": 0} and steps == [(1, 1)]
    assert again == {"report_reminders": 0, "task_reminders": 0}
