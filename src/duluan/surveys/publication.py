"""Publishing a survey's results: the owner picks questions (frequencies and crosstabs), a
weighting scheme or none, confirms the AAPOR transparency items, and the results are computed
once by the estimation engine and frozen with the spec they came from, at a random public
address (`/p/{slug}`) that needs no login. Republishing replaces them; withdrawing takes the page
down. The public pages only read what is frozen here: they never estimate.

Small cells are suppressed before anything is stored (`publication_suppression.py`), so neither
the page nor the JSON behind it holds them. The anonymised response file, when the owner allows
one, is frozen at the same time (`publication_microdata.py`).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan import __version__
from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput, NotFound
from duluan.i18n import translate
from duluan.surveys import analysis_data, publication_microdata
from duluan.surveys.analysis_data import AnalysisData, Variable
from duluan.surveys.estimation import analyse, parse_spec
from duluan.surveys.estimation.estimates import Z_95
from duluan.surveys.models import Survey
from duluan.surveys.publication_models import SurveyPublication
from duluan.surveys.publication_suppression import suppress
from duluan.surveys.service import MANAGE, current_version, get_survey
from duluan.surveys.weighting import adjust_step, scheme_of, stored_trim
from duluan.surveys.weighting_models import WeightingScheme

ERRORS = "survey_publication.errors"
DEFAULT_MIN_CELL = 10
MIN_CELL_BOUNDS = (3, 100)
MAX_TABLES = 40
MAX_ITEM = 2000  # characters of one transparency item
# The AAPOR disclosure items the owner confirms; each is required. Sample size, margin of error
# and the exact wording are computed, not typed.
ITEMS = (
    "sponsor",
    "conducted_by",
    "fieldwork_start",
    "fieldwork_end",
    "population",
    "sampling",
    "modes",
    "weighting",
)
MAX_SLUG = 64  # SurveyPublication.slug's column
SLUG_BYTES = 18  # 24 URL-safe characters: 144 random bits, not guessable


@dataclass(frozen=True)
class PublicationRequest:
    """What the owner chose: single-choice questions for frequency tables, (question, by) pairs
    for crosstabs, a weighting scheme id (None: unweighted), the transparency items as text."""

    questions: list[str] = field(default_factory=list)
    crosstabs: list[tuple[str, str]] = field(default_factory=list)
    scheme_id: int | None = None
    transparency: dict[str, str] = field(default_factory=dict)
    min_cell_count: int = DEFAULT_MIN_CELL
    microdata: bool = False


@dataclass(frozen=True)
class Computed:
    """What publishing stores: the results, the spec, the transparency box, the microdata."""

    results: dict[str, Any]
    spec: dict[str, Any]
    transparency: dict[str, Any]
    microdata_csv: str | None


def prefilled(session: Session, survey: Survey) -> dict[str, str]:
    """The transparency items as the survey's own settings give them (the owner edits them;
    the page fills in the weighting from the scheme chosen)."""
    unit = session.get(OrgUnit, survey.unit_id)
    return {
        "sponsor": "",
        "conducted_by": unit.name if unit else "",
        "fieldwork_start": survey.fieldwork_start.isoformat() if survey.fieldwork_start else "",
        "fieldwork_end": survey.fieldwork_end.isoformat() if survey.fieldwork_end else "",
        "population": survey.target_population,
        "sampling": survey.sample_design,
        "modes": ", ".join(survey.modes or []),
        "weighting": "",
    }


def missing_items(transparency: dict[str, str]) -> list[str]:
    """The required items left empty, in the order of `ITEMS`."""
    return [item for item in ITEMS if not str(transparency.get(item, "")).strip()]


def missing_message(error: BadInput, locale: str) -> str:
    """The refusal for missing items with each item named in `locale` (the error carries the
    item keys, so that the message is translated where it is shown)."""
    keys = [key for key in str(error.params.get("items", "")).split(",") if key]
    names = "; ".join(translate(f"survey_publication.items.{key}", locale) for key in keys)
    return translate(f"{ERRORS}.missing_items", locale, items=names)


def _checked_items(transparency: dict[str, str]) -> dict[str, str]:
    missing = missing_items(transparency)
    if missing:
        raise BadInput(f"{ERRORS}.missing_items", items=",".join(missing))
    items = {item: " ".join(str(transparency[item]).split()) for item in ITEMS}
    for item in ("fieldwork_start", "fieldwork_end"):
        try:
            date.fromisoformat(items[item])
        except ValueError:
            raise BadInput(f"{ERRORS}.bad_date", item=item, value=items[item]) from None
    if items["fieldwork_end"] < items["fieldwork_start"]:
        raise BadInput(f"{ERRORS}.dates_order")
    for item, text in items.items():
        if len(text) > MAX_ITEM:
            raise BadInput(f"{ERRORS}.item_too_long", item=item, limit=MAX_ITEM)
    return items


def _checked_choice(data: AnalysisData, request: PublicationRequest) -> None:
    if not MIN_CELL_BOUNDS[0] <= request.min_cell_count <= MIN_CELL_BOUNDS[1]:
        low, high = MIN_CELL_BOUNDS
        raise BadInput(f"{ERRORS}.min_cell", low=low, high=high)
    if not request.questions and not request.crosstabs:
        raise BadInput(f"{ERRORS}.no_tables")
    if len(request.questions) + len(request.crosstabs) > MAX_TABLES:
        raise BadInput(f"{ERRORS}.too_many_tables", limit=MAX_TABLES)
    names = list(request.questions) + [name for pair in request.crosstabs for name in pair]
    for name in names:
        variable = data.variables.get(name)
        if variable is None or not variable.categorical:
            raise BadInput(f"{ERRORS}.not_single_choice", question=name)
    for question, by in request.crosstabs:
        if question == by:
            raise BadInput(f"{ERRORS}.same_question", question=question)


def compute(
    session: Session, survey: Survey, request: PublicationRequest, *, check_items: bool = True
) -> Computed:
    """Everything a publication stores, computed now (also used for the preview, which does not
    insist on the transparency items)."""
    items = _checked_items(request.transparency) if check_items else dict(request.transparency)
    scheme = scheme_of(session, survey, request.scheme_id) if request.scheme_id else None
    data = analysis_data.load(session, survey, approved_only=bool(scheme and scheme.approved_only))
    _checked_choice(data, request)
    frame, adjust, weights = _analysed(data, scheme)
    estimates: list[dict[str, Any]] = [{"stat": "proportion", "var": q} for q in request.questions]
    estimates += [{"stat": "crosstab", "var": q, "col": by} for q, by in request.crosstabs]
    spec: dict[str, Any] = {"design": {}, "adjust": adjust, "subset": None, "estimates": estimates}
    engine = analyse(frame, parse_spec(spec))
    rows = engine["estimates"]
    tests = engine["tests"]
    assert isinstance(rows, list) and isinstance(tests, list)  # noqa: S101 - analyse's shape
    minimum = request.min_cell_count
    tables = [_frequency(data.variables[q], frame, rows, minimum) for q in request.questions]
    tables += [
        _crosstab(data.variables[q], data.variables[by], frame, rows, tests, minimum)
        for q, by in request.crosstabs
    ]
    deff = kish_deff(weights)
    version = current_version(session, survey)
    results = {
        "tables": tables,
        "sample_size": len(frame),
        "weighted": scheme is not None,
        "scheme": scheme.name if scheme else None,
        "design_effect": deff,
        "margin_of_error": margin_of_error(len(frame), deff),
        "min_cell_count": minimum,
        "questionnaire_version": version.form_version,
        "engine": f"duluan {__version__}",
    }
    transparency = {
        **items,
        "sample_size": len(frame),
        "margin_of_error": results["margin_of_error"],
    }
    microdata = None
    if request.microdata:
        columns = _microdata_columns(request, scheme)
        microdata = publication_microdata.build(frame, data.variables, columns, weights, minimum)
    return Computed(results, spec, transparency, microdata)


def _analysed(
    data: AnalysisData, scheme: WeightingScheme | None
) -> tuple[pd.DataFrame, list[dict[str, Any]], np.ndarray | None]:
    """The rows analysed (a scheme's own responses), the engine's adjustment step and the
    scheme's weights in row order (None unweighted)."""
    if scheme is None:
        return data.frame.reset_index(drop=True), [], None
    stored = {int(key): value for key, value in scheme.weights.items()}
    frame = data.frame[data.frame["_response_id"].isin(stored)].reset_index(drop=True)
    if frame.empty:
        raise BadInput(f"{ERRORS}.scheme_no_rows", scheme=scheme.name)
    weights = np.array([stored[int(i)] for i in frame["_response_id"]], dtype=float)
    return frame, [adjust_step(scheme.targets, stored_trim(scheme))], weights


def _microdata_columns(request: PublicationRequest, scheme: WeightingScheme | None) -> list[str]:
    """The published questions, then the weighting questions (the spec's adjustment needs them
    to re-run), each once."""
    names = list(request.questions) + [name for pair in request.crosstabs for name in pair]
    if scheme is not None:
        names += [m["question"] for m in scheme.targets.get("margins", [])]
    return list(dict.fromkeys(names))


def kish_deff(weights: np.ndarray | None) -> float:
    """Kish's design effect from unequal weights: n Σw² / (Σw)² (1 without weights)."""
    if weights is None or len(weights) == 0:
        return 1.0
    return float(len(weights) * np.square(weights).sum() / weights.sum() ** 2)


def margin_of_error(n: int, deff: float) -> float | None:
    """The 95 % margin of error of a 50 % share over the whole sample, with the design effect."""
    if n <= 0:
        return None
    return float(Z_95 * math.sqrt(deff * 0.25 / n))


def _cell(row: dict[str, Any] | None, level: str, label: str, count: int) -> dict[str, Any]:
    """One published percentage (as a share in [0, 1]); a missing engine row is an empty cell."""
    if row is None:
        return {"level": level, "label": label, "n": count, "share": 0.0, "se": 0.0,
                "ci_low": 0.0, "ci_high": 0.0, "moe": 0.0, "suppressed": False}  # fmt: skip
    se = float(row["se"] or 0.0)
    return {
        "level": level,
        "label": label,
        "n": count,
        "share": float(row["estimate"]),
        "se": se,
        "ci_low": max(float(row["ci_low"]), 0.0),
        "ci_high": min(float(row["ci_high"]), 1.0),
        "moe": Z_95 * se,
        "suppressed": False,
    }


def _levels(variable: Variable, present: set[str]) -> list[tuple[str, str]]:
    """Every choice in questionnaire order (a choice nobody gave is a 0 % row), then values a
    calculation gave, alphabetically."""
    listed = [(name, label) for name, label in variable.choices]
    known = {name for name, _ in listed}
    return listed + [(value, value) for value in sorted(present - known)]


def _frequency(
    variable: Variable, frame: pd.DataFrame, rows: list[Any], minimum: int
) -> dict[str, Any]:
    found = {
        str(r["level"]): r for r in rows if r["stat"] == "proportion" and r["var"] == variable.name
    }
    answered = frame[variable.name].dropna().astype(str)
    counts = answered.value_counts().to_dict()
    levels = _levels(variable, set(counts))
    cells = [[_cell(found.get(lvl), lvl, label, int(counts.get(lvl, 0)))] for lvl, label in levels]
    columns = [{"level": None, "label": "", "n": len(answered), "suppressed": False}]
    suppress(cells, columns, minimum)
    return _table("frequency", variable, None, cells, columns, None)


def _crosstab(
    variable: Variable,
    by: Variable,
    frame: pd.DataFrame,
    rows: list[Any],
    tests: list[Any],
    minimum: int,
) -> dict[str, Any]:
    found = {
        (str(r["level"]), str(r["by"][by.name])): r
        for r in rows
        if r["stat"] == "crosstab" and r["var"] == variable.name and by.name in (r["by"] or {})
    }
    both = frame[[variable.name, by.name]].dropna().astype(str)
    counts = both.groupby([variable.name, by.name]).size().to_dict()
    bases = both[by.name].value_counts().to_dict()
    levels = _levels(variable, set(both[variable.name]))
    groups = [g for g in _levels(by, set(both[by.name])) if bases.get(g[0], 0)]
    cells = [
        [_cell(found.get((lvl, g)), lvl, label, int(counts.get((lvl, g), 0))) for g, _ in groups]
        for lvl, label in levels
    ]
    columns = [
        {"level": g, "label": label, "n": int(bases[g]), "suppressed": False} for g, label in groups
    ]
    suppress(cells, columns, minimum)
    test = next((t for t in tests if t["row"] == variable.name and t["col"] == by.name), None)
    return _table("crosstab", variable, by, cells, columns, test)


def _table(
    kind: str,
    variable: Variable,
    by: Variable | None,
    cells: list[list[dict[str, Any]]],
    columns: list[dict[str, Any]],
    test: dict[str, Any] | None,
) -> dict[str, Any]:
    """One table as stored: the exact wording and choices, column bases, rows of cells."""
    shown_test = None
    if test is not None and not any(c["suppressed"] for row in cells for c in row):
        shown_test = {"f": test["f"], "ndf": test["ndf"], "ddf": test["ddf"],
                      "p_value": test["p_value_f"]}  # fmt: skip
    return {
        "kind": kind,
        "question": variable.name,
        "wording": variable.label,
        "choices": [list(choice) for choice in variable.choices],
        "by": by.name if by else None,
        "by_wording": by.label if by else None,
        "by_choices": [list(choice) for choice in by.choices] if by else [],
        "base": sum(c["n"] for c in columns if not c["suppressed"]),
        "columns": columns,
        "rows": cells,
        "test": shown_test,
    }


def publication_of(session: Session, survey: Survey) -> SurveyPublication | None:
    """The survey's publication, live or withdrawn (None if it never was published)."""
    return session.scalars(
        select(SurveyPublication).where(SurveyPublication.survey_id == survey.id)
    ).first()


def publish(
    session: Session, *, actor: Actor, survey_id: int, request: PublicationRequest
) -> SurveyPublication:
    """Compute and freeze the results at a public address; republishing replaces them (a
    withdrawn publication comes back at a new address). Audited as `survey.published`."""
    survey = get_survey(session, actor, survey_id, MANAGE)
    computed = compute(session, survey, request)
    publication = publication_of(session, survey)
    if publication is None:
        publication = SurveyPublication(survey_id=survey.id, slug=new_slug())
    elif publication.withdrawn_at is not None:
        publication.slug = new_slug()
    publication.transparency = computed.transparency
    publication.spec = computed.spec
    publication.results = computed.results
    publication.min_cell_count = request.min_cell_count
    publication.microdata = request.microdata
    publication.microdata_csv = computed.microdata_csv
    publication.published_by = actor.user_id or None
    publication.published_at = utcnow()
    publication.withdrawn_at = None
    session.add(publication)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="survey.published",
        target=f"survey:{survey.id}",
        unit_id=survey.unit_id,
        detail={
            "slug": publication.slug,
            "tables": len(computed.results["tables"]),
            "scheme": computed.results["scheme"],
            "min_cell_count": request.min_cell_count,
            "microdata": request.microdata,
        },
    )
    return publication


def withdraw(session: Session, *, actor: Actor, survey_id: int) -> SurveyPublication:
    """Take the public page down (its address then answers 404); audited."""
    survey = get_survey(session, actor, survey_id, MANAGE)
    publication = publication_of(session, survey)
    if publication is None or publication.withdrawn_at is not None:
        raise NotFound(f"{ERRORS}.not_published")
    publication.withdrawn_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="survey.publication_withdrawn",
        target=f"survey:{survey.id}",
        unit_id=survey.unit_id,
        detail={"slug": publication.slug},
    )
    return publication


def new_slug() -> str:
    return secrets.token_urlsafe(SLUG_BYTES)


def live(session: Session, slug: str) -> tuple[SurveyPublication, Survey]:
    """A live publication by its public address; NotFound for an unknown or withdrawn one."""
    publication = None
    if 0 < len(slug) <= MAX_SLUG:
        publication = session.scalars(
            select(SurveyPublication).where(SurveyPublication.slug == slug)
        ).first()
    if publication is None or publication.withdrawn_at is not None:
        raise NotFound(f"{ERRORS}.unknown_page")
    survey = session.get(Survey, publication.survey_id)
    if survey is None:
        raise NotFound(f"{ERRORS}.unknown_page")
    return publication, survey
