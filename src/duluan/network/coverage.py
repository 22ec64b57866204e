"""Coverage: how many active collaborators a unit's network has in each locality × sector ×
stratum, against the targets the unit sets, so the gaps show at a glance.

A target asks for at least `minimum` active collaborators of a sector and a stratum (either may
be "" for any) in one named locality, or in each locality of the unit (`locality_code` ""). The
matrix counts the collaborators managed by the unit and its descendants, by the locality they
cover (see `territory.Territory.localities`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.network import roster
from duluan.network.models import CoverageTarget
from duluan.network.territory import Locality, territory_of

MAX_MINIMUM = 1_000


@dataclass(frozen=True)
class TargetState:
    """One target applied to one locality: what it asks and how far the network is from it."""

    locality_code: str
    sector: str
    stratum: str
    minimum: int
    count: int

    @property
    def gap(self) -> int:
        return max(0, self.minimum - self.count)


@dataclass(frozen=True)
class Coverage:
    unit: OrgUnit
    localities: list[Locality]
    sectors: dict[str, str]  # code -> name, in list order
    strata: dict[str, str]
    counts: Counter[tuple[str, str, str]]  # (locality, sector, stratum) -> active collaborators
    targets: list[TargetState]

    def count(self, locality: str, *, sector: str = "", stratum: str = "") -> int:
        """Active collaborators in a locality, of a sector and stratum ("" for any)."""
        return _count(self.counts, locality, sector, stratum)

    def gaps(self) -> list[TargetState]:
        return [t for t in self.targets if t.gap]

    def cell_gap(self, locality: str, *, sector: str = "", stratum: str = "") -> int:
        """The largest gap of the targets that ask exactly for this cell."""
        return max(
            (
                t.gap
                for t in self.targets
                if (t.locality_code, t.sector, t.stratum) == (locality, sector, stratum)
            ),
            default=0,
        )

    def to_json(self) -> dict[str, Any]:
        names = {loc.code: loc.name for loc in self.localities}
        return {
            "unit": {"code": self.unit.code, "name": self.unit.name},
            "localities": [{"code": loc.code, "name": loc.name} for loc in self.localities],
            "sectors": [{"code": c, "name": n} for c, n in self.sectors.items()],
            "strata": [{"code": c, "name": n} for c, n in self.strata.items()],
            "cells": [
                {"locality": place, "sector": sector, "stratum": stratum, "count": n}
                for (place, sector, stratum), n in sorted(self.counts.items())
            ],
            "targets": [
                {
                    "locality": t.locality_code,
                    "locality_name": names.get(t.locality_code, ""),
                    "sector": t.sector,
                    "stratum": t.stratum,
                    "minimum": t.minimum,
                    "count": t.count,
                    "gap": t.gap,
                }
                for t in self.targets
            ],
            "active_collaborators": sum(self.counts.values()),
            "gaps": len(self.gaps()),
        }


def matrix(session: Session, actor: Actor, unit: OrgUnit, *, locale: str = "vi") -> Coverage:
    """The coverage of `unit`'s network against its targets."""
    territory = territory_of(session, unit)
    localities = territory.localities()
    counts: Counter[tuple[str, str, str]] = Counter(
        (territory.locality_of(c.province_code, c.commune_code), c.sector, c.stratum)
        for c in roster.roster(session, actor, unit, status="active")
    )
    codes = [loc.code for loc in localities]
    states: list[TargetState] = []
    for target in targets(session, unit):
        for place in [target.locality_code] if target.locality_code else codes:
            count = _count(counts, place, target.sector, target.stratum)
            states.append(TargetState(place, target.sector, target.stratum, target.minimum, count))
    return Coverage(
        unit=unit,
        localities=localities,
        sectors=roster.category_names(session, "sector", locale),
        strata=roster.category_names(session, "stratum", locale),
        counts=counts,
        targets=states,
    )


def targets(session: Session, unit: OrgUnit) -> list[CoverageTarget]:
    query = select(CoverageTarget).where(CoverageTarget.unit_id == unit.id)
    return list(session.scalars(query.order_by(CoverageTarget.id)))


def set_target(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    *,
    locality_code: str = "",
    sector: str = "",
    stratum: str = "",
    minimum: int,
) -> CoverageTarget | None:
    """Set (or, with `minimum` 0, remove) one target of `unit`."""
    actor.require("network.manage", unit.path)
    if not 0 <= minimum <= MAX_MINIMUM:
        raise BadInput("network.errors.minimum", maximum=MAX_MINIMUM)
    if locality_code and locality_code not in {
        loc.code for loc in territory_of(session, unit).localities()
    }:
        raise BadInput("network.errors.locality_unknown", code=locality_code)
    for kind, code in (("sector", sector), ("stratum", stratum)):
        if code and code not in {c.code for c in roster.categories(session, kind)}:
            raise BadInput(f"network.errors.{kind}_unknown", code=code)
    target = session.scalar(
        select(CoverageTarget).where(
            CoverageTarget.unit_id == unit.id,
            CoverageTarget.locality_code == locality_code,
            CoverageTarget.sector == sector,
            CoverageTarget.stratum == stratum,
        )
    )
    if minimum == 0:
        if target is not None:
            session.delete(target)
        target = None
    elif target is None:
        target = CoverageTarget(
            unit_id=unit.id,
            locality_code=locality_code,
            sector=sector,
            stratum=stratum,
            minimum=minimum,
        )
        session.add(target)
    else:
        target.minimum = minimum
    audit.record(
        session,
        actor=actor,
        action="network.target_set",
        target=f"{locality_code or '*'}/{sector or '*'}/{stratum or '*'}",
        unit_id=unit.id,
        detail={"minimum": minimum},
    )
    return target


def _count(counts: Counter[tuple[str, str, str]], locality: str, sector: str, stratum: str) -> int:
    return sum(
        n
        for (place, s, t), n in counts.items()
        if place == locality and sector in ("", s) and stratum in ("", t)
    )
