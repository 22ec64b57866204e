"""The questionnaire editor's pages: a survey's current questionnaire (or a blank one) as a draft,
edited one action at a time, and saved as a new questionnaire version (or a new survey).

Server-side by design: each action posts the whole draft (`draft`, JSON) with the action's fields,
`surveys/editing.py` applies it, and the editor comes back with the new draft — HTMX swaps the
editor in place, and without JavaScript the same posts return the whole page. Nothing is written
to the database until "save", which goes through the same checks as an imported XLSForm
(`editing.check`, then pyxform) and `service.add_version` / `service.create_survey`, which audit.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, DuluanError, PermissionDenied
from duluan.i18n import translate
from duluan.surveys import editing, service
from duluan.surveys.form import GROUP, Form
from duluan.surveys.models import Survey
from duluan.surveys.xlsform import ImportedForm, to_xform
from duluan.web import survey_editor_actions as actions
from duluan.web.csrf import read_form
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import error_text, render
from duluan.web.routes.sources import managed_units

router = APIRouter(prefix="/surveys", include_in_schema=False)
Manager = Annotated[Actor, Depends(need("surveys.manage"))]
# Fields of one post: the draft, the action, the open question's fields, the choices of its list
# (a list of a few thousand choices with two languages is ~10,000 fields).
# Type names the [editor.types] section words; others (imported ones) are shown as written.
TYPE_WORDS = frozenset({*editing.EDITABLE_TYPES, "repeat"})


@router.get("/new/editor")
def new_editor(request: Request, db: SessionDep, actor: Manager) -> HTMLResponse:
    units = _units(db, actor)
    return _editor(request, actions.blank_form(), survey=None, units=units, unit_id=units[0].id)


@router.post("/new/editor")
async def new_editor_action(request: Request, db: SessionDep, actor: Manager) -> Response:
    units = _units(db, actor)
    fields = await _fields(request)
    chosen = [u for u in units if str(u.id) == fields.get("unit_id", "")]
    unit = chosen[0] if chosen else units[0]
    return _act(request, db, actor, fields, survey=None, units=units, unit=unit)


@router.get("/{survey_id}/editor")
def survey_editor(request: Request, db: SessionDep, actor: Manager, survey_id: int) -> HTMLResponse:
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    form = service.form_of(service.current_version(db, survey))
    return _editor(request, actions.draft_of(form), survey=survey)


@router.post("/{survey_id}/editor")
async def survey_editor_action(
    request: Request, db: SessionDep, actor: Manager, survey_id: int
) -> Response:
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    fields = await _fields(request)
    return _act(request, db, actor, fields, survey=survey)


def _units(db: SessionDep, actor: Actor) -> list[OrgUnit]:
    units = managed_units(db, actor, service.MANAGE)
    if not units:
        raise PermissionDenied("errors.permission_denied")
    return units


async def _fields(request: Request) -> dict[str, str]:
    """The posted text fields (read within the app's limits, see `csrf.read_form`, so that the
    draft's own limit, `actions.MAX_DRAFT_BYTES`, is the one a person meets)."""
    form = await read_form(request)
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _act(
    request: Request,
    db: SessionDep,
    actor: Actor,
    fields: dict[str, str],
    *,
    survey: Survey | None,
    **new: Any,
) -> Response:
    """Apply the posted action to the posted draft, or save it; a refusal leaves the draft as it
    was and shows the message beside the question, list or form it concerns, with the fields as
    typed. What was typed into the open question counts even if "update" was not pressed."""
    draft = actions.with_settings(
        actions.read_draft(fields.get("draft", "")), fields, new=survey is None
    )
    op, open_name = fields.get("op", ""), fields.get("open", "")
    context = {"survey": survey, **_new_context(new)}
    anchor = open_name
    try:
        draft, open_name = actions.apply_pending(draft, op, fields, open_name)
        if op == "save":
            return _save(request, db, actor, draft, open_name, context, new.get("unit"))
        anchor = actions.anchor_of(op)
        applied = actions.apply(draft, op, fields, open_name)
    except BadInput as exc:
        problems = {anchor: [error_text(request, exc)]}
        return _editor(
            request, draft, open_name, problems=problems, posted=fields, status=400, **context
        )
    notice = (
        translate(f"editor.done.{applied.notice}", locale_of(request)) if applied.notice else ""
    )
    focus = actions.focus_of(op, applied)
    return _editor(request, applied.form, applied.open, notice=notice, focus=focus, **context)


def _new_context(new: dict[str, Any]) -> dict[str, Any]:
    unit = new.get("unit")
    return {"units": new["units"], "unit_id": unit.id} if unit is not None else {}


def _save(
    request: Request,
    db: SessionDep,
    actor: Actor,
    draft: Form,
    open_name: str,
    context: dict[str, Any],
    unit: OrgUnit | None,
) -> Response:
    """Check the draft as an import would, then store it as a new version (or a new survey)."""
    locale = locale_of(request)
    problems: dict[str, list[str]] = {}
    for problem in editing.check(draft):
        problems.setdefault(problem.name, []).append(
            translate(problem.key, locale, **problem.params)
        )
    if problems:
        error = translate("editor.not_saved_problems", locale, count=len(problems))
        return _editor(
            request, draft, open_name, problems=problems, error=error, status=400, **context
        )
    survey: Survey | None = context["survey"]
    try:
        survey = _store(db, actor, survey, unit, draft, translate("editor.source_name", locale))
    except DuluanError as exc:
        db.rollback()
        error = translate("editor.not_saved", locale, reason=error_text(request, exc))
        return _editor(request, draft, open_name, error=error, status=400, **context)
    db.commit()
    target = f"/surveys/{survey.id}?{'saved' if context['survey'] else 'created'}=1"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _store(
    db: SessionDep,
    actor: Actor,
    survey: Survey | None,
    unit: OrgUnit | None,
    draft: Form,
    source: str,
) -> Survey:
    """The checked draft stored as the survey's next version, or as a new survey. The version is
    numbered here, as the service would, so that pyxform (seconds on a large form) runs once."""
    earlier = service.versions(db, survey) if survey is not None else []
    form = actions.numbered(
        actions.with_built_in_lists(draft),
        number=1 + max((v.number for v in earlier), default=0),
        used={v.form_version for v in earlier},
    )
    imported = ImportedForm(form=form, xform=to_xform(form))
    if survey is not None:
        service.add_version(db, actor, survey.id, imported, filename=source)
        return survey
    if unit is None or not editing.valid_name(form.form_id):
        raise BadInput("editor.bad_form_id", form_id=form.form_id)
    return service.create_survey(db, actor, unit, imported, filename=source)


def _editor(
    request: Request,
    form: Form,
    open_name: str = "",
    *,
    survey: Survey | None,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    """The editor page (or, for an HTMX post, the editor form alone) showing `form`."""
    languages = actions.languages_of(form)
    users: dict[str, str] = {}
    for _, question in form.walk():
        if question.is_select:
            users.setdefault(question.choice_list, question.name)
    context = {
        "survey": survey,
        "form": form,
        "draft": actions.write_draft(form),
        "open": open_name if form.find(open_name) is not None else "",
        "languages": languages,
        "groups": [q.name for _, q in form.walk() if q.type == GROUP],
        "list_users": users,
        "unused_lists": [name for name in form.choice_lists if name not in users],
        "built_in_lists": editing.BUILT_IN_LISTS,
        "type_words": TYPE_WORDS,
        "editable_types": editing.EDITABLE_TYPES,
        "top": actions.TOP,
        "new_choice": actions.NEW,
        "action": f"/surveys/{survey.id}/editor" if survey else "/surveys/new/editor",
        "problems": {},
        "focus": "",
        "posted": {},
        **extra,
    }
    partial = bool(request.headers.get("hx-request"))
    template = "surveys/editor_body.html" if partial else "surveys/editor.html"
    return render(request, template, context, status=status)
