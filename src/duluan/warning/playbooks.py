"""Playbooks: the steps an office follows for one kind of hotspot (seed 004 §5).

The platform ships shared templates (no unit; read-only, seeded by migration 0005). A unit's
admins write their own playbooks, often starting from a template; a playbook is visible to the
unit that owns it, to the units below it, and to the units above it (so a province sees what its
wards use). Steps are edited as text, one step per line: `title | guidance | hours`, the last two
optional, which is how offices already write such lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.warning.models import PLAYBOOK_KINDS, Playbook, PlaybookStep

VIEW, MANAGE = "warning.view", "playbooks.manage"
MAX_STEPS = 30
MAX_NAME, MAX_TITLE, MAX_DESCRIPTION = 200, 300, 2_000
MAX_DUE_HOURS = 24 * 365
# The template suggested when an alert of a topic is escalated (topic codes of DESIGN §5).
KIND_OF_TOPIC = {
    "land_projects": "land_dispute",
    "environment": "environment",
    "disaster_epidemic": "disaster",
    "public_order": "public_order",
}


@dataclass(frozen=True)
class StepLine:
    title: str
    guidance: str
    due_hours: int | None


def _related(unit_path: str, actor: Actor) -> bool:
    """Whether a playbook owned by the unit at `unit_path` is visible: the unit lies within the
    actor's scope or above it."""
    return any(
        unit_path.startswith(path) or path.startswith(unit_path) for path in actor.paths_for(VIEW)
    )


def visible_playbooks(
    session: Session, actor: Actor, *, active_only: bool = False
) -> list[Playbook]:
    """Shared templates first, then the playbooks of related units, by name."""
    rows = session.execute(
        select(Playbook, OrgUnit.path)
        .outerjoin(OrgUnit, OrgUnit.id == Playbook.unit_id)
        .order_by(Playbook.unit_id.is_not(None), Playbook.name, Playbook.id)
    ).all()
    shown = [p for p, path in rows if path is None or _related(path, actor)]
    return [p for p in shown if p.active] if active_only else shown


def get_playbook(session: Session, actor: Actor, playbook_id: int) -> Playbook:
    for playbook in visible_playbooks(session, actor):
        if playbook.id == playbook_id:
            return playbook
    raise NotFound("errors.playbook_not_found", id=playbook_id)


def may_edit(session: Session, actor: Actor, playbook: Playbook) -> bool:
    """Templates are read-only; a unit's playbook is edited by admins within whose scope it is."""
    if playbook.unit_id is None:
        return False
    unit = session.get(OrgUnit, playbook.unit_id)
    return unit is not None and actor.may(MANAGE, unit.path)


def suggested(playbooks: list[Playbook], topic: str) -> Playbook | None:
    """The playbook to preselect for an alert's topic: the actor's own of that kind first, then
    the template of that kind, then the general one."""
    kind = KIND_OF_TOPIC.get(topic, "general")
    for wanted in (kind, "general"):
        owned = [p for p in playbooks if p.kind == wanted and p.active]
        if owned:
            return sorted(owned, key=lambda p: (p.unit_id is None, p.id))[0]
    return playbooks[0] if playbooks else None


def parse_steps(text: str) -> list[StepLine]:
    """Steps from text, one per non-empty line: `title | guidance | hours` (BadInput names the
    line that is wrong)."""
    steps: list[StepLine] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [" ".join(part.split()) for part in line.split("|")]
        if len(parts) > 3 or not parts[0]:
            raise BadInput("errors.playbook_step_line", line=number)
        if len(parts[0]) > MAX_TITLE:
            raise BadInput("errors.playbook_step_too_long", line=number, limit=MAX_TITLE)
        hours: int | None = None
        if len(parts) == 3 and parts[2]:
            if not parts[2].isdigit() or not 0 < int(parts[2]) <= MAX_DUE_HOURS:
                raise BadInput("errors.playbook_step_hours", line=number, limit=MAX_DUE_HOURS)
            hours = int(parts[2])
        steps.append(StepLine(parts[0], parts[1] if len(parts) > 1 else "", hours))
    if not steps:
        raise BadInput("errors.playbook_no_steps")
    if len(steps) > MAX_STEPS:
        raise BadInput("errors.playbook_too_many_steps", limit=MAX_STEPS)
    return steps


def steps_text(playbook: Playbook) -> str:
    """The inverse of `parse_steps`, to fill the edit form."""
    lines = []
    for step in playbook.steps:
        parts = [step.title, step.guidance, str(step.due_hours) if step.due_hours else ""]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def save(
    session: Session,
    actor: Actor,
    *,
    playbook_id: int | None,
    unit_id: int,
    kind: str,
    name: str,
    description: str,
    steps: str,
    active: bool = True,
) -> Playbook:
    """Create a playbook for a unit within the actor's `playbooks.manage` scope, or replace the
    fields and steps of one they may edit (cases keep the steps they copied)."""
    name, description = " ".join(name.split()), description.strip()
    if not name:
        raise BadInput("errors.playbook_name_required")
    if len(name) > MAX_NAME or len(description) > MAX_DESCRIPTION:
        raise BadInput("errors.playbook_too_long", name=MAX_NAME, description=MAX_DESCRIPTION)
    if kind not in PLAYBOOK_KINDS:
        raise BadInput("errors.playbook_bad_kind", kind=kind)
    lines = parse_steps(steps)
    unit = session.get(OrgUnit, unit_id)
    if unit is None or not actor.may(MANAGE, unit.path):
        raise PermissionDenied("errors.permission_denied")
    if playbook_id is None:
        playbook = Playbook(unit_id=unit.id)
        session.add(playbook)
    else:
        playbook = get_playbook(session, actor, playbook_id)
        if not may_edit(session, actor, playbook):
            raise PermissionDenied("errors.permission_denied")
        playbook.unit_id = unit.id
        playbook.steps.clear()
        session.flush()  # the old steps go before the new ones take their positions
    playbook.kind, playbook.name, playbook.description = kind, name, description
    playbook.active, playbook.updated_at = active, utcnow()
    playbook.steps.extend(
        PlaybookStep(position=i, title=s.title, guidance=s.guidance, due_hours=s.due_hours)
        for i, s in enumerate(lines, start=1)
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="playbook.saved",
        target=f"playbook:{playbook.id}",
        unit_id=unit.id,
        detail={"name": name, "steps": len(lines), "new": playbook_id is None},
    )
    return playbook
