"""What the network pages show, shaped for their templates: the unit a page is about, the roster
lines with their activity, and the coverage matrix rows. No rule of the network lives here; the
services in `duluan.network` decide, this module only arranges their answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, PermissionDenied
from duluan.geo import admin_map
from duluan.network import activity, roster
from duluan.network.coverage import Coverage, TargetState
from duluan.network.models import Collaborator
from duluan.network.territory import Locality, territory_of
from duluan.text.fold import fold
from duluan.web.render import DISPLAY_ZONE

VIEW = "network.view"


def today() -> date:
    """Today in Vietnam, the day periods and deadlines are counted in."""
    return datetime.now(DISPLAY_ZONE).date()


def home_units(db: Session, actor: Actor, action: str = VIEW) -> list[OrgUnit]:
    """The units of the actor's grants that allow `action`, outermost first."""
    found = {u.id: u for s in actor.scopes if (u := db.get(OrgUnit, s.unit_id)) is not None}
    allowed = [u for u in found.values() if actor.may(action, u.path)]
    return sorted(allowed, key=lambda u: (u.depth, u.path))


def viewed_unit(request: Request, db: Session, actor: Actor) -> OrgUnit:
    """The unit a page is about: `?unit=CODE` when within the actor's scope, else the actor's
    outermost unit; a unit outside the scope is refused (403), an unknown code is a 404."""
    code = request.query_params.get("unit", "").strip()
    if code:
        unit = units.find_by_code(db, code)
        if not actor.may(VIEW, unit.path):
            raise PermissionDenied("errors.unit_out_of_scope")
        return unit
    found = home_units(db, actor)
    if not found:
        raise PermissionDenied("errors.permission_denied")
    return found[0]


def posted_unit(db: Session, actor: Actor, unit_id: int, action: str) -> OrgUnit:
    """The unit a form names, if the actor may do `action` there."""
    return units.get_visible(db, actor=actor, unit_id=unit_id, action=action)


def unit_choices(db: Session, actor: Actor, unit: OrgUnit) -> list[OrgUnit]:
    """Units the picker offers: the actor's own, the way up to the current one, and its
    children, all within scope."""
    chosen: dict[int, OrgUnit] = {u.id: u for u in home_units(db, actor)}
    for above in units.ancestors(db, unit):
        if actor.may(VIEW, above.path):
            chosen.setdefault(above.id, above)
    chosen.setdefault(unit.id, unit)
    for child in units.children(db, actor=actor, unit=unit):
        if actor.may(VIEW, child.path):
            chosen.setdefault(child.id, child)
    return sorted(chosen.values(), key=lambda u: (u.path.count("/"), u.name))


def parse_day(text: str, *, default: date | None = None) -> date:
    text = text.strip()
    if not text and default is not None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput("network.ui.bad_date", value=text) from None


def parse_whole(text: str, key: str, **params: Any) -> int:
    text = text.strip()
    if not text.lstrip("-").isdigit():
        raise BadInput(key, **params)
    return int(text)


def place_of(
    db: Session, unit: OrgUnit, locality_code: str, sector: str, stratum: str
) -> roster.Place:
    """The place a roster form names by the code of one of the unit's localities."""
    found = [loc for loc in territory_of(db, unit).localities() if loc.code == locality_code]
    if not found:
        raise BadInput("network.errors.locality_unknown", code=locality_code)
    return roster.Place(found[0].province_code, found[0].commune_code, sector, stratum)


def locality_names() -> dict[str, str]:
    """{code: name} of every province and commune, for "where" columns."""
    names = {p.code: p.name for p in admin_map.provinces()}
    names.update(admin_map.commune_names())
    return names


# --- Roster -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterLine:
    collaborator: Collaborator
    locality: str  # the locality code it is counted under
    trainings: int
    activity: activity.Activity | None  # None for a collaborator who has left

    @property
    def flagged(self) -> bool:
        active = self.collaborator.status == "active"
        return active and self.activity is not None and self.activity.flagged


@dataclass(frozen=True)
class RosterFilter:
    status: str = ""
    locality: str = ""
    sector: str = ""
    stratum: str = ""

    @classmethod
    def of(cls, request: Request) -> RosterFilter:
        q = request.query_params
        return cls(*(q.get(k, "").strip() for k in ("status", "locality", "sector", "stratum")))

    def keeps(self, line: RosterLine) -> bool:
        c = line.collaborator
        return (
            self.status in ("", c.status)
            and self.locality in ("", line.locality)
            and self.sector in ("", c.sector)
            and self.stratum in ("", c.stratum)
        )


def roster_lines(
    db: Session, actor: Actor, unit: OrgUnit, shown: RosterFilter, *, day: date
) -> list[RosterLine]:
    """The roster of `unit` with trainings and the activity of the last six months."""
    territory = territory_of(db, unit)
    members = roster.roster(db, actor, unit)
    done = {
        a.collaborator.id: a for a in activity.activity(db, actor, unit, today=day, status=None)
    }
    attended = roster.trainings_attended(db, [c.id for c in members])
    lines = [
        RosterLine(
            c,
            territory.locality_of(c.province_code, c.commune_code),
            attended.get(c.id, 0),
            done.get(c.id) if c.status != "left" else None,
        )
        for c in members
    ]
    return [line for line in lines if shown.keeps(line)]


def unit_paths(db: Session, lines: list[RosterLine]) -> dict[int, str]:
    """{unit id: path} of the units managing the listed collaborators (for per-row rights)."""
    ids = {line.collaborator.unit_id for line in lines}
    return {u.id: u.path for u in db.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}


# --- Coverage -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int
    minimum: int  # the largest minimum asked of this cell (0: no target asks for it)
    gap: int

    @property
    def state(self) -> str:
        if not self.minimum:
            return "none"
        return "short" if self.gap else "met"


@dataclass(frozen=True)
class MatrixRow:
    locality: Locality
    cells: list[Cell]
    total: Cell


def matrix_rows(found: Coverage, by: str, search: str = "") -> list[MatrixRow]:
    """One row per locality (those whose name matches `search`, diacritics or not), a cell per
    stratum (or sector, with `by` "sector") and the locality's total."""
    columns = list(found.sectors if by == "sector" else found.strata)
    asked: dict[tuple[str, str, str], list[TargetState]] = {}
    for target in found.targets:
        asked.setdefault((target.locality_code, target.sector, target.stratum), []).append(target)
    needle = fold(search)
    rows = []
    for loc in found.localities:
        if needle and needle not in fold(loc.name):
            continue
        keys = [
            (loc.code, code, "") if by == "sector" else (loc.code, "", code) for code in columns
        ]
        cells = [_cell(found, asked, key) for key in keys]
        rows.append(MatrixRow(loc, cells, _cell(found, asked, (loc.code, "", ""))))
    return rows


def _cell(
    found: Coverage, asked: dict[tuple[str, str, str], list[TargetState]], key: tuple[str, str, str]
) -> Cell:
    locality, sector, stratum = key
    targets = asked.get(key, [])
    return Cell(
        found.count(locality, sector=sector, stratum=stratum),
        max((t.minimum for t in targets), default=0),
        max((t.gap for t in targets), default=0),
    )
