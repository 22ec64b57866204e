"""Surveys as a unit's staff manage them: one created from an imported XLSForm, new versions of
its questionnaire, its settings, and the responses every channel stores through `store_response`.

Every survey belongs to a unit; reading needs `surveys.view` and changing `surveys.manage` on
that unit (deny by default, as everywhere). Creating a survey, adding a version and changing the
settings are audited.

Versions: ODK Collect tells versions of a form apart by the XForm `version` attribute, and each
response records the version it answered. A questionnaire without a `version` in its settings
sheet gets its version number ("1", "2", …); one whose `version` an earlier version already
used is refused, since responses to the two could not be told apart.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, insert, or_, select
from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import ACTIONS, Actor, scope_filter
from duluan.db.types import utcnow
from duluan.errors import BadInput, Conflict, NotFound, PermissionDenied
from duluan.surveys.form import Form
from duluan.surveys.models import (
    ACCESS_MODES,
    CHANNELS,
    SURVEY_STATUSES,
    Response,
    ResponseChange,
    ResponseContact,
    Survey,
    SurveyVersion,
)
from duluan.surveys.xlsform import ImportedForm, to_xform

VIEW, MANAGE = "surveys.view", "surveys.manage"
SHOWN = 200


def _in_scope(actor: Actor, action: str = VIEW) -> Select[Survey]:
    return (
        select(Survey)
        .join(OrgUnit, OrgUnit.id == Survey.unit_id)
        .where(scope_filter(actor, action, OrgUnit.path))
    )


def visible_surveys(session: Session, actor: Actor) -> list[Survey]:
    """Surveys of units within the actor's scope, newest first."""
    statement = _in_scope(actor).order_by(Survey.created_at.desc(), Survey.id.desc())
    return list(session.scalars(statement.limit(SHOWN)))


def get_survey(session: Session, actor: Actor, survey_id: int, action: str = VIEW) -> Survey:
    """One survey within the actor's scope for `action`: PermissionDenied when the actor may
    only read it, NotFound when it is out of sight (never says it exists elsewhere)."""
    survey = session.scalars(_in_scope(actor, action).where(Survey.id == survey_id)).first()
    if survey is not None:
        return survey
    if action != VIEW and session.scalars(_in_scope(actor).where(Survey.id == survey_id)).first():
        raise PermissionDenied("errors.permission_denied")
    raise NotFound("surveys.errors.not_found")


def create_survey(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    imported: ImportedForm,
    *,
    data: bytes | None = None,
    filename: str = "",
) -> Survey:
    """A new draft survey of `unit` with the imported questionnaire as version 1."""
    actor.require(MANAGE, unit.path)
    form = imported.form
    if session.scalar(select(Survey.id).where(Survey.form_id == form.form_id)) is not None:
        raise Conflict("surveys.errors.form_id_taken", form_id=form.form_id)
    survey = Survey(
        unit_id=unit.id,
        form_id=form.form_id,
        title=(form.title or form.form_id)[:300],
        status="draft",
        modes=["web"],
        quotas=[],
        access="token",
        access_token=secrets.token_urlsafe(24),
        created_by=actor.user_id or None,
        created_at=utcnow(),
    )
    session.add(survey)
    session.flush()
    version = _add_version(session, actor, survey, imported, data, filename)
    audit.record(
        session,
        actor=actor,
        action="survey.created",
        target=f"survey:{survey.id}",
        unit_id=unit.id,
        detail={"form_id": form.form_id, "version": version.form_version},
    )
    return survey


def add_version(
    session: Session,
    actor: Actor,
    survey_id: int,
    imported: ImportedForm,
    *,
    data: bytes | None = None,
    filename: str = "",
) -> SurveyVersion:
    """A new version of the survey's questionnaire (same `form_id`); earlier responses keep
    pointing at the version they answered."""
    survey = get_survey(session, actor, survey_id, MANAGE)
    if imported.form.form_id != survey.form_id:
        raise BadInput(
            "surveys.errors.other_form", expected=survey.form_id, found=imported.form.form_id
        )
    version = _add_version(session, actor, survey, imported, data, filename)
    audit.record(
        session,
        actor=actor,
        action="survey.version_added",
        target=f"survey:{survey.id}",
        unit_id=survey.unit_id,
        detail={"number": version.number, "version": version.form_version},
    )
    return version


def _add_version(
    session: Session,
    actor: Actor,
    survey: Survey,
    imported: ImportedForm,
    data: bytes | None,
    filename: str,
) -> SurveyVersion:
    number = 1 + (
        session.scalar(
            select(func.max(SurveyVersion.number)).where(SurveyVersion.survey_id == survey.id)
        )
        or 0
    )
    form, xform = imported.form, imported.xform
    used = set(
        session.scalars(
            select(SurveyVersion.form_version).where(SurveyVersion.survey_id == survey.id)
        )
    )
    if form.version and form.version in used:
        raise BadInput("surveys.errors.version_used", version=form.version)
    if not form.version:
        form = dataclasses.replace(form, version=str(number))
        xform = to_xform(form)
    version = SurveyVersion(
        survey_id=survey.id,
        number=number,
        form_version=form.version,
        schema=form.to_dict(),
        xform=xform,
        xlsform=data,
        source_name=filename[:255],
        created_by=actor.user_id or None,
        created_at=utcnow(),
    )
    session.add(version)
    session.flush()
    return version


def versions(session: Session, survey: Survey) -> list[SurveyVersion]:
    """The survey's questionnaire versions, newest first."""
    statement = select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)
    return list(session.scalars(statement.order_by(SurveyVersion.number.desc())))


def current_version(session: Session, survey: Survey) -> SurveyVersion:
    """The newest version: what new respondents and collectors get."""
    found = versions(session, survey)
    if not found:
        raise NotFound("surveys.errors.no_version")
    return found[0]


def form_of(version: SurveyVersion) -> Form:
    """The questionnaire of a version, parsed once and kept: a stored version never changes (the
    key carries its creation time, so another database's version of the same id is not taken
    for it)."""
    key = (version.id, version.created_at)
    form = _FORMS.get(key)
    if form is None:
        if len(_FORMS) >= KEPT_FORMS:
            _FORMS.clear()
        form = _FORMS[key] = Form.from_dict(version.schema)
    return form


KEPT_FORMS = 64
_FORMS: dict[tuple[int, datetime], Form] = {}


@dataclasses.dataclass(frozen=True)
class Stored:
    """What `store_response` did: the response, and whether it is new (False: a resend)."""

    response: Response
    created: bool


def store_response(
    session: Session,
    survey: Survey,
    version: SurveyVersion,
    answers: dict[str, Any],
    *,
    instance_id: str,
    channel: str,
    unit_id: int,
    collector_id: int | None = None,
    started_at: datetime | None = None,
    completed_at: datetime | None = None,
) -> Stored:
    """Store checked answers once per `instance_id`: a resend of a stored instance returns the
    stored response unchanged. The caller has checked the answers (`surveys/answers.py`) and who
    may submit; this runs in the caller's transaction.

    One `INSERT … ON CONFLICT DO NOTHING RETURNING` (SQLite and PostgreSQL alike) both stores a
    new instance and tells a resend apart, also when two copies of the same instance arrive at
    once: the database's unique key decides, and a resend then costs one more read."""
    instance_id = instance_id.strip()
    if not instance_id or len(instance_id) > 100:
        raise BadInput("surveys.errors.bad_instance_id")
    now = utcnow()
    duration = None
    if started_at is not None and completed_at is not None and completed_at >= started_at:
        duration = int((completed_at - started_at).total_seconds())
    row = {
        "survey_id": survey.id,
        "version_id": version.id,
        "instance_id": instance_id,
        "channel": channel,
        "unit_id": unit_id,
        "collector_id": collector_id,
        "answers": answers,
        "started_at": started_at,
        "completed_at": completed_at,
        "received_at": now,
        "duration_seconds": duration,
        "status": "submitted",
        "flags": [],
    }
    response = session.scalars(_STORE_ONCE[_dialect(session)], [row]).first()
    if response is None:
        existing = _stored(session, survey.id, instance_id)
        if existing is None:  # cannot be: the conflict was on this very key
            raise RuntimeError(f"instance {instance_id!r} conflicted but is not stored")
        return Stored(existing, False)
    change = {"response_id": response.id, "action": "submitted", "user_id": collector_id}
    session.execute(_RECORD_CHANGE, [{**change, "at": now, "note": ""}])
    return Stored(response, True)


def _store_once(dialect_insert: Callable[..., SqliteInsert | PostgresInsert]) -> Any:
    return (
        dialect_insert(Response)
        .on_conflict_do_nothing(index_elements=["survey_id", "instance_id"])
        .returning(Response)
    )


# Built once: the rows come as parameters, so SQLAlchemy compiles each statement once per process
# (building the statement with the values in it costs more than the rest of the insert).
_STORE_ONCE = {"sqlite": _store_once(sqlite_insert), "postgresql": _store_once(postgres_insert)}
_RECORD_CHANGE = insert(ResponseChange)


def _dialect(session: Session) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


def dialect_insert(session: Session) -> Callable[..., SqliteInsert | PostgresInsert]:
    """The INSERT construct of the session's database, the one that can say ON CONFLICT (both
    spell it alike, so callers write one statement for SQLite and PostgreSQL)."""
    return postgres_insert if _dialect(session) == "postgresql" else sqlite_insert


def _stored(session: Session, survey_id: int, instance_id: str) -> Response | None:
    return session.scalar(
        select(Response).where(Response.survey_id == survey_id, Response.instance_id == instance_id)
    )


@dataclasses.dataclass(frozen=True)
class SurveySettings:
    """What staff set on a survey's page. `quotas` is written one per line,
    `question = value : target` (`tinh = 15 : 400`, `nhom_tuoi = tre : 120`)."""

    title: str
    description: str = ""
    status: str = "draft"
    fieldwork_start: date | None = None
    fieldwork_end: date | None = None
    target_population: str = ""
    sample_design: str = ""
    consent_text: str = ""
    access: str = "token"
    modes: tuple[str, ...] = ("web",)
    quotas: str = ""
    double_entry: bool = False
    collects_contact: bool = False


MAX_TEXT = 10_000


def update_settings(
    session: Session, actor: Actor, survey_id: int, settings: SurveySettings
) -> Survey:
    """Check and save the settings; audited with what changed."""
    survey = get_survey(session, actor, survey_id, MANAGE)
    title = settings.title.strip()
    if not title or len(title) > 300:
        raise BadInput("surveys.errors.title")
    if settings.status not in SURVEY_STATUSES:
        raise BadInput("surveys.errors.status", status=settings.status)
    if settings.access not in ACCESS_MODES:
        raise BadInput("surveys.errors.access", access=settings.access)
    if not settings.modes or any(m not in CHANNELS for m in settings.modes):
        raise BadInput("surveys.errors.modes")
    start, end = settings.fieldwork_start, settings.fieldwork_end
    if start is not None and end is not None and end < start:
        raise BadInput("surveys.errors.fieldwork_order")
    texts = (settings.description, settings.target_population, settings.sample_design)
    if any(len(text) > MAX_TEXT for text in (*texts, settings.consent_text)):
        raise BadInput("surveys.errors.too_long", limit=MAX_TEXT)
    quotas = parse_quotas(settings.quotas, form_of(current_version(session, survey)))
    before = _settings_of(survey)
    survey.title = title
    survey.description = settings.description.strip()
    survey.status = settings.status
    survey.fieldwork_start, survey.fieldwork_end = start, end
    survey.target_population = settings.target_population.strip()
    survey.sample_design = settings.sample_design.strip()
    survey.consent_text = settings.consent_text.strip()
    survey.access = settings.access
    survey.modes = list(dict.fromkeys(settings.modes))
    survey.quotas = quotas
    survey.double_entry = settings.double_entry
    survey.collects_contact = settings.collects_contact
    after = _settings_of(survey)
    audit.record(
        session,
        actor=actor,
        action="survey.settings_changed",
        target=f"survey:{survey.id}",
        unit_id=survey.unit_id,
        detail={k: after[k] for k in after if after[k] != before[k]},
    )
    session.flush()
    return survey


def _settings_of(survey: Survey) -> dict[str, Any]:
    return {
        "title": survey.title,
        "status": survey.status,
        "fieldwork_start": str(survey.fieldwork_start or ""),
        "fieldwork_end": str(survey.fieldwork_end or ""),
        "access": survey.access,
        "modes": list(survey.modes or []),
        "quotas": list(survey.quotas or []),
        "consent": bool(survey.consent_text),
        "double_entry": survey.double_entry,
        "collects_contact": survey.collects_contact,
    }


def parse_quotas(text: str, form: Form) -> list[dict[str, Any]]:
    """Quota lines (`question = value : target`) checked against the questionnaire: the question
    exists and, for a choice question, the value is one of its choices."""
    quotas = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        question, _, rest = line.partition("=")
        value, _, target = rest.rpartition(":")
        question, value, target = question.strip(), value.strip(), target.strip()
        if not question or not value or not target.isdigit() or int(target) <= 0:
            raise BadInput("surveys.errors.quota_line", line=number, text=line.strip()[:100])
        found = form.find(question)
        if found is None or found.is_container:
            raise BadInput("surveys.errors.quota_question", line=number, question=question)
        if found.is_select and value not in {c.name for c in form.choices(found.choice_list)}:
            raise BadInput(
                "surveys.errors.quota_value", line=number, value=value, question=question
            )
        quotas.append({"question": question, "value": value, "target": int(target)})
    return quotas


def quotas_text(survey: Survey) -> str:
    """The survey's quotas written as the settings form takes them."""
    return "\n".join(f"{q['question']} = {q['value']} : {q['target']}" for q in survey.quotas or [])


CONTACT_FIELDS = ("name", "phone", "email")
MAX_CONTACT = 200


def store_contact(
    session: Session, survey: Survey, response: Response, given: dict[str, Any]
) -> bool:
    """Keep the contact data a respondent chose to leave, apart from the answers, when the survey
    asks for it; nothing otherwise (and nothing for a resend: the first copy's stays)."""
    if not survey.collects_contact:
        return False
    data = {
        key: str(given.get(key, "")).strip()[:MAX_CONTACT]
        for key in CONTACT_FIELDS
        if str(given.get(key, "")).strip()
    }
    if not data or session.get(ResponseContact, response.id) is not None:
        return False
    session.add(ResponseContact(response_id=response.id, data=data))
    session.flush()
    return True


def contact_of(
    session: Session, actor: Actor, survey: Survey, response: Response
) -> dict[str, str] | None:
    """The response's contact data, for the owner unit's admins only (None for anyone else)."""
    unit = session.get(OrgUnit, survey.unit_id)
    if unit is None or not actor.may("surveys.contacts", unit.path):
        return None
    found = session.get(ResponseContact, response.id)
    return dict(found.data) if found else None


# --- who collects for a survey -----------------------------------------------------------------

COLLECT = "surveys.collect"


def _collecting_paths(actor: Actor) -> list[str]:
    return [s.unit_path for s in actor.scopes if s.role in ACTIONS[COLLECT].roles]


def may_collect(actor: Actor, unit_path: str) -> bool:
    """Whether the actor collects for a survey of the unit at `unit_path`: with a collecting grant
    on that unit or above it, or on a unit within it (a ward's collaborators collect for their
    province's survey, and their responses count for their ward)."""
    return any(
        unit_path.startswith(path) or path.startswith(unit_path)
        for path in _collecting_paths(actor)
    )


def collectable(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `OrgUnit` (joined as the survey's unit) matching `may_collect`."""
    above = {int(part) for path in _collecting_paths(actor) for part in path.strip("/").split("/")}
    return or_(scope_filter(actor, COLLECT, OrgUnit.path), OrgUnit.id.in_(above))


def collecting_unit(actor: Actor, survey: Survey, survey_path: str) -> int:
    """The unit a collected response counts for: the deepest of the collector's units within the
    survey's unit, else the survey's own unit."""
    inside = [
        s
        for s in actor.scopes
        if s.role in ACTIONS[COLLECT].roles and s.unit_path.startswith(survey_path)
    ]
    return max(inside, key=lambda s: len(s.unit_path)).unit_id if inside else survey.unit_id


def collectable_survey(session: Session, actor: Actor, survey_id: int) -> Survey:
    """A survey the actor collects for (`may_collect`); NotFound otherwise."""
    found = session.execute(
        select(Survey, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == Survey.unit_id)
        .where(Survey.id == survey_id)
    ).first()
    if found is None or not may_collect(actor, found[1]):
        raise NotFound("surveys.errors.not_found")
    return found[0]
