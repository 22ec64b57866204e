"""The network at a glance: the key figures of a unit's overview page, computed from the coverage
matrix and the activity of its collaborators, so the page and the matrix never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.network import activity, coverage
from duluan.network.coverage import Coverage
from duluan.network.territory import Locality


@dataclass(frozen=True)
class Share:
    """How many active collaborators one sector or stratum has."""

    code: str
    name: str
    count: int


@dataclass(frozen=True)
class Summary:
    coverage: Coverage
    active: int
    covered: int  # ground localities with at least one active collaborator
    ground: int  # ground localities of the unit (see `ground_localities`)
    targets_unmet: int
    flagged: int  # active collaborators quiet for long enough to need follow-up
    by_stratum: list[Share]
    by_sector: list[Share]


def ground_localities(found: Coverage) -> list[Locality]:
    """The localities a network should reach on the ground: a province's communes (its own row
    counts the collaborators covering the whole province, it is not a place to reach), the
    provinces for the central unit, the commune itself for a commune."""
    has_communes = any(loc.commune_code for loc in found.localities)
    return [loc for loc in found.localities if loc.commune_code or not has_communes]


def uncovered(found: Coverage) -> list[Locality]:
    """Ground localities without a single active collaborator."""
    return [loc for loc in ground_localities(found) if not found.count(loc.code)]


def summary(
    session: Session, actor: Actor, unit: OrgUnit, *, today: date, locale: str = "vi"
) -> Summary:
    """The figures of `unit`'s network overview (collaborators managed by it and below)."""
    found = coverage.matrix(session, actor, unit, locale=locale)
    ground = ground_localities(found)
    quiet = sum(a.flagged for a in activity.activity(session, actor, unit, today=today))
    return Summary(
        coverage=found,
        active=sum(found.counts.values()),
        covered=len(ground) - len(uncovered(found)),
        ground=len(ground),
        targets_unmet=len(found.gaps()),
        flagged=quiet,
        by_stratum=_shares(found, found.strata, position=2),
        by_sector=_shares(found, found.sectors, position=1),
    )


def _shares(found: Coverage, names: dict[str, str], position: int) -> list[Share]:
    """Counts per entry of a list, in list order; codes no longer listed come last."""
    totals: dict[str, int] = {}
    for key, count in found.counts.items():
        totals[key[position]] = totals.get(key[position], 0) + count
    order = [*names, *sorted(set(totals) - set(names))]
    return [Share(code, names.get(code, code), totals.get(code, 0)) for code in order]
