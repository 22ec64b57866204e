"""The organisation tree: load the 2025 map, find units by code, add non-territorial units."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import OTHER_KINDS, OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.errors import BadInput, Conflict, NotFound, PermissionDenied
from duluan.geo import admin_map
from duluan.text.fold import fold

ROOT_CODE = "TW"
ROOT_NAME = "Trung ương"
_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def _attach(unit: OrgUnit, parent: OrgUnit | None) -> None:
    """Set parent, depth and materialised path; the unit must already have an id."""
    unit.parent_id = parent.id if parent else None
    unit.depth = parent.depth + 1 if parent else 0
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"


def _rename(unit: OrgUnit, name: str) -> None:
    unit.name = name
    unit.search_name = fold(name)


def _insert(
    session: Session, *, code: str, name: str, kind: str, parent: OrgUnit | None
) -> OrgUnit:
    unit = OrgUnit(code=code, name=name, search_name=fold(name), kind=kind)
    session.add(unit)
    session.flush()
    _attach(unit, parent)
    return unit


def load_administrative_map(session: Session) -> int:
    """Create the root and every province and commune of the 2025 map that is missing.

    Idempotent: existing units (matched by official code) are renamed if the map changed, never
    duplicated. Returns the number of units created.
    """
    existing = {code: unit for code, unit in session.execute(select(OrgUnit.code, OrgUnit))}
    created = 0
    root = existing.get(ROOT_CODE)
    if root is None:
        root = _insert(session, code=ROOT_CODE, name=ROOT_NAME, kind="central", parent=None)
        created += 1
    for province in admin_map.provinces():
        unit = existing.get(province.code)
        if unit is None:
            unit = _insert(
                session, code=province.code, name=province.name, kind=province.kind, parent=root
            )
            created += 1
        _rename(unit, province.name)
        for commune in province.communes:
            child = existing.get(commune.code)
            if child is None:
                _insert(
                    session, code=commune.code, name=commune.name, kind=commune.kind, parent=unit
                )
                created += 1
            else:
                _rename(child, commune.name)
    session.flush()
    return created


def normalise_code(code: str) -> str:
    """The stored code for what a person types: `1` and `01` both name Hà Nội; others as given."""
    code = code.strip()
    if code.isdigit() and len(code) <= 2:
        return admin_map.province_code(int(code))
    return code


def find_by_code(session: Session, code: str) -> OrgUnit:
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == normalise_code(code)))
    if unit is None:
        raise NotFound("errors.unit_not_found", code=code)
    return unit


def root(session: Session) -> OrgUnit:
    return find_by_code(session, ROOT_CODE)


def get_visible(
    session: Session, *, actor: Actor, unit_id: int, action: str = "units.view"
) -> OrgUnit:
    """The unit with `unit_id` if within the actor's scope for `action`; PermissionDenied if not."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("errors.unit_not_found", code=str(unit_id))
    if not actor.may(action, unit.path):
        raise PermissionDenied("errors.unit_out_of_scope")
    return unit


def children(session: Session, *, actor: Actor, unit: OrgUnit) -> list[OrgUnit]:
    query = (
        select(OrgUnit)
        .where(OrgUnit.parent_id == unit.id, scope_filter(actor, "units.view", OrgUnit.path))
        .order_by(OrgUnit.kind.in_(OTHER_KINDS).desc(), OrgUnit.search_name)
    )
    return list(session.scalars(query))


def ancestors(session: Session, unit: OrgUnit) -> list[OrgUnit]:
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1]]
    by_id = {u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def top_units(session: Session, *, actor: Actor) -> list[OrgUnit]:
    """The outermost units the actor may see: where their tree view starts."""
    paths = actor.paths_for("units.view")
    ids = {int(p.strip("/").split("/")[-1]) for p in paths}
    query = select(OrgUnit).where(OrgUnit.id.in_(ids)).order_by(OrgUnit.search_name)
    units = list(session.scalars(query))
    return [u for u in units if not any(u.path.startswith(o.path) and u is not o for o in units)]


def search(session: Session, *, actor: Actor, text: str, limit: int = 50) -> list[OrgUnit]:
    """Units within scope whose name contains `text`, diacritics or not, or whose code it is."""
    needle = fold(text)
    if not needle:
        return []
    query = (
        select(OrgUnit)
        .where(
            scope_filter(actor, "units.view", OrgUnit.path),
            OrgUnit.search_name.contains(needle, autoescape=True)
            | (OrgUnit.code == text.strip().upper())
            | (OrgUnit.code == normalise_code(text)),
        )
        .order_by(OrgUnit.depth, OrgUnit.search_name)
        .limit(limit)
    )
    return list(session.scalars(query))


def create_unit(
    session: Session, *, actor: Actor | None, parent: OrgUnit, code: str, name: str, kind: str
) -> OrgUnit:
    """Add a non-territorial unit (board, Fatherland Front, labour federation) under `parent`.

    Territorial units come only from the administrative map. `actor` None means the command line.
    """
    code, name = code.strip(), " ".join(name.split())
    if actor is not None:
        actor.require("units.manage", parent.path)
    if kind not in OTHER_KINDS:
        raise BadInput("errors.unit_kind_invalid", kind=kind)
    if not _CODE_PATTERN.match(code) or code.isdigit():
        raise BadInput("errors.unit_code_invalid", code=code)
    if not name or len(name) > 255:
        raise BadInput("errors.unit_name_invalid")
    if session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)) is not None:
        raise Conflict("errors.unit_code_taken", code=code)
    unit = _insert(session, code=code, name=name, kind=kind, parent=parent)
    audit.record(session, actor=actor, action="unit.created", target=code, unit_id=unit.id)
    return unit
