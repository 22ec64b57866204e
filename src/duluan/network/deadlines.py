"""Reporting deadlines: each unit's schedule for the periodic reports its child units owe it,
the submission board (per child unit: on time, late, missing, not yet due) and the reminders
sent before a deadline.

A child unit has reported for a period when a periodic report of the schedule's cadence for that
period was filed to it, by its staff or its collaborators (a unit further down reports to its own
parent, whose report — consolidated or not — is what counts one level up). On time means
submitted by the end of the due day, Vietnamese time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.analysis.rollups import day_of
from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput
from duluan.i18n import stored_text
from duluan.network import periods
from duluan.network.models import CADENCES, FieldReport, ReportSchedule
from duluan.warning import delivery

MAX_REMIND_DAYS = 15
BOARD_STATES = ("on_time", "late", "missing", "pending")


@dataclass(frozen=True)
class BoardRow:
    unit: OrgUnit
    state: str  # one of BOARD_STATES
    submitted_on: date | None
    reports: int


@dataclass(frozen=True)
class Board:
    cadence: str
    period: str
    due: date
    rows: list[BoardRow]

    def counts(self) -> dict[str, int]:
        return {state: sum(r.state == state for r in self.rows) for state in BOARD_STATES}

    def to_json(self) -> dict[str, Any]:
        return {
            "cadence": self.cadence,
            "period": self.period,
            "due": self.due.isoformat(),
            "counts": self.counts(),
            "units": [
                {
                    "code": r.unit.code,
                    "name": r.unit.name,
                    "state": r.state,
                    "submitted_on": r.submitted_on.isoformat() if r.submitted_on else None,
                    "reports": r.reports,
                }
                for r in self.rows
            ],
        }


def set_schedule(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    *,
    cadence: str,
    due_day: int,
    remind_days: int = 3,
    active: bool = True,
) -> ReportSchedule:
    """Set when `unit`'s child units owe it their reports of `cadence`."""
    actor.require("network.manage", unit.path)
    if cadence not in CADENCES:
        raise BadInput("network.errors.cadence", cadence=cadence)
    if not 1 <= due_day <= 31:
        raise BadInput("network.errors.due_day")
    if not 0 <= remind_days <= MAX_REMIND_DAYS:
        raise BadInput("network.errors.remind_days", maximum=MAX_REMIND_DAYS)
    schedule = session.scalar(
        select(ReportSchedule).where(
            ReportSchedule.unit_id == unit.id, ReportSchedule.cadence == cadence
        )
    )
    if schedule is None:
        schedule = ReportSchedule(unit_id=unit.id, cadence=cadence)
        session.add(schedule)
    schedule.due_day, schedule.remind_days, schedule.active = due_day, remind_days, active
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="network.schedule_set",
        target=cadence,
        unit_id=unit.id,
        detail={"due_day": due_day, "remind_days": remind_days, "active": active},
    )
    return schedule


def schedules(session: Session, unit: OrgUnit) -> list[ReportSchedule]:
    query = select(ReportSchedule).where(ReportSchedule.unit_id == unit.id)
    return sorted(session.scalars(query), key=lambda s: CADENCES.index(s.cadence))


def board(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    schedule: ReportSchedule,
    period: str,
    today: date,
) -> Board:
    """Per child unit of `unit`, whether it reported for `period` on time."""
    actor.require("network.view", unit.path)
    period = periods.check(schedule.cadence, period)
    due = periods.due_date(schedule.cadence, period, schedule.due_day)
    children = list(
        session.scalars(
            select(OrgUnit)
            .where(OrgUnit.parent_id == unit.id, OrgUnit.is_active.is_(True))
            .order_by(OrgUnit.search_name)
        )
    )
    firsts = _first_reports(session, [c.id for c in children], schedule.cadence, period)
    rows = []
    for child in children:
        first, count = firsts.get(child.id, (None, 0))
        submitted_on = day_of(first) if first else None
        if submitted_on is not None:
            state = "on_time" if submitted_on <= due else "late"
        else:
            state = "missing" if today > due else "pending"
        rows.append(BoardRow(child, state, submitted_on, count))
    return Board(schedule.cadence, period, due, rows)


def board_for(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    cadence: str,
    period: str,
    today: date | None = None,
) -> Board:
    """`board` by the unit's schedule of `cadence` (BadInput when it has none in force), as of
    `today` (Vietnamese time when not given)."""
    actor.require("network.view", unit.path)
    found = next((s for s in schedules(session, unit) if s.cadence == cadence and s.active), None)
    if found is None:
        raise BadInput("field_reports.errors.no_schedule", unit=unit.name, cadence=cadence)
    return board(session, actor, unit, found, period, today or day_of(utcnow()))


def _first_reports(
    session: Session, unit_ids: list[int], cadence: str, period: str
) -> dict[int, tuple[datetime, int]]:
    """{unit id: (first submission time, number of reports)} of the periodic reports for the
    period filed to these units."""
    rows = session.execute(
        select(FieldReport.unit_id, func.min(FieldReport.submitted_at), func.count(FieldReport.id))
        .where(
            FieldReport.unit_id.in_(unit_ids),
            FieldReport.kind == "periodic",
            FieldReport.cadence == cadence,
            FieldReport.period == period,
            FieldReport.status == "submitted",
        )
        .group_by(FieldReport.unit_id)
    )
    return {unit_id: (first, count) for unit_id, first, count in rows if first is not None}


# --- Reminders ----------------------------------------------------------------------------------


def remind(session: Session, today: date) -> int:
    """Notify the staff of each child unit that has not yet reported for a period whose
    deadline is `remind_days` or fewer days away; each user once per unit and period. Returns
    the number of notifications made."""
    made = 0
    for schedule in session.scalars(select(ReportSchedule).where(ReportSchedule.active.is_(True))):
        period = periods.period_of(schedule.cadence, today)
        due = periods.due_date(schedule.cadence, period, schedule.due_day)
        if not timedelta(0) <= due - today <= timedelta(days=schedule.remind_days):
            continue
        parent = session.get(OrgUnit, schedule.unit_id)
        if parent is None:
            continue
        made += _remind_children(session, parent, schedule, period, due)
    return made


def _remind_children(
    session: Session, parent: OrgUnit, schedule: ReportSchedule, period: str, due: date
) -> int:
    children = list(
        session.scalars(
            select(OrgUnit).where(OrgUnit.parent_id == parent.id, OrgUnit.is_active.is_(True))
        )
    )
    firsts = _first_reports(session, [c.id for c in children], schedule.cadence, period)
    waiting = [c for c in children if c.id not in firsts]
    link = f"/network/reports/new?cadence={schedule.cadence}&period={period}"
    text = stored_text(
        "notifications.reminder_text", period=period, due=f"{due:%d/%m/%Y}", unit=parent.name
    )
    return sum(delivery.remind_once(session, child.id, link, text) for child in waiting)
