"""The audit log: record security-relevant events and read them back within scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from duluan.auth.models import AuditEvent, OrgUnit
from duluan.auth.permissions import Actor, scope_filter

AUDITED_ACTIONS = (
    "login.succeeded",
    "login.failed",
    "login.throttled",
    "logout",
    "user.created",
    "user.disabled",
    "user.enabled",
    "user.password_changed",
    "user.email_changed",
    "grant.added",
    "grant.removed",
    "token.created",
    "token.revoked",
    "unit.created",
    "source.created",
    "source.disabled",
    "source.enabled",
    "documents.imported",
    "documents.pushed",
    "document.read",
    "documents.searched",
    "alert.acknowledged",
    "alert.dismissed",
    "alert.escalated",
    "case.opened",
    "case.alert_linked",
    "case.document_added",
    "case.note",
    "case.step_done",
    "case.step_skipped",
    "case.step_reopened",
    "case.status",
    "case.assigned",
    "playbook.saved",
    "topic.created",
    "topic.updated",
    "topic.deactivated",
    "topic.activated",
    "topics.retagged",
    "delivery_rule.saved",
    "delivery_rule.reset",
    "survey.created",
    "survey.version_added",
    "survey.settings_changed",
    "survey.exported",
    "survey.response_read",
    "survey.response_approved",
    "survey.response_rejected",
    "survey.response_corrected",
    "survey.weights_computed",
    "survey.published",
    "survey.publication_withdrawn",
    "network.category_added",
    "network.category_changed",
    "network.collaborator_added",
    "network.collaborator_changed",
    "network.collaborator_status",
    "network.contact_read",
    "network.training_added",
    "network.target_set",
    "network.report_submitted",
    "network.report_read",
    "network.report_case_linked",
    "network.schedule_set",
    "network.stream_picked",
    "network.dialogue_recorded",
    "network.petition_added",
    "network.petition_answered",
    "plan.created",
    "plan.task_added",
    "plan.task_updated",
    "plan.evidence_added",
    "scorecard.criterion_set",
    "scorecard.scored",
    "network.recognition_exported",
    "report.generated",
    "report.saved",
    "report.finalized",
    "report.redrafted",
    "report.consolidated",
    "report.downloaded",
    "report.letterhead_saved",
    "scorecard.exported",
    "plan.exported",
)


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    target: str = "",
    unit_id: int | None = None,
    ip: str = "",
    detail: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Add one event to the session; it is stored with the caller's transaction."""
    event = AuditEvent(
        actor_id=actor.user_id if actor and actor.user_id else None,  # 0: the command line
        actor_name=actor.username if actor else (actor_name or ""),
        action=action,
        target=target[:255],
        unit_id=unit_id,
        ip=ip[:64],
        detail=detail or {},
    )
    session.add(event)
    return event


def count_since(session: Session, *, action: str, target: str, since: datetime) -> int:
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == action, AuditEvent.target == target, AuditEvent.at >= since
    )
    return session.scalar(query) or 0


def visible_events(actor: Actor) -> Select[AuditEvent]:
    """Events about units within the actor's audit scope; events with no unit only at the root."""
    query = select(AuditEvent).outerjoin(OrgUnit, AuditEvent.unit_id == OrgUnit.id)
    in_scope = scope_filter(actor, "audit.view", OrgUnit.path)
    at_root = any(len(p.strip("/").split("/")) == 1 for p in actor.paths_for("audit.view"))
    condition = or_(in_scope, AuditEvent.unit_id.is_(None)) if at_root else in_scope
    return query.where(condition).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def list_events(
    session: Session, *, actor: Actor, action: str = "", limit: int = 200
) -> list[AuditEvent]:
    actor.require("audit.view")
    query = visible_events(actor)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query.limit(limit)))
