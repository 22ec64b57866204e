"""Publishing a survey's results. The owner's page (`/surveys/{id}/publish`, `surveys.manage` on
the survey's unit; publishing and withdrawing audited) picks the tables, the weighting and the
minimum cell count, confirms the AAPOR items, previews and publishes. The public pages (`/p/...`)
need no login, like the respondent's form at `/f/...`: they show only what was frozen at
publishing (no estimation per request), with no staff navigation, and answer 404 for an unknown
or withdrawn address."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from duluan.auth.permissions import Actor
from duluan.errors import BadInput, DuluanError, NotFound
from duluan.i18n import translate
from duluan.surveys import analysis_data, publication, service, weighting
from duluan.surveys.models import Survey
from duluan.surveys.publication import ITEMS, PublicationRequest
from duluan.surveys.publication_models import SurveyPublication
from duluan.web.deps import SessionDep, locale_of, need, public
from duluan.web.downloads import attachment
from duluan.web.render import error_text, render

router = APIRouter(prefix="/surveys", include_in_schema=False)
public_router = APIRouter(prefix="/p", dependencies=[Depends(public)], include_in_schema=False)
Manager = Annotated[Actor, Depends(need("surveys.manage"))]
CROSSTAB_ROWS = 3  # pairs of selects on the page
TextField = Annotated[str, Form(max_length=publication.MAX_ITEM + 100)]
Names = Annotated[list[str], Form(max_length=100)]


@router.get("/{survey_id}/publish")
def publish_page(request: Request, db: SessionDep, actor: Manager, survey_id: int) -> HTMLResponse:
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    found = publication.publication_of(db, survey)
    if found is not None:
        spec = found.spec["estimates"]
        chosen: dict[str, Any] = {
            "questions": [e["var"] for e in spec if e["stat"] == "proportion"],
            "crosstabs": [(e["var"], e["col"]) for e in spec if e["stat"] == "crosstab"],
            "scheme": _scheme_id(db, survey, found),
            "items": {item: found.transparency.get(item, "") for item in ITEMS},
            "min_cell": found.min_cell_count,
            "microdata": found.microdata,
        }
    else:
        items = publication.prefilled(db, survey)
        locale = locale_of(request)
        items["modes"] = ", ".join(translate(f"surveys.channels.{m}", locale) for m in survey.modes)
        chosen = {"questions": [], "crosstabs": [], "scheme": None, "min_cell": 10}
        chosen |= {"items": items, "microdata": False}
    return _page(request, db, survey, found, chosen)


def _scheme_id(db: Session, survey: Survey, found: SurveyPublication) -> int | None:
    name = found.results.get("scheme")
    return next((s.id for s in weighting.schemes(db, survey) if s.name == name), None)


def _page(
    request: Request,
    db: Session,
    survey: Survey,
    found: SurveyPublication | None,
    chosen: dict[str, Any],
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    context = {
        "survey": survey,
        "publication": found,
        "public_url": str(request.base_url).rstrip("/") + f"/p/{found.slug}" if found else "",
        "questions": [v for v in _variables(db, survey).values() if v.categorical],
        "schemes": weighting.schemes(db, survey),
        "chosen": chosen,
        "items": ITEMS,
        "crosstab_rows": CROSSTAB_ROWS,
        "saved": request.query_params.get("saved"),
        **extra,
    }
    return render(request, "surveys/publish.html", context, status=status)


@router.post("/{survey_id}/publish")
def publish_post(
    request: Request,
    db: SessionDep,
    actor: Manager,
    survey_id: int,
    questions: Names = [],  # noqa: B006 - FastAPI copies defaults
    crosstab_q: Names = [],  # noqa: B006
    crosstab_by: Names = [],  # noqa: B006
    scheme: Annotated[str, Form(max_length=20)] = "",
    min_cell: Annotated[str, Form(max_length=10)] = "10",
    microdata: Annotated[str, Form(max_length=8)] = "",
    step: Annotated[str, Form(max_length=10)] = "preview",
    sponsor: TextField = "",
    conducted_by: TextField = "",
    fieldwork_start: TextField = "",
    fieldwork_end: TextField = "",
    population: TextField = "",
    sampling: TextField = "",
    modes: TextField = "",
    weighting_note: Annotated[str, Form(alias="weighting", max_length=2100)] = "",
) -> Response:
    """Preview (computed, nothing stored) or publish; on a problem the page comes back with the
    message and everything entered."""
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    values = [sponsor, conducted_by, fieldwork_start, fieldwork_end, population, sampling, modes]
    items = dict(zip(ITEMS, [*values, weighting_note], strict=True))
    pairs = [(q, b) for q, b in zip(crosstab_q, crosstab_by, strict=False) if q or b]
    scheme_id = _number(scheme)
    chosen: dict[str, Any] = {"questions": questions, "crosstabs": pairs, "items": items}
    chosen |= {"scheme": scheme_id, "min_cell": min_cell, "microdata": bool(microdata)}
    found = publication.publication_of(db, survey)
    try:
        if not weighting_note.strip():
            items["weighting"] = _weighting_text(request, db, survey, scheme_id)
        asked = _request(chosen)
        if step == "publish":
            publication.publish(db, actor=actor, survey_id=survey.id, request=asked)
            db.commit()
            return RedirectResponse(f"/surveys/{survey.id}/publish?saved=published", 303)
        preview = publication.compute(db, survey, asked, check_items=False)
    except DuluanError as exc:
        db.rollback()
        survey = service.get_survey(db, actor, survey_id, service.MANAGE)
        return _page(request, db, survey, found, chosen, 400, error=_message(request, exc))
    view = _view(preview.results, preview.transparency, None)
    return _page(request, db, survey, found, chosen, preview=view)


def _variables(db: Session, survey: Survey) -> dict[str, analysis_data.Variable]:
    """The survey's analysable questions, from its questionnaires (no response is read)."""
    return analysis_data.variables_of([service.form_of(v) for v in service.versions(db, survey)])


def _weighting_text(request: Request, db: Session, survey: Survey, scheme_id: int | None) -> str:
    """The weighting item when the owner left it empty: the chosen scheme described, or
    "unweighted" in the page's language."""
    locale = locale_of(request)
    if scheme_id is None:
        return translate("survey_publication.no_weighting", locale)
    scheme = weighting.scheme_of(db, survey, scheme_id)
    variables = _variables(db, survey)
    margins = [m["question"] for m in scheme.targets.get("margins", [])]
    margins = [variables[m].label if m in variables else m for m in margins]
    key = "weighting_rake" if len(margins) > 1 else "weighting_poststratify"
    return translate(f"survey_publication.{key}", locale, name=scheme.name, by=", ".join(margins))


def _request(chosen: dict[str, Any]) -> PublicationRequest:
    for question, by in chosen["crosstabs"]:
        if not question or not by:
            raise BadInput("survey_publication.errors.crosstab_pair")
    minimum = _number(str(chosen["min_cell"]))
    if minimum is None:
        low, high = publication.MIN_CELL_BOUNDS
        raise BadInput("survey_publication.errors.min_cell", low=low, high=high)
    return PublicationRequest(
        questions=list(dict.fromkeys(chosen["questions"])),
        crosstabs=list(dict.fromkeys(chosen["crosstabs"])),
        scheme_id=chosen["scheme"],
        transparency=chosen["items"],
        min_cell_count=minimum,
        microdata=chosen["microdata"],
    )


def _number(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _message(request: Request, error: DuluanError) -> str:
    if error.key == f"{publication.ERRORS}.missing_items" and isinstance(error, BadInput):
        return publication.missing_message(error, locale_of(request))
    return error_text(request, error)


@router.post("/{survey_id}/publish/withdraw")
def withdraw_post(db: SessionDep, actor: Manager, survey_id: int) -> Response:
    publication.withdraw(db, actor=actor, survey_id=survey_id)
    db.commit()
    return RedirectResponse(f"/surveys/{survey_id}/publish?saved=withdrawn", 303)


def _view(results: dict[str, Any], transparency: dict[str, Any], at: Any) -> dict[str, Any]:
    """What the results template reads: the frozen numbers, with each table's chart series."""
    tables = [
        {
            **table,
            "chart": _chart(table),
            "hidden": any(c["suppressed"] for r in table["rows"] for c in r),
        }
        for table in results["tables"]
    ]
    fieldwork = tuple(_day(transparency.get(k, "")) for k in ("fieldwork_start", "fieldwork_end"))
    return {
        "results": results,
        "tables": tables,
        "transparency": transparency,
        "fieldwork": fieldwork,
        "at": at,
    }


def _day(text: str) -> str:
    """An ISO date as people in Vietnam write it (01/10/2026); anything else as it is."""
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except ValueError:
        return text


def _has_hidden(table: dict[str, Any]) -> bool:
    return any(cell["suppressed"] for row in table["rows"] for cell in row)


def _chart(table: dict[str, Any]) -> dict[str, Any]:
    """Percentages and intervals for the bar chart (static/js/survey-analysis.js's shape);
    suppressed cells are gaps."""

    def pct(cell: dict[str, Any], key: str) -> float | None:
        value = cell.get(key)
        return None if cell["suppressed"] or value is None else round(100 * value, 2)

    labels = [row[0]["label"] for row in table["rows"]]
    if table["by"] is None:
        cells = [row[0] for row in table["rows"]]
        series = [_series(table["wording"], cells, pct)]
        return {"categories": labels, "series": series}
    series = [_series(label, row, pct) for label, row in zip(labels, table["rows"], strict=True)]
    return {"categories": [c["label"] for c in table["columns"]], "series": series}


def _series(name: str, cells: list[dict[str, Any]], pct: Any) -> dict[str, Any]:
    return {
        "name": name,
        "values": [pct(c, "share") for c in cells],
        "low": [pct(c, "ci_low") for c in cells],
        "high": [pct(c, "ci_high") for c in cells],
    }


@public_router.get("/{slug}")
def results_page(request: Request, db: SessionDep, slug: str) -> HTMLResponse:
    """The public results page: the tables, charts and transparency box, printable."""
    found, survey = publication.live(db, slug)
    view = _view(found.results, found.transparency, found.published_at)
    context = {"survey": survey, "publication": found, "view": view}
    return render(request, "surveys/published.html", context)


@public_router.get("/{slug}/spec.json")
def results_spec(db: SessionDep, slug: str) -> Response:
    """The spec the results were computed with, for `duluan survey estimate`."""
    found, survey = publication.live(db, slug)
    body = json.dumps(found.spec, ensure_ascii=False, indent=2).encode("utf-8")
    return attachment(body, "application/json", f"{survey.form_id}-spec.json")


@public_router.get("/{slug}/microdata.csv")
def results_microdata(db: SessionDep, slug: str) -> Response:
    """The anonymised response file, where the owner allowed one; 404 otherwise."""
    found, survey = publication.live(db, slug)
    if not found.microdata or not found.microdata_csv:
        raise NotFound("survey_publication.errors.no_microdata")
    body = ("\ufeff" + found.microdata_csv).encode("utf-8")
    return attachment(body, "text/csv; charset=utf-8", f"{survey.form_id}-microdata.csv")
