"""Weighting a survey's responses to known population figures: targets entered as text or a CSV
file (`question,level,total` or `question,level,share`), checked against the questionnaire and
the responses, turned into weights by the estimation engine (raking over several margins,
post-stratification over one) and stored as a `WeightingScheme` with its diagnostics.

Every check names what is wrong in the deployment's language and nothing is stored until all
pass: a question that is not a single-choice question, a level that is not one of its choices, a
level answered by respondents but given no target, a negative or zero target, shares that do not
add up to 1 (± 0.01), margins of population totals that do not agree, and respondents who did not
answer a weighting question (the engine needs every row in a cell). Computing is audited.

Shares are turned into totals of the population size (the sum of a margin given as totals, or
else the number of respondents, so the weights average 1); the size is stored with the targets so
the analysis pages rebuild exactly the same adjustment (`adjust_step`) and their standard errors
account for the weighting instead of treating the weights as fixed.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput, NotFound
from duluan.surveys import analysis_data
from duluan.surveys.analysis_data import AnalysisData, Variable
from duluan.surveys.estimation import adjust as adjusting
from duluan.surveys.estimation.design import build_design
from duluan.surveys.models import Survey
from duluan.surveys.service import MANAGE, get_survey
from duluan.surveys.weighting_models import WeightingScheme

KINDS = ("total", "share")
SHARE_TOLERANCE = 0.01
TOTALS_AGREE = 0.01  # margins of totals may differ by 1 % (rounded census figures)
MAX_NAME = 200
MAX_TARGETS_TEXT = 100_000
HISTOGRAM_BINS = 20
ERRORS = "survey_analysis.errors"


@dataclass(frozen=True)
class Margin:
    """Targets of one question: level (choice name) → population total or share."""

    question: str
    kind: str
    levels: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "kind": self.kind, "levels": self.levels}


def parse_targets(text: str, kind: str = "total") -> list[Margin]:
    """Margins from CSV text: rows `question,level,value`, an optional header whose third column
    (`total` or `share`) says what the values are. A spreadsheet's `;`-separated export with
    decimal commas is read too."""
    if kind not in KINDS:
        raise BadInput(f"{ERRORS}.bad_kind")
    lines = text.lstrip("\ufeff").splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    margins: dict[str, Margin] = {}
    for number, cells in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if len(cells) != 3:
            raise BadInput(f"{ERRORS}.line_shape", line=number, found=len(cells))
        question, level, raw = cells
        if number == 1 and question.lower() in ("question", "cau_hoi") and raw.lower() in KINDS:
            kind = raw.lower()
            continue
        value = _number(raw, delimiter, number)
        if value < 0:
            raise BadInput(f"{ERRORS}.negative", line=number, question=question, level=level)
        margin = margins.setdefault(question, Margin(question, kind, {}))
        if level in margin.levels:
            raise BadInput(f"{ERRORS}.repeated_level", question=question, level=level)
        margin.levels[level] = value
    if not margins:
        raise BadInput(f"{ERRORS}.no_targets")
    return list(margins.values())


def _number(raw: str, delimiter: str, line: int) -> float:
    text = raw.replace(",", ".") if delimiter == ";" else raw
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"{ERRORS}.not_a_number", line=line, value=raw) from None
    if not math.isfinite(value):
        raise BadInput(f"{ERRORS}.not_a_number", line=line, value=raw)
    return value


def targets_text(scheme: WeightingScheme) -> str:
    """A scheme's targets written back as the CSV text they are entered in."""
    margins = scheme.targets.get("margins", [])
    kind = margins[0]["kind"] if margins else "total"
    lines = [f"question,level,{kind}"]
    for margin in margins:
        lines += [f"{margin['question']},{lvl},{val:g}" for lvl, val in margin["levels"].items()]
    return "\n".join(lines)


def check_targets(data: AnalysisData, margins: list[Margin]) -> tuple[list[Margin], float]:
    """The margins ready for the engine (levels no respondent chose and whose target is 0 left
    out, shares made to add up to exactly 1) and the population size; BadInput names the first
    problem found."""
    if data.size == 0:
        raise BadInput(f"{ERRORS}.no_responses")
    seen: set[str] = set()
    ready = []
    for margin in margins:
        if margin.question in seen:
            raise BadInput(f"{ERRORS}.repeated_question", question=margin.question)
        seen.add(margin.question)
        ready.append(_checked_margin(data, margin))
    given = sorted((sum(m.levels.values()), m.question) for m in ready if m.kind == "total")
    if given and given[-1][0] - given[0][0] > TOTALS_AGREE * given[-1][0]:
        raise BadInput(
            f"{ERRORS}.totals_disagree",
            first=given[0][1],
            first_total=_shown(given[0][0]),
            other=given[-1][1],
            other_total=_shown(given[-1][0]),
        )
    population = given[-1][0] if given else float(data.size)
    # Totals that agree within 1 % are made to agree exactly, or raking could never meet them all.
    return [_scaled(m, population) for m in ready], population


def _scaled(margin: Margin, population: float) -> Margin:
    if margin.kind != "total":
        return margin
    factor = population / sum(margin.levels.values())
    return Margin(margin.question, margin.kind, {k: v * factor for k, v in margin.levels.items()})


def _checked_margin(data: AnalysisData, margin: Margin) -> Margin:
    variable = data.variables.get(margin.question)
    if variable is None or not variable.categorical:
        raise BadInput(f"{ERRORS}.not_single_choice", question=margin.question)
    answers = data.frame[margin.question]
    unanswered = int(answers.isna().sum())
    if unanswered:
        raise BadInput(f"{ERRORS}.unanswered", question=margin.question, n=unanswered)
    counts = answers.value_counts().to_dict()
    known = _levels(variable, counts)
    for level in margin.levels:
        if level not in known:
            raise BadInput(
                f"{ERRORS}.unknown_level",
                question=margin.question,
                level=level,
                known=", ".join(known),
            )
    for level in known:
        if counts.get(level, 0) and level not in margin.levels:
            raise BadInput(
                f"{ERRORS}.missing_level", question=margin.question, level=level, n=counts[level]
            )
    levels = {}
    for level, value in margin.levels.items():
        chosen = counts.get(level, 0)
        if value == 0 and chosen:
            raise BadInput(f"{ERRORS}.zero_target", question=margin.question, level=level, n=chosen)
        if value > 0 and not chosen:
            raise BadInput(f"{ERRORS}.target_without_rows", question=margin.question, level=level)
        if chosen:
            levels[level] = value
    if margin.kind == "share":
        total = sum(margin.levels.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            raise BadInput(f"{ERRORS}.shares_sum", question=margin.question, total=_shown(total))
        levels = {level: value / sum(levels.values()) for level, value in levels.items()}
    return Margin(margin.question, margin.kind, levels)


def _levels(variable: Variable, counts: dict[str, int]) -> list[str]:
    """The levels a target may name: the question's choices, or for a calculation (no choice
    list) the values its formula gave."""
    if variable.choices:
        return [name for name, _ in variable.choices]
    return sorted(counts)


def _shown(value: float) -> str:
    """A number in a message, readable in any language: no thousands separator."""
    return f"{value:.4g}" if abs(value) < 10 else f"{value:.0f}"


def adjust_step(targets: dict[str, Any], trim: tuple[float, float] | None) -> dict[str, Any]:
    """The engine's `adjust` entry for stored targets: raking, or post-stratification when there
    is one margin and no trimming (the same weights; post-stratification has no bounds)."""
    population = float(targets["population"])
    margins = []
    for margin in targets["margins"]:
        scale = population if margin["kind"] == "share" else 1.0
        question = margin["question"]
        totals = [{question: lvl, "total": v * scale} for lvl, v in margin["levels"].items()]
        margins.append({"by": [question], "totals": totals})
    if len(margins) == 1 and trim is None:
        return {"method": "poststratify", "margins": margins}
    step: dict[str, Any] = {"method": "rake", "margins": margins, "max_iterations": 1000}
    if trim is not None:
        step["trim"] = {"lower": trim[0], "upper": trim[1]}
    return step


def _trim(lower: float | None, upper: float | None) -> tuple[float, float] | None:
    if lower is None and upper is None:
        return None
    low, high = lower if lower is not None else 0.0, upper if upper is not None else math.inf
    if low < 0 or low > 1 or high < 1 or not math.isfinite(low):
        raise BadInput(f"{ERRORS}.trim_bounds")
    return low, high


def adjusted_weights(data: AnalysisData, step: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
    """The engine's weights for the step, from design weights of 1 (no sampling weights yet)."""
    frame = data.frame
    design = build_design(frame)
    margins = [adjusting.margin_from_frame(frame, m["by"], m["totals"]) for m in step["margins"]]
    if step["method"] == "poststratify":
        design = adjusting.poststratify(design, margins[0])
    else:
        bounds = step.get("trim")
        trim = adjusting.Trim(bounds["lower"], bounds["upper"]) if bounds else None
        design = adjusting.rake(design, margins, trim=trim, max_iterations=step["max_iterations"])
    return design.weights, dict(design.diagnostics[-1])


def weight_summary(weights: np.ndarray) -> dict[str, float]:
    """Quartiles and mean of the weights (the engine reports their range)."""
    q1, median, q3 = np.quantile(weights, [0.25, 0.5, 0.75])
    return {
        "weight_q1": float(q1),
        "weight_median": float(median),
        "weight_q3": float(q3),
        "weight_mean": float(weights.mean()),
    }


@dataclass(frozen=True)
class SchemeInput:
    """What the weighting page sends."""

    name: str
    text: str
    kind: str = "total"
    trim_lower: float | None = None
    trim_upper: float | None = None
    approved_only: bool = False


def compute_scheme(
    session: Session, *, actor: Actor, survey_id: int, request: SchemeInput
) -> WeightingScheme:
    """Check the targets, weight the responses and store the scheme (replacing one of the same
    name); audited as `survey.weights_computed`."""
    survey = get_survey(session, actor, survey_id, MANAGE)
    name = " ".join(request.name.split())
    if not name or len(name) > MAX_NAME:
        raise BadInput(f"{ERRORS}.name", limit=MAX_NAME)
    trim = _trim(request.trim_lower, request.trim_upper)
    data = analysis_data.load(session, survey, approved_only=request.approved_only)
    margins, population = check_targets(data, parse_targets(request.text, request.kind))
    targets = {"margins": [m.to_dict() for m in margins], "population": population}
    weights, report = adjusted_weights(data, adjust_step(targets, trim))
    ids = data.frame["_response_id"].tolist()
    scheme = session.scalars(
        select(WeightingScheme).where(
            WeightingScheme.survey_id == survey.id, WeightingScheme.name == name
        )
    ).first() or WeightingScheme(survey_id=survey.id, name=name)
    scheme.approved_only = request.approved_only
    scheme.targets = targets
    scheme.trim_lower, scheme.trim_upper = trim if trim else (None, None)
    if scheme.trim_upper is not None and math.isinf(scheme.trim_upper):
        scheme.trim_upper = None
    scheme.weights = {str(i): float(w) for i, w in zip(ids, weights, strict=True)}
    scheme.diagnostics = {**report, **weight_summary(weights), "responses": data.size}
    scheme.created_by = actor.user_id or None
    scheme.created_at = utcnow()
    session.add(scheme)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="survey.weights_computed",
        target=f"survey:{survey.id}",
        unit_id=survey.unit_id,
        detail={"scheme": name, "responses": data.size, "converged": report.get("converged")},
    )
    return scheme


def stored_trim(scheme: WeightingScheme) -> tuple[float, float] | None:
    """The trimming bounds a scheme was computed with (None: no trimming)."""
    if scheme.trim_lower is None and scheme.trim_upper is None:
        return None
    lower = scheme.trim_lower if scheme.trim_lower is not None else 0.0
    return lower, scheme.trim_upper if scheme.trim_upper is not None else math.inf


def schemes(session: Session, survey: Survey) -> list[WeightingScheme]:
    """The survey's weighting schemes, newest first."""
    statement = select(WeightingScheme).where(WeightingScheme.survey_id == survey.id)
    return list(session.scalars(statement.order_by(WeightingScheme.created_at.desc())))


def scheme_of(session: Session, survey: Survey, scheme_id: int) -> WeightingScheme:
    """One scheme of the survey; NotFound for another survey's."""
    scheme = session.get(WeightingScheme, scheme_id)
    if scheme is None or scheme.survey_id != survey.id:
        raise NotFound(f"{ERRORS}.no_scheme")
    return scheme


def histogram(weights: list[float], bins: int = HISTOGRAM_BINS) -> list[list[float]]:
    """`[[bin start, bin end, count], …]` of the weights, for the page's small chart."""
    if not weights:
        return []
    counts, edges = np.histogram(np.asarray(weights), bins=bins)
    return [[float(edges[i]), float(edges[i + 1]), int(n)] for i, n in enumerate(counts)]
