"""Edited copies of responses that ODK Collect sends: when a collector edits a form they have sent,
Collect sends it again under a new `meta/instanceID`, with `meta/deprecatedID` naming the copy it
replaces. The edit replaces the stored response's answers; nothing is counted twice.

The response keeps the instance id it was first stored under; each edit's id is kept in
`ResponseEdit`, so that a resend of the edit, or of any copy before it, stores nothing new (the
lookup in `openrosa.receive_submission` finds both). The answers before and after go into the
response's history (`ResponseChange`, "resubmitted") through the same record a reviewer's
correction makes, and the edit is audited.

Who may edit what (docs/surveys.md, "ODK Collect and KoboCollect"):
- an edit is received only while the survey is open and from a collector who may collect for it
  (checked with every submission);
- only the collector who sent the response may edit it: Collect edits on the phone that sent it,
  so another account's edit is refused (`PermissionDenied`);
- only a response still awaiting review: once a reviewer has approved or rejected it, the edit is
  refused (`Conflict`) and the collector asks the reviewer, who may correct the answers;
- an edit whose earlier copy never arrived (sent elsewhere, or lost) is stored as a new response
  by the caller: losing it would be worse than keeping it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import Conflict, PermissionDenied
from duluan.surveys import review
from duluan.surveys.models import Response, ResponseEdit, Survey, SurveyVersion
from duluan.surveys.service import dialect_insert

__all__ = ["apply_edit", "edited_response"]

EDITABLE = "submitted"  # the status of a response that no reviewer has decided on yet


def edited_response(session: Session, survey_id: int, deprecated_id: str) -> Response | None:
    """The response whose copy `deprecated_id` names (its first instance id or an edit's), locked
    until the transaction ends where the database can lock rows, so two edits of one response
    apply one after the other."""
    edits = select(ResponseEdit.response_id).where(
        ResponseEdit.survey_id == survey_id, ResponseEdit.instance_id == deprecated_id
    )
    statement = select(Response).where(
        Response.survey_id == survey_id,
        or_(Response.instance_id == deprecated_id, Response.id.in_(edits)),
    )
    return session.scalars(statement.with_for_update()).first()


def apply_edit(
    session: Session,
    actor: Actor,
    survey: Survey,
    version: SurveyVersion,
    response: Response,
    answers: dict[str, Any],
    *,
    instance_id: str,
    deprecated_id: str,
    started_at: datetime | None = None,
    completed_at: datetime | None = None,
) -> bool:
    """Replace the response's answers (checked by the caller against `version`, which the
    response then records) with the edit's; False when this edit was stored before (a copy that
    arrived at the same moment), in which case nothing changes."""
    if response.channel != "odk" or response.collector_id != (actor.user_id or None):
        raise PermissionDenied("openrosa.edits.not_yours", instance_id=deprecated_id)
    if response.status != EDITABLE:
        raise Conflict("openrosa.edits.reviewed", instance_id=deprecated_id)
    kept = session.scalar(
        dialect_insert(session)(ResponseEdit)
        .values(
            survey_id=survey.id,
            response_id=response.id,
            instance_id=instance_id,
            deprecated_id=deprecated_id,
            received_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["survey_id", "instance_id"])
        .returning(ResponseEdit.id)
    )
    if kept is None:
        return False
    before = dict(response.answers or {})
    response.answers = answers
    response.version_id = version.id
    if started_at is not None and completed_at is not None and completed_at >= started_at:
        response.started_at, response.completed_at = started_at, completed_at
        response.duration_seconds = int((completed_at - started_at).total_seconds())
    note = f"{deprecated_id} → {instance_id}"
    review.record_change(session, actor, survey, response, "resubmitted", note, before)
    return True
