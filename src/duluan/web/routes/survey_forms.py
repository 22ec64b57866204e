"""The respondent's web form: `/f/{access_token}` shows the current questionnaire of an open
survey, and `/f/{access_token}/submit` stores a filled one, once per instance id.

Anyone holding the link may answer a `public` or `token` survey; an `accounts` survey needs a
signed-in account allowed `surveys.collect` on the survey's unit, whose id is then recorded as
the collector. No IP address, user agent or device id is stored with the answers. The page
works offline once loaded (static/js/survey-form.js keeps drafts and an outbox on the device,
and the service worker `/f/survey-sw.js` lets the page itself open again without a network),
so a questionnaire may arrive twice or long after it was filled: `service.store_response` keeps
the first copy, and answers for a survey closed in between are refused with a message the page
shows beside them. The answers are checked here (`surveys/answers.py`), never trusted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2.utils import htmlsafe_json_dumps
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, DuluanError, NotFound, PayloadTooLarge, PermissionDenied
from duluan.i18n import translate
from duluan.surveys import answers, service
from duluan.surveys.models import Response as SurveyResponse
from duluan.surveys.models import Survey, SurveyVersion
from duluan.web.deps import SessionDep, current_actor, locale_of, public
from duluan.web.render import error_text, render
from duluan.web.survey_form_view import form_view

OFFLINE_WORKER = Path(__file__).parents[1] / "static" / "js" / "survey-sw.js"

router = APIRouter(prefix="/f", dependencies=[Depends(public)], include_in_schema=False)

# A filled questionnaire as JSON: far above any real one (500 repeat instances of short answers
# fit), far below the app-wide upload limit, so a hostile client cannot make us parse megabytes.
MAX_SUBMISSION_BYTES = 512 * 1024
TOKEN_LENGTH = 64  # Survey.access_token's column


def _survey_by_token(db: Session, access_token: str) -> Survey:
    """The survey whose link carries `access_token`; NotFound for any other token."""
    survey = None
    if 0 < len(access_token) <= TOKEN_LENGTH:
        survey = db.scalar(select(Survey).where(Survey.access_token == access_token))
    if survey is None:
        raise NotFound("survey_form.errors.unknown_link")
    return survey


def _collector(request: Request, db: Session, survey: Survey) -> Actor | None:
    """The signed-in collector for an `accounts` survey (NotAuthenticated sends a browser to
    the login page); None for the surveys anyone with the link may answer."""
    if survey.access != "accounts":
        return None
    actor = current_actor(request, db)
    unit = db.get(OrgUnit, survey.unit_id)
    if unit is None or not service.may_collect(actor, unit.path):
        raise PermissionDenied("errors.permission_denied")
    return actor


def _closed_key(survey: Survey) -> str | None:
    if survey.status == "open":
        return None
    return "survey_form.closed" if survey.status == "closed" else "survey_form.not_open"


@router.get("/survey-sw.js")
def offline_worker() -> FileResponse:
    """The service worker that lets a form page opened once open again offline. Served here
    rather than from /static/ because a worker's scope is the folder of its address: from /f/ it
    sees the form pages, and nothing of the staff pages. Declared before `/{access_token}`, which
    would otherwise take it for a link (access tokens are URL-safe base64: never a dot)."""
    return FileResponse(
        OFFLINE_WORKER,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/{access_token}")
def survey_form(
    request: Request, db: SessionDep, access_token: str, lang: str = ""
) -> HTMLResponse:
    survey = _survey_by_token(db, access_token)
    collector = _collector(request, db, survey)
    closed = _closed_key(survey)
    if closed is not None:
        context = {"survey": survey, "message_key": closed}
        notice = render(request, "surveys/form_closed.html", context, status=410)
        # 410 is cacheable by default: a browser would keep showing "closed" once it reopens.
        notice.headers["Cache-Control"] = "no-store"
        return notice
    version = service.current_version(db, survey)
    locale = locale_of(request)
    view = form_view(service.form_of(version), locale, lang[:100])
    spec = {
        **view.spec,
        "token": survey.access_token,
        "version": version.form_version,
        "submit_url": f"/f/{survey.access_token}/submit",
        "consent": bool(survey.consent_text.strip()),
    }
    context = {
        "survey": survey,
        "view": view,
        "collector": collector,
        "consent": spec["consent"],
        # Compact and not \u-escaped: the commune list is most of the page's weight.
        "spec_json": htmlsafe_json_dumps(spec, ensure_ascii=False, separators=(",", ":")),
    }
    response = render(request, "surveys/form.html", context)
    # The page carries a CSRF token and, for `accounts` surveys, the collector's name: never
    # in a shared cache, never reused without asking the server. The browser may keep it, so
    # that the offline worker copies it from there instead of asking for it a second time.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@router.post("/{access_token}/submit")
async def submit(request: Request, db: SessionDep, access_token: str) -> Response:
    """Check and store one filled questionnaire; 200 `{"stored", "created"}` for a new one and
    for a resend alike, 422 with the problems (nothing stored), 410 once the survey is closed."""
    locale = locale_of(request)
    try:
        survey = _survey_by_token(db, access_token)
        collector = _collector(request, db, survey)
        body = await _json_body(request)
    except DuluanError as exc:
        return _error(request, exc)
    closed = _closed_key(survey)
    if closed is not None:
        message = translate(closed, locale)
        return JSONResponse({"error": "closed", "closed": True, "message": message}, 410)
    try:
        version = _answered_version(db, survey, body.get("version"))
        given: Any = body.get("answers")  # validate() explains anything but an object
        checked = answers.validate(service.form_of(version), given)
    except DuluanError as exc:
        return _error(request, exc)
    if checked.problems:
        problems = [{"name": p.name, "message": p.message(locale)} for p in checked.problems]
        return JSONResponse({"problems": problems}, status_code=422)
    try:
        stored = service.store_response(
            db,
            survey,
            version,
            checked.answers,
            instance_id=_text(body, "instance_id"),
            channel="web",
            unit_id=survey.unit_id,
            collector_id=collector.user_id if collector is not None else None,
            started_at=_moment(body, "started_at"),
            completed_at=_moment(body, "completed_at"),
        )
    except DuluanError as exc:
        return _error(request, exc)
    db.commit()
    return JSONResponse({"stored": True, "created": stored.created})


def _error(request: Request, exc: DuluanError) -> JSONResponse:
    return JSONResponse({"error": exc.code, "message": error_text(request, exc)}, exc.status)


async def _json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, read no further than MAX_SUBMISSION_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_SUBMISSION_BYTES:
        raise _too_large()
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_SUBMISSION_BYTES:
            raise _too_large()
    try:
        body = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput("survey_form.errors.not_json") from exc
    if not isinstance(body, dict):
        raise BadInput("survey_form.errors.not_json")
    return body


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge("survey_form.errors.too_large", kb=MAX_SUBMISSION_BYTES // 1024)


def _answered_version(db: Session, survey: Survey, given: object) -> SurveyVersion:
    """The version the respondent's page showed (by its XForm version), else the current one: a
    page left open across a new version still submits against the questions it asked."""
    if given in (None, ""):
        return service.current_version(db, survey)
    version = db.scalar(
        select(SurveyVersion).where(
            SurveyVersion.survey_id == survey.id, SurveyVersion.form_version == str(given)
        )
    )
    if version is None:
        raise BadInput("survey_form.errors.unknown_version", version=str(given)[:64])
    return version


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise BadInput("survey_form.errors.missing_field", field=key)
    return value


def _moment(body: dict[str, Any], key: str) -> datetime | None:
    """An ISO time the page recorded (`2026-11-24T09:30:00.000Z`); None when absent or not a
    time: durations are a monitoring aid, never a reason to lose answers."""
    value = body.get(key)
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@router.post("/{access_token}/contact")
async def contact(request: Request, db: SessionDep, access_token: str) -> Response:
    """Contact data a respondent chose to leave after sending, for a survey that asks for it;
    kept apart from the answers (`service.store_contact`), for the owner unit's admins."""
    try:
        survey = _survey_by_token(db, access_token)
        _collector(request, db, survey)
        body = await _json_body(request)
        given = body.get("contact")
        if not isinstance(given, dict):
            raise BadInput("survey_form.errors.missing_field", field="contact")
        response = db.scalar(
            select(SurveyResponse).where(
                SurveyResponse.survey_id == survey.id,
                SurveyResponse.instance_id == _text(body, "instance_id"),
            )
        )
        if response is None:
            raise NotFound("surveys.errors.response_not_found")
    except DuluanError as exc:
        return _error(request, exc)
    stored = service.store_contact(db, survey, response, given)
    db.commit()
    return JSONResponse({"stored": stored})
