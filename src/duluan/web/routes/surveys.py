"""Survey pages for staff: the surveys within scope, creating one from an XLSForm file, and one
survey's page — its settings, questionnaire versions, the links collectors and respondents use,
fieldwork figures, and the export of raw answers (audited)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from duluan.auth import audit
from duluan.auth.models import OrgUnit, User
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, DuluanError
from duluan.surveys import export, monitoring, paper, quality, review, service
from duluan.surveys.form import Form as SurveyForm
from duluan.surveys.form import Question
from duluan.surveys.models import (
    ACCESS_MODES,
    CHANNELS,
    RESPONSE_STATUSES,
    SURVEY_STATUSES,
    Survey,
    SurveyVersion,
)
from duluan.surveys.models import Response as SurveyResponse
from duluan.surveys.xlsform import read_xlsform, write_xlsform
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.downloads import attachment
from duluan.web.render import error_text, render
from duluan.web.routes.sources import managed_units

router = APIRouter(prefix="/surveys", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("surveys.view"))]
Manager = Annotated[Actor, Depends(need("surveys.manage"))]
Text = Annotated[str, Form(max_length=service.MAX_TEXT)]


@router.get("")
def survey_list(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    return _list(request, db, actor)


def _list(request: Request, db: SessionDep, actor: Actor, **extra: Any) -> HTMLResponse:
    shown = service.visible_surveys(db, actor)
    context = {
        "surveys": shown,
        "counts": {s.id: monitoring.response_count(db, s) for s in shown},
        "units": managed_units(db, actor, "surveys.manage"),
        "unit_names": {
            u.id: u.name
            for u in db.scalars(select(OrgUnit).where(OrgUnit.id.in_({s.unit_id for s in shown})))
        },
        **extra,
    }
    return render(request, "surveys/list.html", context, status=400 if "error" in extra else 200)


async def _read_upload(upload: UploadFile | None) -> tuple[bytes, str]:
    if upload is None or not upload.filename:
        raise BadInput("surveys.errors.no_file")
    return await upload.read(), upload.filename


@router.post("")
async def survey_create(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit_id: Annotated[int, Form()],
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Create a draft survey from the uploaded XLSForm; a broken form is shown with the sheet,
    row and column at fault, and nothing is stored."""
    try:
        data, filename = await _read_upload(upload)
        units = [u for u in managed_units(db, actor, "surveys.manage") if u.id == unit_id]
        if not units:
            raise BadInput("errors.unit_out_of_scope")
        survey = service.create_survey(
            db, actor, units[0], read_xlsform(data, filename), data=data, filename=filename
        )
    except DuluanError as exc:
        db.rollback()
        return _list(request, db, actor, error=error_text(request, exc))
    db.commit()
    return RedirectResponse(f"/surveys/{survey.id}?created=1", status_code=303)


@router.get("/{survey_id}")
def survey_page(request: Request, db: SessionDep, actor: Viewer, survey_id: int) -> HTMLResponse:
    return _page(request, db, actor, service.get_survey(db, actor, survey_id))


def _page(
    request: Request, db: SessionDep, actor: Actor, survey: Survey, **extra: Any
) -> HTMLResponse:
    version = service.current_version(db, survey)
    base = str(request.base_url).rstrip("/")
    unit = db.get(OrgUnit, survey.unit_id)
    quality.refresh(db, survey)  # the flagged count below is current
    db.commit()
    figures = monitoring.fieldwork(db, survey)
    counted = list(db.scalars(select(OrgUnit).where(OrgUnit.id.in_(figures.by_unit))))
    collectors = db.execute(
        select(User.id, User.username).where(User.id.in_(figures.by_collector))
    ).all()
    context = {
        "survey": survey,
        "unit": unit,
        "current": version,
        "form": service.form_of(version),
        "versions": service.versions(db, survey),
        "figures": figures,
        "days": [[day.isoformat(), n] for day, n in figures.by_day[-30:]],
        "unit_names": {u.id: u.name for u in counted},
        "collector_names": {user_id: name for user_id, name in collectors},
        "can_manage": unit is not None and actor.may("surveys.manage", unit.path),
        "web_link": f"{base}/f/{survey.access_token}",
        "openrosa_url": f"{base}/openrosa",
        "statuses": SURVEY_STATUSES,
        "access_modes": ACCESS_MODES,
        "channels": CHANNELS,
        "quotas_text": service.quotas_text(survey),
        "saved": request.query_params.get("saved") == "1",
        "created": request.query_params.get("created") == "1",
        **extra,
    }
    return render(request, "surveys/detail.html", context, status=400 if "error" in extra else 200)


@router.post("/{survey_id}/settings")
def survey_settings(
    request: Request,
    db: SessionDep,
    actor: Manager,
    survey_id: int,
    title: Annotated[str, Form(max_length=1_000)] = "",
    status: Annotated[str, Form(max_length=16)] = "draft",
    access: Annotated[str, Form(max_length=16)] = "token",
    modes: Annotated[list[str] | None, Form()] = None,
    fieldwork_start: Annotated[str, Form(max_length=10)] = "",
    fieldwork_end: Annotated[str, Form(max_length=10)] = "",
    description: Text = "",
    target_population: Text = "",
    sample_design: Text = "",
    consent_text: Text = "",
    quotas: Text = "",
    double_entry: Annotated[str, Form(max_length=8)] = "",
    collects_contact: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    try:
        settings = service.SurveySettings(
            title=title,
            description=description,
            status=status,
            fieldwork_start=_day(fieldwork_start),
            fieldwork_end=_day(fieldwork_end),
            target_population=target_population,
            sample_design=sample_design,
            consent_text=consent_text,
            access=access,
            modes=tuple(modes or ()),
            quotas=quotas,
            double_entry=bool(double_entry),
            collects_contact=bool(collects_contact),
        )
        service.update_settings(db, actor, survey.id, settings)
    except BadInput as exc:
        db.rollback()
        survey = service.get_survey(db, actor, survey_id)
        return _page(request, db, actor, survey, error=error_text(request, exc))
    db.commit()
    return RedirectResponse(f"/surveys/{survey.id}?saved=1", status_code=303)


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput("surveys.errors.bad_date", value=text) from None


@router.post("/{survey_id}/versions")
async def survey_new_version(
    request: Request,
    db: SessionDep,
    actor: Manager,
    survey_id: int,
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    try:
        data, filename = await _read_upload(upload)
        imported = read_xlsform(data, filename)
        service.add_version(db, actor, survey.id, imported, data=data, filename=filename)
    except DuluanError as exc:
        db.rollback()
        survey = service.get_survey(db, actor, survey_id)
        return _page(request, db, actor, survey, error=error_text(request, exc))
    db.commit()
    return RedirectResponse(f"/surveys/{survey.id}?saved=1", status_code=303)


@router.get("/{survey_id}/versions/{number}/xlsform")
def survey_version_file(db: SessionDep, actor: Viewer, survey_id: int, number: int) -> Response:
    """The version's XLSForm: the file as uploaded, or one written from the questionnaire."""
    survey = service.get_survey(db, actor, survey_id)
    found = [v for v in service.versions(db, survey) if v.number == number]
    if not found:
        raise BadInput("surveys.errors.no_version")
    data = found[0].xlsform or write_xlsform(service.form_of(found[0]))
    return attachment(
        data, export.FORMATS["xlsx"][1], f"{survey.form_id}-v{found[0].form_version}.xlsx"
    )


@router.get("/{survey_id}/export.{kind}")
def survey_export(db: SessionDep, actor: Manager, survey_id: int, kind: str) -> Response:
    """The raw answers as CSV, XLSX, SPSS or Stata; audited, since it reads every answer."""
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    if kind not in export.FORMATS:
        raise BadInput("surveys.errors.export_kind", kind=kind)
    write, media = export.FORMATS[kind]
    data = export.table(db, survey)
    body = write(data)
    audit.record(
        db,
        actor=actor,
        action="survey.exported",
        target=f"survey:{survey.id}",
        unit_id=survey.unit_id,
        detail={"format": kind, "responses": len(data.rows)},
    )
    db.commit()
    return attachment(body, media, f"{survey.form_id}.{kind}")


@router.get("/{survey_id}/responses")
def response_list(
    request: Request, db: SessionDep, actor: Viewer, survey_id: int, status: str = ""
) -> HTMLResponse:
    """The survey's responses, newest first; opening it refreshes the review flags."""
    survey = service.get_survey(db, actor, survey_id)
    quality.refresh(db, survey)
    db.commit()
    numbers = {v.id: v.form_version for v in service.versions(db, survey)}
    context = {
        "survey": survey,
        "responses": review.responses(db, actor, survey.id, status or None),
        "numbers": numbers,
        "status": status,
        "statuses": RESPONSE_STATUSES,
        "flagged": review.FLAGGED,
    }
    return render(request, "surveys/responses.html", context)


@router.get("/{survey_id}/responses/{response_id}")
def response_page(
    request: Request, db: SessionDep, actor: Viewer, survey_id: int, response_id: int
) -> HTMLResponse:
    response = review.read(db, actor, survey_id, response_id)
    db.commit()  # the audited read
    return _response_page(request, db, actor, survey_id, response)


def _response_page(
    request: Request,
    db: SessionDep,
    actor: Actor,
    survey_id: int,
    response: SurveyResponse,
    **extra: Any,
) -> HTMLResponse:
    survey = service.get_survey(db, actor, survey_id)
    version = db.get(SurveyVersion, response.version_id)
    unit = db.get(OrgUnit, survey.unit_id)
    context = {
        "survey": survey,
        "response": response,
        "answered": version.form_version if version else "",
        "questions": review.asked(service.form_of(version)) if version else [],
        "shown": review.shown_values(service.form_of(version), response.answers or {})
        if version
        else {},
        "history": review.history(db, response),
        "contact": service.contact_of(db, actor, survey, response),
        "can_manage": unit is not None and actor.may("surveys.manage", unit.path),
        "saved": request.query_params.get("saved") == "1",
        **extra,
    }
    status = 400 if "error" in extra or "problems" in extra else 200
    return render(request, "surveys/response.html", context, status=status)


@router.post("/{survey_id}/responses/{response_id}/review")
def response_review(
    request: Request,
    db: SessionDep,
    actor: Manager,
    survey_id: int,
    response_id: int,
    action: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=review.MAX_NOTE)] = "",
) -> Response:
    try:
        review.decide(db, actor, survey_id, response_id, action, note)
    except BadInput as exc:
        db.rollback()
        found = review.read(db, actor, survey_id, response_id)
        return _response_page(request, db, actor, survey_id, found, error=error_text(request, exc))
    db.commit()
    return RedirectResponse(f"/surveys/{survey_id}/responses/{response_id}?saved=1", 303)


@router.post("/{survey_id}/responses/{response_id}/correct")
async def response_correct(
    request: Request, db: SessionDep, actor: Manager, survey_id: int, response_id: int
) -> Response:
    """Corrected answers (`answer.<name>` fields; empty removes an answer; repeats are kept)."""
    fields = await request.form()
    found = review.read(db, actor, survey_id, response_id)
    given = dict(found.answers or {})
    for key, value in fields.items():
        if key.startswith("answer.") and isinstance(value, str):
            name = key.removeprefix("answer.")
            if value.strip():
                given[name] = value[: service.MAX_TEXT]
            else:
                given.pop(name, None)
    note = str(fields.get("note", ""))[: review.MAX_NOTE]
    try:
        checked = review.correct(db, actor, survey_id, response_id, given, note)
    except BadInput as exc:
        db.rollback()
        return _response_page(request, db, actor, survey_id, found, error=error_text(request, exc))
    if not checked.ok:
        db.rollback()
        locale = locale_of(request)
        problems = [(p.name, p.message(locale)) for p in checked.problems]
        return _response_page(request, db, actor, survey_id, found, problems=problems)
    db.commit()
    return RedirectResponse(f"/surveys/{survey_id}/responses/{response_id}?saved=1", 303)


Collector = Annotated[Actor, Depends(need("surveys.collect"))]
CHOICES_SHOWN = 12  # choice codes listed beside a question on the keying page (longer: 3)


@router.get("/{survey_id}/paper")
def paper_page(request: Request, db: SessionDep, actor: Collector, survey_id: int) -> HTMLResponse:
    return _paper_page(request, db, actor, survey_id)


def _paper_page(
    request: Request, db: SessionDep, actor: Actor, survey_id: int, **extra: Any
) -> HTMLResponse:
    survey = service.collectable_survey(db, actor, survey_id)
    form = service.form_of(service.current_version(db, survey))
    context = {
        "survey": survey,
        "questions": [(q, label, _choice_hint(form, q)) for q, label in review.asked(form)],
        "values": {},
        "problems": {},
        "can_manage": actor.may("surveys.manage"),
        **extra,
    }
    status = 400 if extra.get("problems") or "error" in extra else 200
    return render(request, "surveys/paper.html", context, status=status)


def _choice_hint(form: SurveyForm, question: Question) -> str:
    if not question.is_select:
        return ""
    choices = form.choices(question.choice_list)
    long = len(choices) > CHOICES_SHOWN
    shown = " · ".join(f"{c.name} = {form.text(c.label)}" for c in choices[: 3 if long else None])
    return shown + (f" … ({len(choices):,})".replace(",", ".") if long else "")


async def _keyed_answers(request: Request) -> tuple[str, dict[str, str]]:
    fields = await request.form()
    given = {
        key.removeprefix("answer."): value.strip()[: service.MAX_TEXT]
        for key, value in fields.items()
        if key.startswith("answer.") and isinstance(value, str) and value.strip()
    }
    return str(fields.get("paper_ref", ""))[: paper.MAX_REF + 10], given


@router.post("/{survey_id}/paper")
async def paper_key_in(
    request: Request, db: SessionDep, actor: Collector, survey_id: int
) -> HTMLResponse:
    """One paper questionnaire keyed in; the page comes back empty for the next one, or with
    the problems beside the answers (nothing stored)."""
    ref, given = await _keyed_answers(request)
    try:
        keyed = paper.key_in(db, actor, survey_id, ref, given)
    except DuluanError as exc:
        db.rollback()
        error = error_text(request, exc)
        return _paper_page(request, db, actor, survey_id, error=error, values=given, ref=ref)
    if keyed.problems:
        db.rollback()
        problems = {p.name: p.message(locale_of(request)) for p in keyed.problems}
        return _paper_page(request, db, actor, survey_id, problems=problems, values=given, ref=ref)
    db.commit()
    outcome = "stored" if keyed.response else ("differs" if keyed.differences else "first_pass")
    return _paper_page(request, db, actor, survey_id, outcome=outcome, done_ref=ref.strip())


@router.get("/{survey_id}/paper/discrepancies")
def paper_discrepancies(
    request: Request, db: SessionDep, actor: Manager, survey_id: int
) -> HTMLResponse:
    saved = request.query_params.get("saved") == "1"
    return _discrepancies_page(request, db, actor, survey_id, saved=saved)


def _discrepancies_page(
    request: Request, db: SessionDep, actor: Actor, survey_id: int, **extra: Any
) -> HTMLResponse:
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    form = service.form_of(service.current_version(db, survey))
    context = {
        "survey": survey,
        "found": paper.discrepancies(db, actor, survey.id),
        "labels": {q.name: label for q, label in review.asked(form)},
        **extra,
    }
    return render(
        request, "surveys/discrepancies.html", context, status=400 if "error" in extra else 200
    )


@router.post("/{survey_id}/paper/resolve")
async def paper_resolve(
    request: Request, db: SessionDep, actor: Manager, survey_id: int
) -> Response:
    ref, given = await _keyed_answers(request)
    try:
        settled = paper.resolve(db, actor, survey_id, ref, given)
    except DuluanError as exc:
        db.rollback()
        return _discrepancies_page(request, db, actor, survey_id, error=error_text(request, exc))
    if settled.problems:
        db.rollback()
        messages = [p.message(locale_of(request)) for p in settled.problems]
        return _discrepancies_page(request, db, actor, survey_id, error=" ".join(messages))
    db.commit()
    return RedirectResponse(f"/surveys/{survey_id}/paper/discrepancies?saved=1", 303)
