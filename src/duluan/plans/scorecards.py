"""Scorecards: the criteria a unit sets for the units below it each year, with weights, scored
from the platform's own data where a criterion says so, or by an inspector; one scorecard per
unit and year, the weighted total out of 100.

Computed criteria (each reaches 100 at the criterion's `target`):
- `reports_on_time`: the share (%) of the year's ended monthly periods for which the unit's
  report reached its parent by the parent's deadline;
- `coverage`: the share (%) of the unit's coverage targets met today;
- `surveys_run`: the number of surveys of the unit that opened in the year;
- `alerts_handled`: the share (%) of the year's alerts of the unit that someone acted on
  (acknowledged, dismissed with a reason, or escalated);
- `petitions_answered`: the share (%) of the unit's petitions due in the year that were answered.
A figure with nothing to count (no alerts, no petitions due) scores 100 and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound
from duluan.network import coverage, deadlines, periods
from duluan.network.models import Petition, ReportSchedule
from duluan.plans.models import CRITERION_SOURCES, Criterion, Score
from duluan.surveys.models import Survey
from duluan.warning.models import Alert

MAX_CRITERIA = 50
Boards = dict[tuple[int, str], deadlines.Board]  # (parent unit id, period) -> its board


@dataclass(frozen=True)
class Line:
    criterion: Criterion
    value: float | None  # 0-100; None while an inspector has not scored it
    figure: str
    note: str


@dataclass(frozen=True)
class Scorecard:
    unit: OrgUnit
    year: int
    lines: list[Line]

    @property
    def total(self) -> float | None:
        """The weighted score out of 100, once every criterion is scored."""
        values = [line.value for line in self.lines]
        if not values or any(v is None for v in values):
            return None
        weights = [line.criterion.weight for line in self.lines]
        return sum(v * w for v, w in zip(values, weights, strict=True) if v is not None) / sum(
            weights
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": {"code": self.unit.code, "name": self.unit.name},
            "year": self.year,
            "total": None if self.total is None else round(self.total, 1),
            "criteria": [
                {
                    "code": line.criterion.code,
                    "title": line.criterion.title,
                    "weight": line.criterion.weight,
                    "source": line.criterion.source,
                    "value": None if line.value is None else round(line.value, 1),
                    "figure": line.figure,
                    "note": line.note,
                }
                for line in self.lines
            ],
        }


def set_criterion(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    *,
    year: int,
    code: str,
    title: str,
    weight: float,
    source: str = "manual",
    target: float = 100.0,
) -> Criterion:
    """Add or change one criterion `unit` scores the units below it on for `year`."""
    actor.require("scorecards.manage", unit.path)
    code, title = code.strip()[:32], " ".join(title.split())[:500]
    if not code or not title:
        raise BadInput("plans.errors.criterion_required")
    if source not in CRITERION_SOURCES:
        raise BadInput("plans.errors.criterion_source", source=source)
    if not 0 < weight <= 100 or not 0 < target <= 1_000_000:
        raise BadInput("plans.errors.criterion_numbers")
    found = session.scalar(
        select(Criterion).where(
            Criterion.unit_id == unit.id, Criterion.year == year, Criterion.code == code
        )
    )
    if found is None:
        if len(criteria(session, unit, year)) >= MAX_CRITERIA:
            raise BadInput("plans.errors.too_many_criteria", maximum=MAX_CRITERIA)
        found = Criterion(unit_id=unit.id, year=year, code=code)
        session.add(found)
    found.title, found.weight, found.source, found.target = title, weight, source, target
    session.flush()
    audit.record(
        session, actor=actor, action="scorecard.criterion_set", target=code, unit_id=unit.id
    )
    return found


def criteria(session: Session, unit: OrgUnit, year: int) -> list[Criterion]:
    query = select(Criterion).where(Criterion.unit_id == unit.id, Criterion.year == year)
    return list(session.scalars(query.order_by(Criterion.id)))


def score(
    session: Session, actor: Actor, criterion: Criterion, unit: OrgUnit, value: float, note: str
) -> Score:
    """An inspector's score (0–100) of `unit` on a manual criterion, with the reason."""
    setter = session.get(OrgUnit, criterion.unit_id)
    actor.require("scorecards.manage", setter.path if setter else None)
    if setter is None or not unit.path.startswith(setter.path) or unit.id == setter.id:
        raise BadInput("plans.errors.not_scored_unit")
    if criterion.source != "manual":
        raise BadInput("plans.errors.computed_criterion")
    if not 0 <= value <= 100:
        raise BadInput("plans.errors.score_range")
    found = session.scalar(
        select(Score).where(Score.criterion_id == criterion.id, Score.unit_id == unit.id)
    )
    if found is None:
        found = Score(criterion_id=criterion.id, unit_id=unit.id)
        session.add(found)
    found.value, found.note, found.scored_by = value, note.strip()[:2000], actor.user_id or None
    found.scored_at = datetime.now(UTC)
    audit.record(
        session,
        actor=actor,
        action="scorecard.scored",
        target=f"{criterion.code}:{unit.code}",
        unit_id=unit.id,
        detail={"value": value},
    )
    return found


def scorecard(
    session: Session,
    actor: Actor,
    setter: OrgUnit,
    unit: OrgUnit,
    year: int,
    today: date,
    boards: Boards | None = None,
) -> Scorecard:
    """`unit`'s scorecard on the criteria `setter` set for `year`. `boards` keeps the parent's
    submission boards between the cards of sibling units (each board covers them all)."""
    actor.require("plans.view", unit.path)
    lines = []
    for criterion in criteria(session, setter, year):
        if criterion.source == "manual":
            given = session.scalar(
                select(Score).where(Score.criterion_id == criterion.id, Score.unit_id == unit.id)
            )
            value = given.value if given else None
            lines.append(Line(criterion, value, "", given.note if given else ""))
            continue
        share, figure = _measure(session, actor, criterion.source, unit, year, today, boards)
        value = min(100.0, 100.0 * share / criterion.target)
        lines.append(Line(criterion, value, figure, ""))
    return Scorecard(unit, year, lines)


def cards_below(
    session: Session, actor: Actor, setter: OrgUnit, year: int, today: date
) -> list[Scorecard]:
    """The scorecards of the units directly below `setter` on its criteria for `year`, by name
    (the side-by-side table the setter compares its units on)."""
    actor.require("plans.view", setter.path)
    below = session.scalars(
        select(OrgUnit).where(OrgUnit.parent_id == setter.id).order_by(OrgUnit.search_name)
    )
    boards: Boards = {}
    return [scorecard(session, actor, setter, unit, year, today, boards) for unit in below]


def criterion_of(session: Session, actor: Actor, criterion_id: int) -> Criterion:
    criterion = session.get(Criterion, criterion_id)
    setter = session.get(OrgUnit, criterion.unit_id) if criterion else None
    if criterion is None or setter is None or not actor.may("plans.view", setter.path):
        raise NotFound("plans.errors.criterion_unknown", id=criterion_id)
    return criterion


# --- Figures from the platform ------------------------------------------------------------------


def _measure(
    session: Session,
    actor: Actor,
    source: str,
    unit: OrgUnit,
    year: int,
    today: date,
    boards: Boards | None = None,
) -> tuple[float, str]:
    """(the figure in the criterion's unit: a percentage or a count, the figure in words)."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    if source == "reports_on_time":
        return _reports_on_time(session, actor, unit, year, today, {} if boards is None else boards)
    if source == "coverage":
        found = coverage.matrix(session, actor, unit)
        met = sum(1 for t in found.targets if not t.gap)
        return _share(met, len(found.targets))
    if source == "surveys_run":
        count = (
            session.scalar(
                select(func.count(Survey.id)).where(
                    Survey.unit_id == unit.id,
                    Survey.created_at >= start,
                    Survey.created_at < end,
                    Survey.status != "draft",
                )
            )
            or 0
        )
        return float(count), str(count)
    if source == "alerts_handled":
        rows = session.execute(
            select(Alert.state, func.count(Alert.id))
            .where(Alert.unit_id == unit.id, Alert.created_at >= start, Alert.created_at < end)
            .group_by(Alert.state)
        ).all()
        total = sum(n for _, n in rows)
        handled = sum(n for state, n in rows if state != "open")
        return _share(handled, total)
    if source == "petitions_answered":
        rows = session.execute(
            select(Petition.status, func.count(Petition.id))
            .join(OrgUnit, OrgUnit.id == Petition.unit_id)
            .where(
                OrgUnit.path.startswith(unit.path),
                Petition.due_on >= date(year, 1, 1),
                Petition.due_on <= min(date(year, 12, 31), today),
            )
            .group_by(Petition.status)
        ).all()
        total = sum(n for _, n in rows)
        return _share(sum(n for status, n in rows if status != "open"), total)
    raise BadInput("plans.errors.criterion_source", source=source)


def _reports_on_time(
    session: Session, actor: Actor, unit: OrgUnit, year: int, today: date, boards: Boards
) -> tuple[float, str]:
    parent = session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
    schedule = (
        session.scalar(
            select(ReportSchedule).where(
                ReportSchedule.unit_id == parent.id, ReportSchedule.cadence == "monthly"
            )
        )
        if parent
        else None
    )
    if parent is None or schedule is None:
        return _share(0, 0)
    ended = [
        f"{year}-{m:02d}"
        for m in range(1, 13)
        if periods.due_date("monthly", f"{year}-{m:02d}", schedule.due_day) < today
    ]
    on_time = 0
    for period in ended:
        key = (parent.id, period)
        if key not in boards:
            boards[key] = deadlines.board(session, actor, parent, schedule, period, today)
        board = boards[key]
        on_time += any(r.unit.id == unit.id and r.state == "on_time" for r in board.rows)
    return _share(on_time, len(ended))


def _share(part: int, whole: int) -> tuple[float, str]:
    if whole == 0:
        return 100.0, "0/0"
    return 100.0 * part / whole, f"{part}/{whole}"
