"""Hotspot cases: one local issue followed from the alert that raised it to its closing.

A case groups alerts, documents and field notes, is assigned to a unit, has a status and the
steps of a playbook (copied when it opens, each due some hours after). Every change adds an entry
to the case's timeline and to the audit log. A case is about an issue in a place, never about a
person: notes are masked of personal numbers like collected text, and the page says not to name
citizens.

The staff of the unit a case is assigned to (when it opens, and each time it moves) get a
notification in the app.

Statuses: open → in_progress (set by the first step done, or by hand) → resolved → closed. A
closed case keeps what it recorded and takes no more changes; closing needs a summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.db.types import utcnow
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.i18n import stored_text
from duluan.ingest.models import Document
from duluan.ingest.search import visible_document
from duluan.text.pii import mask_pii
from duluan.warning import alerts, delivery, playbooks
from duluan.warning.models import (
    CASE_STATUSES,
    Alert,
    CaseAlert,
    CaseDocument,
    CaseEvent,
    CaseStep,
    HotspotCase,
    Playbook,
)
from duluan.warning.notifications import Notification

VIEW, HANDLE = "warning.view", "cases.handle"
SHOWN = 100
MAX_TITLE, MAX_NOTE = 300, 5_000
CAN_ESCALATE = frozenset({"open", "acknowledged"})
ASSIGNABLE = 200  # units offered in the assignment list


@dataclass(frozen=True)
class CaseDocumentRow:
    id: int
    title: str
    published_at: datetime


def _in_scope(actor: Actor) -> Select[HotspotCase]:
    return (
        select(HotspotCase)
        .join(OrgUnit, OrgUnit.id == HotspotCase.unit_id)
        .where(scope_filter(actor, VIEW, OrgUnit.path))
    )


def visible_cases(
    session: Session, actor: Actor, status: str | None = None, *, limit: int = SHOWN
) -> list[HotspotCase]:
    """The newest cases assigned to units within the actor's scope, of one status or all."""
    statement = _in_scope(actor)
    if status is not None:
        if status not in CASE_STATUSES:
            raise BadInput("errors.case_bad_status", status=status)
        statement = statement.where(HotspotCase.status == status)
    statement = statement.order_by(HotspotCase.opened_at.desc(), HotspotCase.id.desc())
    return list(session.scalars(statement.limit(limit)))


def open_count(session: Session, actor: Actor) -> int:
    """Cases within scope not yet resolved or closed."""
    statement = _in_scope(actor).where(HotspotCase.status.in_(("open", "in_progress")))
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def open_cases(session: Session, actor: Actor) -> list[HotspotCase]:
    """Cases within the actor's `cases.handle` scope still taking changes, newest first."""
    statement = (
        select(HotspotCase)
        .join(OrgUnit, OrgUnit.id == HotspotCase.unit_id)
        .where(scope_filter(actor, HANDLE, OrgUnit.path), HotspotCase.status != "closed")
        .order_by(HotspotCase.opened_at.desc())
    )
    return list(session.scalars(statement.limit(SHOWN)))


def get_case(session: Session, actor: Actor, case_id: int) -> HotspotCase:
    case = session.scalars(_in_scope(actor).where(HotspotCase.id == case_id)).one_or_none()
    if case is None:
        raise NotFound("errors.case_not_found", id=case_id)
    return case


def may_handle(session: Session, actor: Actor, case: HotspotCase) -> bool:
    unit = session.get(OrgUnit, case.unit_id)
    return unit is not None and actor.may(HANDLE, unit.path) and case.status != "closed"


def _handled(session: Session, actor: Actor, case_id: int) -> HotspotCase:
    case = get_case(session, actor, case_id)
    if case.status == "closed":
        raise BadInput("errors.case_closed")
    if not may_handle(session, actor, case):
        raise PermissionDenied("errors.permission_denied")
    return case


def _event(
    session: Session, actor: Actor, case: HotspotCase, kind: str, text: str = "", **detail: Any
) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor.user_id,
            actor_name=actor.display_name or actor.username,
            kind=kind,
            text=text,
            detail=detail,
        )
    )
    audit.record(
        session,
        actor=actor,
        action=f"case.{kind}",
        target=f"case:{case.id}",
        unit_id=case.unit_id,
        detail={k: v for k, v in detail.items() if isinstance(v, str | int)},
    )


def _clean(text: str, limit: int, required_key: str, long_key: str) -> str:
    text = text.strip()
    if not text:
        raise BadInput(required_key)
    if len(text) > limit:
        raise BadInput(long_key, limit=limit)
    return mask_pii(text).text


def assignable_units(session: Session, actor: Actor, unit_id: int) -> list[OrgUnit]:
    """Units a case about `unit_id`'s series may be assigned to: that unit and the units below it
    within the actor's `cases.handle` scope (the unit itself first, then by name)."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        return []
    statement = (
        select(OrgUnit)
        .where(
            OrgUnit.path.startswith(unit.path),
            OrgUnit.is_active,
            scope_filter(actor, HANDLE, OrgUnit.path),
        )
        .order_by(OrgUnit.depth, OrgUnit.search_name)
        .limit(ASSIGNABLE)
    )
    return list(session.scalars(statement))


def _assignable(session: Session, actor: Actor, unit_id: int) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None or not unit.is_active or not actor.may(HANDLE, unit.path):
        raise BadInput("errors.case_bad_unit")
    return unit


def open_cases_like(session: Session, actor: Actor, alert: Alert) -> list[HotspotCase]:
    """Cases still open within scope about the alert's topic and province, to group it into."""
    statement = _in_scope(actor).where(
        HotspotCase.status.in_(("open", "in_progress")),
        HotspotCase.topic == alert.topic,
        HotspotCase.province_code == alert.province_code,
    )
    return list(session.scalars(statement.order_by(HotspotCase.opened_at.desc()).limit(20)))


def escalate(
    session: Session,
    actor: Actor,
    alert_id: int,
    *,
    title: str = "",
    playbook_id: int | None = None,
    unit_id: int | None = None,
    case_id: int | None = None,
) -> HotspotCase:
    """Escalate an open or acknowledged alert: into an existing open case (`case_id`), or into a
    new case with a title, the unit it is assigned to and the playbook it follows. The alert's
    sample documents join the case."""
    alert = alerts.get_alert(session, actor, alert_id)
    unit = session.get(OrgUnit, alert.unit_id)
    if unit is None or not actor.may(HANDLE, unit.path):
        raise PermissionDenied("errors.permission_denied")
    if alert.state not in CAN_ESCALATE:
        raise BadInput("errors.alert_cannot_escalate")
    if case_id is not None:
        case = _handled(session, actor, case_id)
    else:
        title = _clean(title, MAX_TITLE, "errors.case_title_required", "errors.case_title_too_long")
        unit = _assignable(session, actor, unit_id if unit_id is not None else alert.unit_id)
        playbook = (
            playbooks.get_playbook(session, actor, playbook_id) if playbook_id is not None else None
        )
        case = _open(session, actor, title, unit, alert, playbook)
    previous, alert.state = alert.state, "escalated"
    session.add(CaseAlert(case_id=case.id, alert_id=alert.id))
    audit.record(
        session,
        actor=actor,
        action="alert.escalated",
        target=f"alert:{alert.id}",
        unit_id=alert.unit_id,
        detail={"from": previous, "case": case.id},
    )
    _event(session, actor, case, "alert_linked", alert=alert.id, detector=alert.detector)
    for sample in alerts.explain(session, alert).samples:
        _attach_document(session, case, sample.id)
    session.flush()
    return case


def _open(
    session: Session,
    actor: Actor,
    title: str,
    unit: OrgUnit,
    alert: Alert,
    playbook: Playbook | None,
) -> HotspotCase:
    now = utcnow()
    case = HotspotCase(
        title=title,
        unit_id=unit.id,
        topic=alert.topic,
        province_code=alert.province_code,
        playbook_id=playbook.id if playbook else None,
        playbook_name=playbook.name if playbook else "",
        status="open",
        opened_by=actor.user_id,
        opened_at=now,
        summary="",
    )
    if playbook is not None:
        case.steps.extend(
            CaseStep(
                position=step.position,
                title=step.title,
                guidance=step.guidance,
                due_at=now + timedelta(hours=step.due_hours) if step.due_hours else None,
                state="todo",
                note="",
            )
            for step in playbook.steps
        )
    session.add(case)
    session.flush()
    _event(session, actor, case, "opened", title=title, unit=unit.name, playbook=case.playbook_name)
    _tell_unit(session, actor, case)
    return case


def _attach_document(session: Session, case: HotspotCase, document_id: int) -> bool:
    if session.get(CaseDocument, (case.id, document_id)) is not None:
        return False
    session.add(CaseDocument(case_id=case.id, document_id=document_id))
    session.flush()
    return True


def add_document(session: Session, actor: Actor, case_id: int, document_id: int) -> bool:
    """Group a document the actor may read into the case; False if it was there already."""
    case = _handled(session, actor, case_id)
    if visible_document(session, actor, document_id) is None:
        raise NotFound("errors.document_not_found", id=document_id)
    added = _attach_document(session, case, document_id)
    if added:
        _event(session, actor, case, "document_added", document=document_id)
    return added


def add_note(session: Session, actor: Actor, case_id: int, text: str) -> None:
    """A field note: what collaborators or officers learned, in words (personal numbers masked)."""
    case = _handled(session, actor, case_id)
    note = _clean(text, MAX_NOTE, "errors.case_note_required", "errors.case_note_too_long")
    _event(session, actor, case, "note", note)


def update_step(
    session: Session, actor: Actor, case_id: int, step_id: int, state: str, note: str = ""
) -> CaseStep:
    """Mark a step done or skipped (skipping needs a note saying why), or back to do."""
    case = _handled(session, actor, case_id)
    step = next((s for s in case.steps if s.id == step_id), None)
    if step is None:
        raise NotFound("errors.case_step_not_found", id=step_id)
    if state not in ("done", "skipped", "todo"):
        raise BadInput("errors.case_step_bad_state", state=state)
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise BadInput("errors.case_note_too_long", limit=MAX_NOTE)
    if state == "skipped" and not note:
        raise BadInput("errors.case_skip_reason_required")
    if state == step.state:
        raise BadInput("errors.case_step_unchanged")
    step.state, step.note = state, mask_pii(note).text if note else ""
    step.done_at = utcnow() if state != "todo" else None
    step.done_by = actor.user_id if state != "todo" else None
    kind = {"done": "step_done", "skipped": "step_skipped", "todo": "step_reopened"}[state]
    _event(session, actor, case, kind, step.note, step=step.position, title=step.title)
    if state == "done" and case.status == "open":
        _status(session, actor, case, "in_progress")
    session.flush()
    return step


def set_status(
    session: Session, actor: Actor, case_id: int, status: str, summary: str = ""
) -> HotspotCase:
    """Move a case to another status; closing needs a summary of how it ended."""
    case = _handled(session, actor, case_id)
    if status not in CASE_STATUSES:
        raise BadInput("errors.case_bad_status", status=status)
    if status == case.status:
        raise BadInput("errors.case_status_unchanged")
    if status == "closed":
        case.summary = _clean(
            summary, MAX_NOTE, "errors.case_summary_required", "errors.case_note_too_long"
        )
        case.closed_at = utcnow()
    _status(session, actor, case, status, case.summary if status == "closed" else "")
    session.flush()
    return case


def _status(session: Session, actor: Actor, case: HotspotCase, status: str, text: str = "") -> None:
    previous, case.status = case.status, status
    _event(session, actor, case, "status", text, previous=previous, status=status)


def assign(session: Session, actor: Actor, case_id: int, unit_id: int) -> HotspotCase:
    """Hand the case to another unit within the actor's scope."""
    case = _handled(session, actor, case_id)
    unit = _assignable(session, actor, unit_id)
    if unit.id == case.unit_id:
        raise BadInput("errors.case_unit_unchanged")
    case.unit_id = unit.id
    _event(session, actor, case, "assigned", unit=unit.name)
    _tell_unit(session, actor, case)
    session.flush()
    return case


def _tell_unit(session: Session, actor: Actor, case: HotspotCase) -> None:
    """Notify, in the app, the staff of the unit the case is assigned to (not the person who
    assigned it): the case is theirs to follow now."""
    text = stored_text("notifications.case_text", title=case.title)[:500]
    for recipients in delivery.staff(session, [case.unit_id]).values():
        for recipient in recipients:
            if recipient.user_id == actor.user_id:
                continue
            session.add(
                Notification(
                    user_id=recipient.user_id,
                    unit_id=case.unit_id,
                    kind="case",
                    case_id=case.id,
                    text=text,
                    link=f"/warning/cases/{case.id}",
                    in_app=True,
                    email_state="none",
                    created_at=utcnow(),
                )
            )


def timeline(session: Session, case: HotspotCase) -> list[CaseEvent]:
    """The case's entries, newest first."""
    statement = (
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
    )
    return list(session.scalars(statement))


def linked_alerts(session: Session, case: HotspotCase) -> list[Alert]:
    statement = (
        select(Alert)
        .join(CaseAlert, CaseAlert.alert_id == Alert.id)
        .where(CaseAlert.case_id == case.id)
        .order_by(Alert.window_end.desc())
    )
    return list(session.scalars(statement))


def case_of_alert(session: Session, alert: Alert) -> int | None:
    link = session.get(CaseAlert, alert.id)
    return link.case_id if link else None


def documents(session: Session, case: HotspotCase) -> list[CaseDocumentRow]:
    """The case's documents by title (their text is read on their own, audited, page)."""
    rows = session.execute(
        select(Document.id, Document.title, Document.text, Document.published_at)
        .join(CaseDocument, CaseDocument.document_id == Document.id)
        .where(CaseDocument.case_id == case.id)
        .order_by(Document.published_at.desc())
    ).all()
    return [CaseDocumentRow(i, alerts.sample_title(title, text), at) for i, title, text, at in rows]
