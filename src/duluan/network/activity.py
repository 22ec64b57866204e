"""Activity of a unit's network: for each active collaborator, reports over the last periods,
the share sent on time, the last one, and whether they have gone quiet for long enough to need
follow-up or replacement, as the plans ask.

The deadline a collaborator meets is the schedule of their managing unit for the cadence (or of
the nearest unit above it that has one); without any, the end of the period. Only periods that
have ended, from the one the collaborator joined in, are counted.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.analysis.rollups import day_of
from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.network import periods, roster
from duluan.network.models import Collaborator, FieldReport, ReportSchedule

DEFAULT_PERIODS = 6
DEFAULT_QUIET = 2  # periods in a row without a report before a collaborator is flagged


@dataclass(frozen=True)
class Activity:
    collaborator: Collaborator
    periods: int  # ended periods counted (since joining, at most the window)
    reported: int  # of those, periods with a periodic report
    on_time: int  # of those, periods whose first report came by the deadline
    urgent: int  # urgent reports in the window
    last_report: datetime | None
    quiet: int  # the latest ended periods in a row without a report
    flagged: bool

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.periods if self.periods else None


def activity(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    *,
    today: date,
    cadence: str = "monthly",
    window: int = DEFAULT_PERIODS,
    quiet_after: int = DEFAULT_QUIET,
    status: str | None = "active",
) -> list[Activity]:
    """Activity of the collaborators managed by `unit` and below (the active ones, or those of
    another `status`, or all with None), over the last `window` ended periods of `cadence`."""
    collaborators = roster.roster(session, actor, unit, status=status)
    ended = [
        periods.previous(cadence, periods.period_of(cadence, today), k)
        for k in range(1, window + 1)
    ]
    reports = _reports(session, [c.id for c in collaborators], cadence, ended)
    due_days = _due_days(session, {c.unit_id for c in collaborators}, cadence)
    found = []
    for collaborator in collaborators:
        mine = reports.get(collaborator.id, [])
        counted = [p for p in ended if _start(cadence, p) >= _month_start(collaborator.joined_on)]
        firsts: dict[str, datetime] = {}
        for report in mine:
            if report.kind == "periodic" and report.submitted_at is not None:
                at = firsts.get(report.period)
                firsts[report.period] = min(at, report.submitted_at) if at else report.submitted_at
        due_day = due_days.get(collaborator.unit_id)
        on_time = sum(
            1
            for p in counted
            if p in firsts and day_of(firsts[p]) <= _deadline(cadence, p, due_day)
        )
        quiet = 0
        for p in counted:  # newest first
            if p in firsts:
                break
            quiet += 1
        found.append(
            Activity(
                collaborator=collaborator,
                periods=len(counted),
                reported=sum(p in firsts for p in counted),
                on_time=on_time,
                urgent=sum(r.kind == "urgent" for r in mine),
                last_report=max((r.submitted_at for r in mine if r.submitted_at), default=None),
                quiet=quiet,
                flagged=quiet >= quiet_after,
            )
        )
    return found


def _reports(
    session: Session, collaborator_ids: list[int], cadence: str, ended: list[str]
) -> dict[int, list[FieldReport]]:
    year, first, _ = periods.months(cadence, ended[-1])
    since = f"{year}-{first:02d}"
    query = select(FieldReport).where(
        FieldReport.collaborator_id.in_(collaborator_ids),
        FieldReport.status == "submitted",
        ((FieldReport.kind == "periodic") & FieldReport.period.in_(ended))
        | ((FieldReport.kind == "urgent") & (FieldReport.period >= since)),
    )
    found: dict[int, list[FieldReport]] = defaultdict(list)
    for report in session.scalars(query):
        if report.collaborator_id is not None:
            found[report.collaborator_id].append(report)
    return found


def _due_days(session: Session, unit_ids: set[int], cadence: str) -> dict[int, int]:
    """{managing unit id: due day} from the nearest schedule of the cadence at or above it."""
    found = {}
    for unit_id in unit_ids:
        unit = session.get(OrgUnit, unit_id)
        if unit is None:
            continue
        chain = [unit.id, *(u.id for u in reversed(units.ancestors(session, unit)))]
        schedules = {
            s.unit_id: s.due_day
            for s in session.scalars(
                select(ReportSchedule).where(
                    ReportSchedule.unit_id.in_(chain),
                    ReportSchedule.cadence == cadence,
                    ReportSchedule.active.is_(True),
                )
            )
        }
        nearest = next((schedules[i] for i in chain if i in schedules), None)
        if nearest is not None:
            found[unit_id] = nearest
    return found


def _deadline(cadence: str, period: str, due_day: int | None) -> date:
    if due_day is not None:
        return periods.due_date(cadence, period, due_day)
    year, _, last = periods.months(cadence, period)
    return date(year, last, calendar.monthrange(year, last)[1])


def _start(cadence: str, period: str) -> date:
    year, first, _ = periods.months(cadence, period)
    return date(year, first, 1)


def _month_start(day: date) -> date:
    return day.replace(day=1)
