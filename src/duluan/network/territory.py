"""Where a unit works on the 2025 map, and the localities its network covers.

A province (or centrally-run city) covers its communes; a commune covers itself; the central unit
covers the provinces. A unit off the administrative tree (a trade union, a Party committee) works
where its nearest territorial ancestor does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.errors import BadInput
from duluan.geo import admin_map

PROVINCE_KINDS = frozenset({"province", "city"})
COMMUNE_KINDS = frozenset({"commune", "ward", "special_zone"})


@dataclass(frozen=True)
class Locality:
    """One cell row of a coverage matrix: a province (`commune_code` "") or a commune."""

    province_code: str
    commune_code: str
    name: str

    @property
    def code(self) -> str:
        return self.commune_code or self.province_code


@dataclass(frozen=True)
class Territory:
    """The part of the map a unit works in: everywhere (`province_code` ""), a province, or one
    commune of it."""

    province_code: str = ""
    commune_code: str = ""

    def contains(self, province_code: str, commune_code: str = "") -> bool:
        if self.province_code and province_code != self.province_code:
            return False
        return not self.commune_code or commune_code == self.commune_code

    def localities(self) -> list[Locality]:
        """The localities a unit's coverage is counted by, in the map's order: the provinces for
        the central unit; for a province, the province itself (collaborators who cover all of
        it) then its communes; for a commune, itself."""
        provinces = admin_map.provinces()
        if not self.province_code:
            return [Locality(p.code, "", p.name) for p in provinces]
        province = next(p for p in provinces if p.code == self.province_code)
        communes = [Locality(province.code, c.code, c.name) for c in province.communes]
        if self.commune_code:
            return [c for c in communes if c.commune_code == self.commune_code]
        return [Locality(province.code, "", province.name), *communes]

    def locality_of(self, province_code: str, commune_code: str) -> str:
        """The locality code a collaborator at this place is counted under."""
        return (commune_code or province_code) if self.province_code else province_code


def territory_of(session: Session, unit: OrgUnit) -> Territory:
    """The territory of `unit`, from its own kind and code or its nearest territorial ancestor."""
    for candidate in [unit, *reversed(units.ancestors(session, unit))]:
        if candidate.kind in PROVINCE_KINDS:
            return Territory(candidate.code)
        if candidate.kind in COMMUNE_KINDS:
            parent = candidate.parent
            return Territory(parent.code if parent else "", candidate.code)
    return Territory()


def check_place(territory: Territory, province_code: str, commune_code: str) -> tuple[str, str]:
    """The place as stored (official codes), or BadInput naming what is wrong with it."""
    province_code, commune_code = province_code.strip(), commune_code.strip()
    known = {p.code: {c.code for c in p.communes} for p in admin_map.provinces()}
    if province_code not in known:
        raise BadInput("network.errors.province_unknown", code=province_code)
    if commune_code and commune_code not in known[province_code]:
        raise BadInput("network.errors.commune_unknown", code=commune_code)
    if not territory.contains(province_code, commune_code):
        raise BadInput("network.errors.place_outside_unit")
    return province_code, commune_code


def resolve_place(
    session: Session, unit: OrgUnit, province_code: str, commune_code: str
) -> tuple[str, str]:
    """A form's place, defaulting to the unit's own (its province, and its commune when the
    province is the unit's); ("", "") for a unit covering the whole country and no place given."""
    territory = territory_of(session, unit)
    province = province_code or territory.province_code
    same = province == territory.province_code
    commune = commune_code or (territory.commune_code if same else "")
    if not province:
        return "", ""
    return check_place(territory, province, commune)
