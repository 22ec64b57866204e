"""Dialogue sessions and the opinions and petitions raised there: what was asked (no citizen
names; numbers masked), by topic and locality, the body responsible for an answer, the due date,
and the answer. Overdue petitions — open past their due date — surface on the unit's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from duluan.analysis import topics as topic_table
from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.errors import BadInput, NotFound
from duluan.network.checks import masked
from duluan.network.models import DialogueSession, Petition
from duluan.network.territory import resolve_place

MAX_TEXT = 10_000
MAX_ATTENDEES = 1_000_000


@dataclass(frozen=True)
class SessionDraft:
    held_on: date
    place: str
    province_code: str = ""
    commune_code: str = ""
    units_present: str = ""
    attendees: int = 0


@dataclass(frozen=True)
class PetitionDraft:
    content: str
    topic: str = ""
    province_code: str = ""
    commune_code: str = ""
    responsible: str = ""
    responsible_unit_id: int | None = None
    due_on: date | None = None


def record_session(
    session: Session, actor: Actor, unit: OrgUnit, draft: SessionDraft
) -> DialogueSession:
    """A dialogue session held by `unit`."""
    actor.require("network.manage", unit.path)
    place = " ".join(draft.place.split())
    if not place:
        raise BadInput("network.errors.place_required")
    if not 0 <= draft.attendees <= MAX_ATTENDEES:
        raise BadInput("network.errors.attendees")
    province, commune = resolve_place(session, unit, draft.province_code, draft.commune_code)
    dialogue = DialogueSession(
        unit_id=unit.id,
        held_on=draft.held_on,
        place=place[:255],
        province_code=province,
        commune_code=commune,
        units_present=masked(draft.units_present, MAX_TEXT),
        attendees=draft.attendees,
    )
    session.add(dialogue)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="network.dialogue_recorded",
        target=str(dialogue.id),
        unit_id=unit.id,
    )
    return dialogue


def add_petition(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    draft: PetitionDraft,
    *,
    dialogue: DialogueSession | None = None,
) -> Petition:
    """An opinion or petition of `unit` (raised at `dialogue`, if given)."""
    actor.require("network.manage", unit.path)
    if dialogue is not None and dialogue.unit_id != unit.id:
        raise BadInput("network.errors.dialogue_other_unit")
    content = masked(draft.content, MAX_TEXT)
    if not content:
        raise BadInput("network.errors.petition_empty")
    if draft.topic and draft.topic not in topic_table.names(session, "vi"):
        raise BadInput("network.errors.topic_unknown", code=draft.topic)
    province, commune = resolve_place(
        session,
        unit,
        draft.province_code or (dialogue.province_code if dialogue else ""),
        draft.commune_code or (dialogue.commune_code if dialogue else ""),
    )
    if (
        draft.responsible_unit_id is not None
        and session.get(OrgUnit, draft.responsible_unit_id) is None
    ):
        raise BadInput("network.errors.responsible_unknown")
    petition = Petition(
        unit_id=unit.id,
        session_id=dialogue.id if dialogue else None,
        topic=draft.topic,
        province_code=province,
        commune_code=commune,
        content=content,
        responsible=" ".join(draft.responsible.split())[:255],
        responsible_unit_id=draft.responsible_unit_id,
        due_on=draft.due_on,
        status="open",
    )
    session.add(petition)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="network.petition_added",
        target=str(petition.id),
        unit_id=unit.id,
    )
    return petition


def answer(
    session: Session, actor: Actor, petition_id: int, text: str, *, on: date, close: bool = False
) -> Petition:
    """Record the responsible body's answer; `close` when nothing more is to be done."""
    petition = get(session, actor, petition_id)
    unit = session.get(OrgUnit, petition.unit_id)
    actor.require("network.manage", unit.path if unit else None)
    text = masked(text, MAX_TEXT)
    if not text:
        raise BadInput("network.errors.answer_empty")
    petition.answer, petition.answered_on = text, on
    petition.status = "closed" if close else "answered"
    audit.record(
        session,
        actor=actor,
        action="network.petition_answered",
        target=str(petition.id),
        unit_id=petition.unit_id,
        detail={"status": petition.status},
    )
    return petition


def get(session: Session, actor: Actor, petition_id: int) -> Petition:
    petition = session.scalar(_visible(actor).where(Petition.id == petition_id))
    if petition is None:
        raise NotFound("network.errors.petition_unknown", id=petition_id)
    return petition


def listing(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    *,
    status: str | None = None,
    overdue_on: date | None = None,
) -> list[Petition]:
    """Petitions of `unit` and below within the actor's scope; `overdue_on` keeps those still
    open past their due date on that day."""
    actor.require("network.view", unit.path)
    query = _visible(actor).where(OrgUnit.path.startswith(unit.path))
    if status is not None:
        query = query.where(Petition.status == status)
    if overdue_on is not None:
        query = query.where(Petition.status == "open", Petition.due_on < overdue_on)
    return list(
        session.scalars(query.order_by(Petition.due_on.is_(None), Petition.due_on, Petition.id))
    )


def sessions(session: Session, actor: Actor, unit: OrgUnit) -> list[DialogueSession]:
    actor.require("network.view", unit.path)
    query = (
        select(DialogueSession)
        .join(OrgUnit, OrgUnit.id == DialogueSession.unit_id)
        .where(
            OrgUnit.path.startswith(unit.path), scope_filter(actor, "network.view", OrgUnit.path)
        )
        .order_by(DialogueSession.held_on.desc(), DialogueSession.id.desc())
    )
    return list(session.scalars(query))


def _visible(actor: Actor) -> Select[Petition]:
    return (
        select(Petition)
        .join(OrgUnit, OrgUnit.id == Petition.unit_id)
        .where(scope_filter(actor, "network.view", OrgUnit.path))
    )
