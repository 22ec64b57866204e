"""Staff pages that weight a survey's responses and analyse them: the weighting page (targets
entered or imported, weights computed, diagnostics; `surveys.manage`) and the analysis page
(frequencies, crosstabs and means with standard errors, intervals, the Rao–Scott test and the
declared sample design, and the change from an earlier wave; downloadable as CSV and XLSX;
`surveys.view`). Both show aggregates only, never a single response."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.auth.permissions import Actor
from duluan.errors import BadInput, DuluanError
from duluan.i18n import translate
from duluan.surveys import (
    analysis_data,
    analysis_means,
    analysis_tables,
    analysis_waves,
    service,
    weighting,
)
from duluan.surveys.analysis_design import SampleDesign, checked, described
from duluan.surveys.models import Survey
from duluan.surveys.weighting_models import WeightingScheme
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.downloads import attachment
from duluan.web.render import error_text, render, render_form

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
    return render_form(request, "surveys/weighting.html", context)


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


@dataclass
class AnalysisQuery:
    """What the analysis page's form asks for; every part travels in the address, so the page,
    its downloads and a bookmark show the same table (the sample design included)."""

    q: Annotated[str, Query(max_length=200)] = ""
    by: Annotated[str, Query(max_length=200)] = ""
    scheme: Annotated[str, Query(max_length=20)] = ""
    approved: Annotated[str, Query(max_length=4)] = ""
    strata: Annotated[str, Query(max_length=200)] = ""
    cluster: Annotated[str, Query(max_length=200)] = ""
    fpc: Annotated[str, Query(max_length=200)] = ""
    population: Annotated[str, Query(max_length=40)] = ""
    wave: Annotated[str, Query(max_length=20)] = ""
    wq: Annotated[str, Query(max_length=200)] = ""
    wave_scheme: Annotated[str, Query(max_length=20)] = ""

    def params(self) -> list[tuple[str, str]]:
        """The non-empty parameters, for the download links."""
        return [(key, value) for key, value in sorted(asdict(self).items()) if value]

    def design(self) -> SampleDesign:
        """The declared design; the fpc is a number question or, failing one, a number typed in."""
        fpc = self.fpc.strip() or self.population.strip()
        return SampleDesign(self.strata.strip(), self.cluster.strip(), fpc)


Asked = Annotated[AnalysisQuery, Depends()]
Result = analysis_tables.Table | analysis_means.MeansTable


@dataclass
class Analysis:
    """Everything the page shows, computed once; a problem is kept as the page's message."""

    data: analysis_data.AnalysisData
    chosen: WeightingScheme | None = None
    design: SampleDesign = field(default_factory=SampleDesign)
    result: Result | None = None
    earlier: Survey | None = None
    earlier_data: analysis_data.AnalysisData | None = None
    comparison: analysis_waves.WaveComparison | None = None
    errors: list[BadInput] = field(default_factory=list)


def _analysis(db: SessionDep, actor: Actor, survey: Survey, query: AnalysisQuery) -> Analysis:
    """The table and the wave comparison the query asks for (None where not asked yet)."""
    found = Analysis(analysis_data.load(db, survey, approved_only=query.approved == "1"))
    try:
        found.chosen = _chosen_scheme(db, survey, query.scheme)
        if found.chosen is not None:
            found.data = analysis_data.load(db, survey, approved_only=found.chosen.approved_only)
        found.design = checked(query.design(), found.data)
        if query.q:
            found.result = _result(found.data, query, found.chosen, found.design)
    except BadInput as exc:
        found.errors.append(exc)
    if query.wave:
        try:
            _compare(db, actor, survey, query, found)
        except BadInput as exc:
            found.errors.append(exc)
    return found


def _result(
    data: analysis_data.AnalysisData,
    query: AnalysisQuery,
    chosen: WeightingScheme | None,
    design: SampleDesign,
) -> Result:
    """Means for a number question, a crosstab or frequencies for a question with choices."""
    variable = data.variables.get(query.q)
    if variable is not None and variable.type in analysis_data.NUMERIC_TYPES:
        return analysis_means.means(data, query.q, query.by, chosen, design)
    if query.by:
        return analysis_tables.crosstab(data, query.q, query.by, chosen, design)
    return analysis_tables.frequencies(data, query.q, chosen, design)


def _compare(
    db: SessionDep, actor: Actor, survey: Survey, query: AnalysisQuery, found: Analysis
) -> None:
    """The earlier wave (a survey of the same unit only) and, with a question, the comparison."""
    candidates = {s.id: s for s in analysis_waves.wave_candidates(db, survey)}
    if not query.wave.isdigit() or int(query.wave) not in candidates:
        raise BadInput("survey_analysis_waves.errors.not_a_wave")
    earlier = service.get_survey(db, actor, int(query.wave))
    scheme = _chosen_scheme(db, earlier, query.wave_scheme)
    approved_only = scheme.approved_only if scheme else query.approved == "1"
    found.earlier = earlier
    found.earlier_data = analysis_data.load(db, earlier, approved_only=approved_only)
    if not query.wq or found.errors:
        return
    design = analysis_waves.earlier_design(found.design, found.earlier_data)
    later = analysis_waves.Wave(survey.title, found.data, found.chosen, found.design)
    before = analysis_waves.Wave(earlier.title, found.earlier_data, scheme, design)
    found.comparison = analysis_waves.compare_waves(later, before, query.wq)


@router.get("/{survey_id}/analysis")
def analysis_page(
    request: Request, db: SessionDep, actor: Viewer, survey_id: int, query: Asked
) -> HTMLResponse:
    survey = service.get_survey(db, actor, survey_id)
    found = _analysis(db, actor, survey, query)
    t = _translator(request)
    variables = found.data.variables.values()
    wave_data = found.earlier_data
    context = {
        "survey": survey,
        "variables": [v for v in variables if v.categorical or v.multiple or _numeric(v)],
        "categorical": [v for v in variables if v.categorical],
        "numeric": [v for v in variables if _numeric(v)],
        "schemes": weighting.schemes(db, survey),
        "query": query,
        "params": query.params(),
        "table": found.result if isinstance(found.result, analysis_tables.Table) else None,
        "means": found.result if isinstance(found.result, analysis_means.MeansTable) else None,
        "design_line": described(found.design, t),
        "chosen": found.chosen,
        "notes": _notes(found.result, t),
        "responses": found.data.size,
        "waves": analysis_waves.wave_candidates(db, survey),
        "earlier": found.earlier,
        "wave_schemes": weighting.schemes(db, found.earlier) if found.earlier else [],
        "shared": analysis_waves.shared_questions(found.data, wave_data) if wave_data else [],
        "comparison": found.comparison,
        "wave_notes": analysis_waves.notes(found.comparison, t) if found.comparison else [],
        "errors": [error_text(request, exc) for exc in found.errors],
    }
    status = 400 if found.errors else 200
    return render(request, "surveys/analysis.html", context, status=status)


def _numeric(variable: analysis_data.Variable) -> bool:
    return variable.type in analysis_data.NUMERIC_TYPES


def _notes(result: Result | None, t: Any) -> list[str]:
    if isinstance(result, analysis_means.MeansTable):
        return analysis_means.notes(result, t)
    return analysis_tables.notes(result, t) if result else []


def _file_kind(kind: str) -> tuple[Any, str]:
    if kind not in FILES:
        raise BadInput("survey_analysis.errors.file_kind", kind=kind)
    return FILES[kind]


@router.get("/{survey_id}/analysis.{kind}")
def analysis_file(
    request: Request, db: SessionDep, actor: Viewer, survey_id: int, kind: str, query: Asked
) -> Response:
    """The table of the analysis page (percentages or means) as CSV or XLSX."""
    survey = service.get_survey(db, actor, survey_id)
    write, media = _file_kind(kind)
    if not query.q:
        raise BadInput("survey_analysis.errors.pick_question")
    found = _analysis(db, actor, survey, replace(query, wave="", wq=""))
    if found.errors:
        raise found.errors[0]
    t = _translator(request)
    result = found.result
    if isinstance(result, analysis_means.MeansTable):
        rows = analysis_means.rows_of(result, t)
    else:
        assert result is not None  # noqa: S101 - q is given
        rows = analysis_tables.rows_of(result, t)
    by = f"-{query.by}" if query.by else ""
    return attachment(write(rows), media, _file_name(survey, f"{query.q}{by}", kind))


@router.get("/{survey_id}/analysis/waves.{kind}")
def wave_file(
    request: Request, db: SessionDep, actor: Viewer, survey_id: int, kind: str, query: Asked
) -> Response:
    """The wave-to-wave comparison of the analysis page as CSV or XLSX."""
    survey = service.get_survey(db, actor, survey_id)
    write, media = _file_kind(kind)
    if not query.wq or not query.wave:
        raise BadInput("survey_analysis_waves.errors.pick_wave")
    found = _analysis(db, actor, survey, replace(query, q=""))
    if found.errors:
        raise found.errors[0]
    assert found.comparison is not None  # noqa: S101 - q and wave are given
    rows = analysis_waves.rows_of(found.comparison, _translator(request))
    return attachment(write(rows), media, _file_name(survey, f"{query.wq}-waves", kind))


def _file_name(survey: Survey, stem: str, kind: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", f"{survey.form_id}-{stem}") + f".{kind}"


def _translator(request: Request) -> Any:
    locale = locale_of(request)

    def t(key: str, **params: object) -> str:
        return translate(key, locale, **params)

    return t
