"""Staff pages that weight a survey's responses and analyse them: the weighting page (targets
entered or imported, weights computed, diagnostics; `surveys.manage`) and the analysis page
(frequencies and crosstabs with standard errors, intervals and the Rao–Scott test, downloadable
as CSV and XLSX; `surveys.view`). Both show aggregates only, never a single response."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.auth.permissions import Actor
from duluan.errors import BadInput, DuluanError
from duluan.i18n import translate
from duluan.surveys import analysis_data, analysis_tables, service, weighting
from duluan.surveys.models import Survey
from duluan.surveys.weighting_models import WeightingScheme
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.downloads import attachment
from duluan.web.render import error_text, render

router = APIRouter(prefix="/surveys", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("surveys.view"))]
Manager = Annotated[Actor, Depends(need("surveys.manage"))]
MAX_UPLOAD = 1_000_000  # a targets CSV is a few hundred lines
FILES = {
    "csv": (analysis_tables.to_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        analysis_tables.to_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@router.get("/{survey_id}/weighting")
def weighting_page(
    request: Request, db: SessionDep, actor: Manager, survey_id: int, scheme: int = 0
) -> HTMLResponse:
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    return _weighting_page(request, db, survey, chosen=scheme)


def _weighting_page(
    request: Request, db: SessionDep, survey: Survey, chosen: int = 0, **extra: Any
) -> HTMLResponse:
    schemes = weighting.schemes(db, survey)
    shown = next((s for s in schemes if s.id == chosen), schemes[0] if schemes else None)
    data = analysis_data.load(db, survey)
    context = {
        "survey": survey,
        "schemes": schemes,
        "shown": shown,
        "histogram": weighting.histogram(list(shown.weights.values())) if shown else [],
        "questions": [v for v in data.variables.values() if v.categorical],
        "observed": {
            name: sorted(data.frame[name].dropna().unique().tolist())
            for name, v in data.variables.items()
            if v.categorical and not v.choices
        },
        "form": {"name": "", "text": "question,level,share\n", "kind": "share"},
        "saved": request.query_params.get("saved") == "1",
        **extra,
    }
    status = 400 if "error" in extra else 200
    return render(request, "surveys/weighting.html", context, status=status)


@router.post("/{survey_id}/weighting")
async def weighting_compute(
    request: Request,
    db: SessionDep,
    actor: Manager,
    survey_id: int,
    name: Annotated[str, Form(max_length=weighting.MAX_NAME + 50)] = "",
    targets: Annotated[str, Form(max_length=weighting.MAX_TARGETS_TEXT)] = "",
    kind: Annotated[str, Form(max_length=8)] = "share",
    trim_lower: Annotated[str, Form(max_length=20)] = "",
    trim_upper: Annotated[str, Form(max_length=20)] = "",
    approved_only: Annotated[str, Form(max_length=8)] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Compute a scheme from the targets typed in, or from the uploaded CSV when one is given;
    on a problem the page comes back with the message and what was entered (nothing stored)."""
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    entered: dict[str, Any] = {"name": name, "text": targets, "kind": kind}
    entered |= {"trim_lower": trim_lower, "trim_upper": trim_upper}
    entered["approved_only"] = bool(approved_only)
    try:
        text = await _uploaded_text(upload) or targets
        entered["text"] = text
        asked = weighting.SchemeInput(
            name=name,
            text=text,
            kind=kind,
            trim_lower=_bound(trim_lower),
            trim_upper=_bound(trim_upper),
            approved_only=bool(approved_only),
        )
        scheme = weighting.compute_scheme(db, actor=actor, survey_id=survey.id, request=asked)
    except DuluanError as exc:
        db.rollback()
        survey = service.get_survey(db, actor, survey_id, service.MANAGE)
        return _weighting_page(request, db, survey, form=entered, error=error_text(request, exc))
    db.commit()
    return RedirectResponse(f"/surveys/{survey.id}/weighting?scheme={scheme.id}&saved=1", 303)


async def _uploaded_text(upload: UploadFile | None) -> str:
    if upload is None or not upload.filename:
        return ""
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise BadInput("survey_analysis.errors.file_too_large")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("survey_analysis.errors.file_encoding", name=upload.filename) from None


def _bound(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise BadInput("survey_analysis.errors.trim_bounds") from None


def _chosen_scheme(db: SessionDep, survey: Survey, scheme: str) -> WeightingScheme | None:
    if not scheme:
        return None
    if not scheme.isdigit():
        raise BadInput("survey_analysis.errors.no_scheme")
    return weighting.scheme_of(db, survey, int(scheme))


def _table(
    db: SessionDep, survey: Survey, q: str, by: str, scheme: str, approved: str
) -> tuple[analysis_tables.Table | None, analysis_data.AnalysisData, WeightingScheme | None]:
    """The table the query asks for (None when no question is picked yet)."""
    chosen = _chosen_scheme(db, survey, scheme)
    approved_only = chosen.approved_only if chosen else approved == "1"
    data = analysis_data.load(db, survey, approved_only=approved_only)
    if not q:
        return None, data, chosen
    if by:
        return analysis_tables.crosstab(data, q, by, chosen), data, chosen
    return analysis_tables.frequencies(data, q, chosen), data, chosen


@router.get("/{survey_id}/analysis")
def analysis_page(
    request: Request,
    db: SessionDep,
    actor: Viewer,
    survey_id: int,
    q: str = "",
    by: str = "",
    scheme: str = "",
    approved: str = "",
) -> HTMLResponse:
    survey = service.get_survey(db, actor, survey_id)
    error, table, data, chosen = None, None, None, None
    try:
        table, data, chosen = _table(db, survey, q, by, scheme, approved)
    except BadInput as exc:
        error = error_text(request, exc)
        data = analysis_data.load(db, survey, approved_only=approved == "1")
    t = _translator(request)
    context = {
        "survey": survey,
        "variables": [v for v in data.variables.values() if v.categorical or v.multiple],
        "categorical": [v for v in data.variables.values() if v.categorical],
        "schemes": weighting.schemes(db, survey),
        "query": {"q": q, "by": by, "scheme": scheme, "approved": approved},
        "table": table,
        "chosen": chosen,
        "notes": analysis_tables.notes(table, t) if table else [],
        "responses": data.size,
        "error": error,
    }
    return render(request, "surveys/analysis.html", context, status=400 if error else 200)


@router.get("/{survey_id}/analysis.{kind}")
def analysis_file(
    request: Request,
    db: SessionDep,
    actor: Viewer,
    survey_id: int,
    kind: str,
    q: str = "",
    by: str = "",
    scheme: str = "",
    approved: str = "",
) -> Response:
    """The table of the analysis page as CSV or XLSX."""
    survey = service.get_survey(db, actor, survey_id)
    if kind not in FILES:
        raise BadInput("survey_analysis.errors.file_kind", kind=kind)
    if not q:
        raise BadInput("survey_analysis.errors.pick_question")
    table, _, _ = _table(db, survey, q, by, scheme, approved)
    assert table is not None  # noqa: S101 - q is given
    write, media = FILES[kind]
    body = write(analysis_tables.rows_of(table, _translator(request)))
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{survey.form_id}-{q}{'-' + by if by else ''}")
    name = f"{stem}.{kind}"
    return attachment(body, media, name)


def _translator(request: Request) -> Any:
    locale = locale_of(request)

    def t(key: str, **params: object) -> str:
        return translate(key, locale, **params)

    return t
