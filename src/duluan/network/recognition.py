"""The yearly recognition summary (*thi đua, khen thưởng*): for each collaborator still in the
network and for each managing unit, the trainings attended, the reports sent and the share of
monthly reports sent on time over one year, and the same tables as CSV or XLSX files.

Collaborators appear as "CTV #id" with their locality, sector and stratum — never by name: the
files leave the platform, and names stay with the managing unit's admins.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date

import openpyxl  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.geo import admin_map
from duluan.network import activity, roster
from duluan.network.models import Collaborator, FieldReport, Training, TrainingAttendance

FIRST_YEAR = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Figures:
    """What one collaborator, or one unit's collaborators together, did in the year."""

    trainings: int  # trainings attended
    periodic: int  # periodic reports sent for periods of the year
    urgent: int  # urgent reports on events of the year
    periods: int  # monthly periods of the year counted (ended, from joining)
    on_time: int  # of those, periods whose report came by the deadline

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.periods if self.periods else None

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.trainings + other.trainings,
            self.periodic + other.periodic,
            self.urgent + other.urgent,
            self.periods + other.periods,
            self.on_time + other.on_time,
        )


NONE = Figures(0, 0, 0, 0, 0)


@dataclass(frozen=True)
class UnitYear:
    unit: OrgUnit
    collaborators: int
    trainings_held: int
    figures: Figures


@dataclass(frozen=True)
class Recognition:
    year: int
    collaborators: list[tuple[Collaborator, Figures]]
    units: list[UnitYear]


def check_year(text: str, today: date) -> int:
    """The year a form asks for (this year when empty), or BadInput naming the allowed range."""
    text = text.strip()
    if not text:
        return today.year
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= today.year:
        raise BadInput("network.errors.year", first=FIRST_YEAR, last=today.year)
    return int(text)


def yearly(session: Session, actor: Actor, unit: OrgUnit, year: int, *, today: date) -> Recognition:
    """The recognition summary of `unit`'s network (the unit and below, within the actor's
    scope) for `year`; collaborators who have left the network are not listed."""
    members = [c for c in roster.roster(session, actor, unit) if c.status != "left"]
    members = [c for c in members if c.joined_on.year <= year]
    ids = [c.id for c in members]
    attended = _attended(session, ids, year)
    sent = _reports(session, ids, year)
    punctual = _punctuality(session, actor, unit, year, today)
    rows = [
        (
            c,
            Figures(
                attended[c.id],
                sent[c.id, "periodic"],
                sent[c.id, "urgent"],
                *punctual.get(c.id, (0, 0)),
            ),
        )
        for c in members
    ]
    return Recognition(year, rows, _by_unit(session, actor, unit, year, rows))


def _attended(session: Session, ids: list[int], year: int) -> Counter[int]:
    query = (
        select(TrainingAttendance.collaborator_id, func.count())
        .join(Training, Training.id == TrainingAttendance.training_id)
        .where(
            TrainingAttendance.collaborator_id.in_(ids),
            Training.held_on >= date(year, 1, 1),
            Training.held_on <= date(year, 12, 31),
        )
        .group_by(TrainingAttendance.collaborator_id)
    )
    return Counter({collaborator_id: n for collaborator_id, n in session.execute(query)})


def _reports(session: Session, ids: list[int], year: int) -> Counter[tuple[int, str]]:
    """Submitted reports per (collaborator, kind) whose period lies in the year (an urgent
    report's period is the month of its event)."""
    query = (
        select(FieldReport.collaborator_id, FieldReport.kind, func.count())
        .where(
            FieldReport.collaborator_id.in_(ids),
            FieldReport.status == "submitted",
            FieldReport.period.startswith(str(year)),
        )
        .group_by(FieldReport.collaborator_id, FieldReport.kind)
    )
    return Counter({(cid, kind): n for cid, kind, n in session.execute(query) if cid})


def _punctuality(
    session: Session, actor: Actor, unit: OrgUnit, year: int, today: date
) -> dict[int, tuple[int, int]]:
    """{collaborator id: (monthly periods counted, sent on time)} over the year's ended months,
    by the rules of `activity` (deadlines from the nearest schedule, counted from joining)."""
    end = date(year + 1, 1, 1) if year < today.year else today
    months = 12 if year < today.year else today.month - 1
    if months == 0:
        return {}
    found = activity.activity(session, actor, unit, today=end, window=months, status=None)
    return {a.collaborator.id: (a.periods, a.on_time) for a in found}


def _by_unit(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    year: int,
    rows: list[tuple[Collaborator, Figures]],
) -> list[UnitYear]:
    """One line per managing unit that has collaborators or held trainings in the year."""
    totals: dict[int, Figures] = {}
    members: Counter[int] = Counter()
    for collaborator, figures in rows:
        totals[collaborator.unit_id] = totals.get(collaborator.unit_id, NONE) + figures
        members[collaborator.unit_id] += 1
    held: Counter[int] = Counter(
        t.unit_id for t, _ in roster.trainings(session, actor, unit) if t.held_on.year == year
    )
    unit_ids = set(totals) | set(held)
    found = session.scalars(select(OrgUnit).where(OrgUnit.id.in_(unit_ids)))
    return [
        UnitYear(u, members[u.id], held[u.id], totals.get(u.id, NONE))
        for u in sorted(found, key=lambda u: (u.depth, u.name))
    ]


# --- Files --------------------------------------------------------------------------------------


def locality_name(collaborator: Collaborator) -> str:
    if collaborator.commune_code:
        return admin_map.commune_names().get(collaborator.commune_code, collaborator.commune_code)
    names = {p.code: p.name for p in admin_map.provinces()}
    return names.get(collaborator.province_code, collaborator.province_code)


COLLABORATOR_HEADER = (
    "CTV",
    "Địa bàn",
    "Lĩnh vực",
    "Tầng lớp",
    "Đơn vị quản lý",
    "Số lớp tập huấn",
    "Báo cáo định kỳ",
    "Báo cáo nhanh",
    "Số kỳ tính",
    "Số kỳ đúng hạn",
    "Tỷ lệ đúng hạn (%)",
)
UNIT_HEADER = (
    "Đơn vị",
    "Số cộng tác viên",
    "Số lớp tập huấn tổ chức",
    "Lượt tập huấn",
    "Báo cáo định kỳ",
    "Báo cáo nhanh",
    "Số kỳ tính",
    "Số kỳ đúng hạn",
    "Tỷ lệ đúng hạn (%)",
)
Cell = str | int | float | None


def collaborator_rows(session: Session, found: Recognition) -> list[list[Cell]]:
    """One line per collaborator, Vietnamese names of lists (the files are Vietnamese)."""
    sectors = roster.category_names(session, "sector", "vi")
    strata = roster.category_names(session, "stratum", "vi")
    unit_names = {u.unit.id: u.unit.name for u in found.units}
    return [
        [
            f"CTV #{c.id}",
            locality_name(c),
            sectors.get(c.sector, c.sector),
            strata.get(c.stratum, c.stratum),
            unit_names.get(c.unit_id, ""),
            *_numbers(f),
        ]
        for c, f in found.collaborators
    ]


def unit_rows(found: Recognition) -> list[list[Cell]]:
    return [
        [u.unit.name, u.collaborators, u.trainings_held, *_numbers(u.figures)] for u in found.units
    ]


def _numbers(f: Figures) -> list[Cell]:
    rate = f.on_time_rate
    return [
        f.trainings,
        f.periodic,
        f.urgent,
        f.periods,
        f.on_time,
        None if rate is None else round(100 * rate, 1),
    ]


def to_csv(session: Session, found: Recognition) -> bytes:
    """The collaborators' table as CSV, UTF-8 with a BOM so that spreadsheets read Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLLABORATOR_HEADER)
    for row in collaborator_rows(session, found):
        writer.writerow([_text_cell(c) if isinstance(c, str) else c for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(session: Session, found: Recognition) -> bytes:
    """Two sheets: the collaborators and the managing units; figures stay numbers."""
    workbook = openpyxl.Workbook(write_only=True)
    for title, header, rows in (
        ("Cộng tác viên", COLLABORATOR_HEADER, collaborator_rows(session, found)),
        ("Đơn vị", UNIT_HEADER, unit_rows(found)),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append([f"Năm {found.year}"])
        sheet.append(list(header))
        for row in rows:
            sheet.append([_text_cell(c) if isinstance(c, str) else c for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(text: str) -> str:
    """Text a spreadsheet shows as typed: a list entry's name starting with `=`, `+`, `-` or `@`
    would otherwise run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
