"""What ODK Collect and KoboCollect exchange with the platform (the OpenRosa Form List and Form
Submission APIs), without HTTP: the list of forms a collector may fill, and one submission
received, checked and stored with its attachments.

A submission is answered once per instance: the first copy stores the response (`created`), a
resend of the same `meta/instanceID` stores nothing new (`created` False) except attachments whose
names the stored response does not hold yet, since Collect splits a large submission into several
POSTs that carry the same instance and further files. An edit (`meta/deprecatedID` naming a
stored copy) replaces the stored response's answers (`surveys/edits.py`); every id a response has
had counts as that response. Answers are always checked here with `answers.validate`, whatever
the client checked: a submission with a problem is refused whole.
The web layer (`web/routes/openrosa.py`) turns these results and errors into OpenRosa responses.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Element, SubElement, tostring

from sqlalchemy import Select, String, bindparam, func, select
from sqlalchemy.orm import Session

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound, PayloadTooLarge, PermissionDenied
from duluan.surveys import answers as answer_checks
from duluan.surveys import edits, service, submission_xml
from duluan.surveys.form import Form
from duluan.surveys.models import (
    Response,
    ResponseAttachment,
    ResponseEdit,
    Survey,
    SurveyVersion,
)

__all__ = [
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "Attachment",
    "ListedForm",
    "Received",
    "form_list_xml",
    "listed_forms",
    "receive_submission",
    "response_xml",
    "xform_for_download",
]

VIEW = "surveys.view"
FORM_LIST_NS = "http://openrosa.org/xforms/xformsList"
RESPONSE_NS = "http://openrosa.org/http/response"
MAX_FILE_BYTES = 5 * 1024 * 1024  # one photo or recording; Collect scales photos well below this
MAX_TOTAL_BYTES = 50 * 1024 * 1024  # all the files of one response, over every POST of it
MAX_FILES = 50  # files in one POST
MAX_SHOWN_PROBLEMS = 3  # problems spelled out in a refusal; the count gives the rest
_FILE_NAME = re.compile(r"[^\x00-\x1f\x7f/\\]{1,255}")


@dataclass(frozen=True)
class ListedForm:
    """One entry of the form list: what Collect shows and compares to decide on a download."""

    form_id: str
    name: str
    version: str
    md5: str


@dataclass(frozen=True)
class Attachment:
    """One file part of a submission (a photo, a recording), as the client sent it."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Received:
    """What a submission did: the response (new, edited, or the one stored before) and the files
    added."""

    response_id: int
    created: bool
    files_added: int
    edited: bool = False  # an edit from the collector replaced the stored response's answers


def listed_forms(session: Session, actor: Actor, form_id: str = "") -> list[ListedForm]:
    """The open surveys of units within the actor's scope for collecting, each with its current
    version (only `form_id`'s when given, as the Form List API's `formID` parameter asks)."""
    statement = (
        select(Survey)
        .join(OrgUnit, OrgUnit.id == Survey.unit_id)
        .where(Survey.status == "open", service.collectable(actor))
        .order_by(Survey.title, Survey.id)
    )
    if form_id:
        statement = statement.where(Survey.form_id == form_id)
    surveys = list(session.scalars(statement))
    if not surveys:
        return []
    current = _current_versions(session, [survey.id for survey in surveys])
    return [
        ListedForm(
            form_id=survey.form_id,
            name=survey.title,
            version=current[survey.id].form_version,
            md5=hashlib.md5(
                current[survey.id].xform.encode("utf-8"), usedforsecurity=False
            ).hexdigest(),  # what the Form List API names; a change check, not security
        )
        for survey in surveys
        if survey.id in current
    ]


def _current_versions(session: Session, survey_ids: Sequence[int]) -> dict[int, SurveyVersion]:
    newest = (
        select(SurveyVersion.survey_id, func.max(SurveyVersion.number).label("number"))
        .where(SurveyVersion.survey_id.in_(survey_ids))
        .group_by(SurveyVersion.survey_id)
        .subquery()
    )
    statement = select(SurveyVersion).join(
        newest,
        (SurveyVersion.survey_id == newest.c.survey_id) & (SurveyVersion.number == newest.c.number),
    )
    return {version.survey_id: version for version in session.scalars(statement)}


def form_list_xml(forms: Sequence[ListedForm], download_url: str) -> bytes:
    """The `<xforms>` document of the Form List API; `download_url` holds `{form_id}`."""
    root = Element("xforms", {"xmlns": FORM_LIST_NS})
    for form in forms:
        entry = SubElement(root, "xform")
        SubElement(entry, "formID").text = form.form_id
        SubElement(entry, "name").text = form.name
        SubElement(entry, "version").text = form.version
        SubElement(entry, "hash").text = f"md5:{form.md5}"
        SubElement(entry, "downloadUrl").text = download_url.format(form_id=quote(form.form_id))
    return _document(root)


def response_xml(message: str, *, nature: str = "") -> bytes:
    """An `<OpenRosaResponse>` carrying one message (`nature`: `submit_success`, `submit_error`);
    Collect shows the message to the collector."""
    root = Element("OpenRosaResponse", {"xmlns": RESPONSE_NS})
    SubElement(root, "message", {"nature": nature} if nature else {}).text = message
    return _document(root)


def _document(root: Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode()


def xform_for_download(session: Session, actor: Actor, form_id: str) -> bytes:
    """The current version's XForm of an open survey the actor may collect for; NotFound else."""
    survey, _ = _collectable(session, actor, form_id)
    if survey.status != "open":
        raise NotFound("openrosa.form_not_found", form_id=form_id)
    return service.current_version(session, survey).xform.encode("utf-8")


def _collectable(session: Session, actor: Actor, form_id: str) -> tuple[Survey, str]:
    """The survey of `form_id` and its unit's path if the actor may collect for it (`_check`)."""
    found = session.execute(
        select(Survey, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == Survey.unit_id)
        .where(Survey.form_id == form_id)
    ).first()
    if found is None:
        raise NotFound("openrosa.form_not_found", form_id=form_id)
    _check(actor, form_id, found[1])
    return found[0], found[1]


def _check(actor: Actor, form_id: str, unit_path: str) -> None:
    """Nothing when the actor may collect for the survey of the unit at `unit_path`;
    PermissionDenied when they may only read it, NotFound when it is out of their sight (as if
    there were no such survey: never says it exists elsewhere)."""
    if service.may_collect(actor, unit_path):
        return
    if actor.may(VIEW, unit_path):
        raise PermissionDenied("openrosa.no_permission", form_id=form_id)
    raise NotFound("openrosa.form_not_found", form_id=form_id)


@dataclass(frozen=True)
class _Target:
    """What one query finds for a submission: its survey, the survey's unit path, the version it
    answered (None when the survey has no such version), and the response that already holds its
    instance id, first or as an edit (None when the instance is new)."""

    survey: Survey
    unit_path: str
    version: SurveyVersion | None
    known: int | None


def _target(
    session: Session, actor: Actor, form_id: str, version_name: str, instance_id: str
) -> _Target:
    """Everything a submission needs looked up, in one round trip to the database."""
    parameters = {"form_id": form_id, "version": version_name, "instance_id": instance_id}
    found = session.execute(_TARGET, parameters).first()
    if found is None:
        raise NotFound("openrosa.form_not_found", form_id=form_id)
    _check(actor, form_id, found[1])
    return _Target(*found)


def _target_statement() -> Select[Survey, str, SurveyVersion, Any]:
    instance_id = bindparam("instance_id", type_=String)
    first = select(Response.id).where(
        Response.survey_id == Survey.id, Response.instance_id == instance_id
    )
    edited = select(ResponseEdit.response_id).where(
        ResponseEdit.survey_id == Survey.id, ResponseEdit.instance_id == instance_id
    )
    known = func.coalesce(first.scalar_subquery(), edited.scalar_subquery())
    version_of_survey = (SurveyVersion.survey_id == Survey.id) & (
        SurveyVersion.form_version == bindparam("version")
    )
    return (
        select(Survey, OrgUnit.path, SurveyVersion, known)
        .join(OrgUnit, OrgUnit.id == Survey.unit_id)
        .outerjoin(SurveyVersion, version_of_survey)
        .where(Survey.form_id == bindparam("form_id"))
    )


# Built once, run with parameters: building a statement of this size anew on every submission
# costs about as much CPU as running it.
_TARGET = _target_statement()


def receive_submission(
    session: Session, actor: Actor, data: bytes, attachments: Sequence[Attachment] = ()
) -> Received:
    """Check and store one submission (the `xml_submission_file` bytes and its files) in the
    caller's transaction: a new response, an edit of a stored one (`surveys/edits.py`), or
    nothing new for a resend. BadInput, PayloadTooLarge, NotFound, PermissionDenied or Conflict
    naming the problem; nothing is stored then (the caller rolls back)."""
    _check_files(attachments)
    root = submission_xml.parse(data)
    form_id, version_name = _root_of(root)
    meta = submission_xml.meta_of(root)
    target = _target(session, actor, form_id, version_name, meta.get("instanceID", "").strip())
    survey, version = target.survey, _version(target, version_name)
    instance_id, deprecated_id = submission_xml.identity(root, meta)  # checked once form is known
    if target.known is not None:  # a resend, or a further part of a split submission
        return Received(target.known, False, _add_files(session, target.known, attachments))
    if survey.status != "open":
        raise BadInput("openrosa.form_not_open", form_id=form_id)
    form = service.form_of(version)
    instance = submission_xml.read_instance(form, root)
    checked = answer_checks.validate(form, instance.answers)
    if checked.problems:
        shown = " ".join(p.message(actor.locale) for p in checked.problems[:MAX_SHOWN_PROBLEMS])
        raise BadInput("openrosa.invalid_answers", count=len(checked.problems), problems=shown)
    started_at, completed_at = _times(form, checked.answers)
    edited = edits.edited_response(session, survey.id, deprecated_id) if deprecated_id else None
    if edited is not None:
        applied = edits.apply_edit(
            session,
            actor,
            survey,
            version,
            edited,
            checked.answers,
            instance_id=instance_id,
            deprecated_id=deprecated_id,
            started_at=started_at,
            completed_at=completed_at,
        )
        return Received(edited.id, False, _add_files(session, edited.id, attachments), applied)
    result = service.store_response(
        session,
        survey,
        version,
        checked.answers,
        instance_id=instance_id,
        channel="odk",
        unit_id=service.collecting_unit(actor, survey, target.unit_path),
        collector_id=actor.user_id or None,
        started_at=started_at,
        completed_at=completed_at,
    )
    return Received(
        result.response.id, result.created, _add_files(session, result.response.id, attachments)
    )


def _check_files(attachments: Sequence[Attachment]) -> None:
    if len(attachments) > MAX_FILES:
        raise BadInput("openrosa.too_many_files", count=len(attachments), limit=MAX_FILES)
    names: set[str] = set()
    for attachment in attachments:
        if not _FILE_NAME.fullmatch(attachment.name) or attachment.name in (".", ".."):
            raise BadInput("openrosa.bad_file_name", name=attachment.name[:80])
        if attachment.name in names:
            raise BadInput("openrosa.duplicate_file", name=attachment.name)
        names.add(attachment.name)
        if len(attachment.data) > MAX_FILE_BYTES:
            raise PayloadTooLarge(
                "openrosa.file_too_large",
                name=attachment.name,
                size_mb=_mb(len(attachment.data)),
                limit_mb=_mb(MAX_FILE_BYTES),
            )


def _root_of(root: Element) -> tuple[str, str]:
    """The form id and version the submission names on its root element: what is needed to find
    the questionnaire, against which `read_instance` then reads the whole document."""
    form_id = (root.get("id") or "").strip()
    if not form_id:
        raise BadInput("openrosa.missing_form_id")
    return form_id, (root.get("version") or "").strip()


def _version(target: _Target, name: str) -> SurveyVersion:
    """The version the submission answered (`name`): any version of the survey, current or not."""
    if not name:
        raise BadInput("openrosa.missing_version", form_id=target.survey.form_id)
    if target.version is None:
        raise BadInput("openrosa.unknown_version", version=name[:80], form_id=target.survey.form_id)
    return target.version


_TIME_TYPES = ("start", "end")


def _times(form: Form, answers: dict[str, object]) -> tuple[datetime | None, datetime | None]:
    """When the interview started and ended, from the form's `start` and `end` questions (ODK
    fills them from the device clock); None where the form has none or the value is not a time."""
    found: dict[str, datetime | None] = dict.fromkeys(_TIME_TYPES)
    for path, question in form.walk():
        if not path and question.type in _TIME_TYPES and found[question.type] is None:
            found[question.type] = _moment(answers.get(question.name))
    return found["start"], found["end"]


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # a device time without its offset cannot be placed
    return moment.astimezone(UTC)


def _add_files(session: Session, response_id: int, attachments: Sequence[Attachment]) -> int:
    """Store the files whose names the response does not hold yet; PayloadTooLarge when they
    would take the response's files over MAX_TOTAL_BYTES."""
    if not attachments:
        return 0
    rows = session.execute(
        select(ResponseAttachment.name, ResponseAttachment.size).where(
            ResponseAttachment.response_id == response_id
        )
    )
    held = {name: size for name, size in rows}
    new = [attachment for attachment in attachments if attachment.name not in held]
    total = sum(held.values()) + sum(len(attachment.data) for attachment in new)
    if total > MAX_TOTAL_BYTES:
        raise PayloadTooLarge(
            "openrosa.files_too_large", size_mb=_mb(total), limit_mb=_mb(MAX_TOTAL_BYTES)
        )
    for attachment in new:
        session.add(
            ResponseAttachment(
                response_id=response_id,
                name=attachment.name,
                content_type=(attachment.content_type or "application/octet-stream")[:100],
                size=len(attachment.data),
                sha256=hashlib.sha256(attachment.data).hexdigest(),
                data=attachment.data,
            )
        )
    session.flush()
    return len(new)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"
