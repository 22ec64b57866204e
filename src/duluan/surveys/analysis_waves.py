"""Wave-to-wave comparison: the same question asked in an earlier survey of the same unit (an
earlier wave), matched by question name, with each wave's weighted percentages (or mean) and the
change between them — its standard error, 95 % interval and two-sided test at 5 %.

The two waves are separate samples, so the change's variance is the sum of the two variances
(`estimation.compare.wave_difference`). Each wave is estimated with its own weighting; the declared
sample design is used for the earlier wave too when its questionnaire has the same design
questions, otherwise that wave is treated as a simple random sample and the notes say so. When the
two questionnaires' choices differ (a choice added, dropped or reworded) the comparison says which:
a change in wording can move the numbers as much as a change in opinion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.errors import BadInput
from duluan.surveys.analysis_data import NUMERIC_TYPES, AnalysisData, Variable
from duluan.surveys.analysis_design import SIMPLE, SampleDesign, checked, described
from duluan.surveys.analysis_tables import ERRORS, SIGNIFICANCE, prepare
from duluan.surveys.estimation.compare import wave_difference
from duluan.surveys.estimation.estimates import Z_95
from duluan.surveys.models import Survey
from duluan.surveys.weighting_models import WeightingScheme

WAVE_ERRORS = "survey_analysis_waves.errors"


@dataclass(frozen=True)
class Wave:
    """One wave as analysed: its survey's title, data, weighting and design."""

    title: str
    data: AnalysisData
    scheme: WeightingScheme | None
    design: SampleDesign


@dataclass(frozen=True)
class WaveRow:
    """One answer (or the mean): each wave's estimate and the change, later − earlier. A side
    is None where that wave's questionnaire did not offer the answer."""

    level: str | None
    label: str
    earlier: float | None
    earlier_se: float | None
    later: float | None
    later_se: float | None
    change: float | None = None
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None

    @property
    def significant(self) -> bool | None:
        return None if self.p_value is None else self.p_value < SIGNIFICANCE


@dataclass(frozen=True)
class WaveComparison:
    question: Variable
    percent: bool
    rows: list[WaveRow]
    later: Wave
    earlier: Wave
    earlier_n: int
    later_n: int
    only_later: list[str]
    only_earlier: list[str]
    relabelled: list[str]

    @property
    def choices_differ(self) -> bool:
        return bool(self.only_later or self.only_earlier or self.relabelled)

    def chart(self) -> dict[str, Any]:
        """Both waves side by side for each answer, with their 95 % intervals."""
        scale = 100.0 if self.percent else 1.0

        def series(name: str, values: list[float | None], ses: list[float | None]) -> Any:
            def shown(v: float | None, s: float | None, k: float) -> float | None:
                if v is None or s is None:
                    return None
                value = scale * (v + k * Z_95 * s)
                return round(max(value, 0.0) if self.percent else value, 4)

            return {
                "name": name,
                "values": [shown(v, s, 0) for v, s in zip(values, ses, strict=True)],
                "low": [shown(v, s, -1) for v, s in zip(values, ses, strict=True)],
                "high": [shown(v, s, 1) for v, s in zip(values, ses, strict=True)],
            }

        return {
            "categories": [r.label for r in self.rows],
            "unit": "%" if self.percent else "",
            "series": [
                series(
                    self.earlier.title,
                    [r.earlier for r in self.rows],
                    [r.earlier_se for r in self.rows],
                ),
                series(
                    self.later.title, [r.later for r in self.rows], [r.later_se for r in self.rows]
                ),
            ],
        }


def wave_candidates(session: Session, survey: Survey) -> list[Survey]:
    """The other surveys of the same unit, newest first: the waves this one may be compared with."""
    statement = select(Survey).where(Survey.unit_id == survey.unit_id, Survey.id != survey.id)
    return list(session.scalars(statement.order_by(Survey.created_at.desc(), Survey.id.desc())))


def _kind(variable: Variable) -> str | None:
    if variable.categorical:
        return "categorical"
    return "numeric" if variable.type in NUMERIC_TYPES else None


def shared_questions(later: AnalysisData, earlier: AnalysisData) -> list[Variable]:
    """Questions with the same name and kind (answers to choose, or a number) in both waves."""
    return [
        variable
        for name, variable in later.variables.items()
        if _kind(variable) is not None
        and name in earlier.variables
        and _kind(earlier.variables[name]) == _kind(variable)
    ]


def earlier_design(design: SampleDesign, earlier: AnalysisData) -> SampleDesign:
    """The declared design where the earlier wave has its questions; simple random otherwise."""
    return checked(design, earlier) if design.fits(earlier) else SIMPLE


def compare_waves(later: Wave, earlier: Wave, name: str) -> WaveComparison:
    """Each wave's estimate of question `name` and the change between them."""
    offered = {v.name: v for v in shared_questions(later.data, earlier.data)}
    if name not in offered:
        raise BadInput(f"{WAVE_ERRORS}.not_shared", question=name)
    question = offered[name]
    old = earlier.data.variables[name]
    if question.categorical:
        return _percentages(later, earlier, question, old)
    later_row, later_n = _estimates(later, name, "mean")
    earlier_row, earlier_n = _estimates(earlier, name, "mean")
    rows = [_compared(None, question.label, later_row.get(None), earlier_row.get(None))]
    return WaveComparison(question, False, rows, later, earlier, earlier_n, later_n, [], [], [])


def _estimates(wave: Wave, name: str, stat: str) -> tuple[dict[str | None, dict[str, Any]], int]:
    """The wave's estimates of `name` by level (None for a mean) and how many answered."""
    ready = prepare(wave.data, wave.scheme, wave.design)
    answered = int(ready.frame[name].notna().sum())
    if not answered:
        raise BadInput(f"{ERRORS}.no_answers", question=f"{name} ({wave.title})")
    result = ready.run([{"stat": stat, "var": name}])["estimates"]
    return {r["level"]: r for r in result}, answered


def _percentages(later: Wave, earlier: Wave, question: Variable, old: Variable) -> WaveComparison:
    later_rows, later_n = _estimates(later, question.name, "proportion")
    earlier_rows, earlier_n = _estimates(earlier, question.name, "proportion")
    now_offered = set(dict(question.choices)) or {str(k) for k in later_rows}
    then_offered = set(dict(old.choices)) or {str(k) for k in earlier_rows}
    levels = [c for c, _ in question.choices] + [c for c, _ in old.choices]
    levels += sorted({str(k) for k in (*later_rows, *earlier_rows)})
    rows = []
    for level in dict.fromkeys(str(lvl) for lvl in levels):
        now = later_rows.get(level) or _none_chose(question.name, level, level in now_offered)
        then = earlier_rows.get(level) or _none_chose(question.name, level, level in then_offered)
        rows.append(_compared(level, question.label_of(level), now, then))
    relabelled = [
        question.label_of(c)
        for c, label in old.choices
        if c in now_offered and question.label_of(c) != label
    ]
    return WaveComparison(
        question=question,
        percent=True,
        rows=rows,
        later=later,
        earlier=earlier,
        earlier_n=earlier_n,
        later_n=later_n,
        only_later=[question.label_of(c) for c in sorted(now_offered - then_offered)],
        only_earlier=[old.label_of(c) for c in sorted(then_offered - now_offered)],
        relabelled=relabelled,
    )


def _none_chose(name: str, level: str, offered: bool) -> dict[str, Any] | None:
    """A choice the questionnaire offered but nobody picked: 0 % (with no sampling spread)."""
    if not offered:
        return None
    return {
        "stat": "proportion",
        "var": name,
        "by": None,
        "level": level,
        "estimate": 0.0,
        "se": 0.0,
    }


def _compared(
    level: str | None, label: str, later: dict[str, Any] | None, earlier: dict[str, Any] | None
) -> WaveRow:
    def value(row: dict[str, Any] | None, key: str) -> float | None:
        return None if row is None else float(row[key] or 0.0)

    row = WaveRow(
        level,
        label,
        earlier=value(earlier, "estimate"),
        earlier_se=value(earlier, "se"),
        later=value(later, "estimate"),
        later_se=value(later, "se"),
    )
    if later is None or earlier is None:
        return row
    change = wave_difference(later, earlier)
    return WaveRow(
        level,
        label,
        row.earlier,
        row.earlier_se,
        row.later,
        row.later_se,
        change=float(change["estimate"]),  # type: ignore[arg-type]
        se=float(change["se"]),  # type: ignore[arg-type]
        ci_low=float(change["ci_low"]),  # type: ignore[arg-type]
        ci_high=float(change["ci_high"]),  # type: ignore[arg-type]
        p_value=float(change["p_value"]),  # type: ignore[arg-type]
    )


def rows_of(comparison: WaveComparison, t: Callable[..., str]) -> list[list[Any]]:
    """The comparison as rows for a CSV or XLSX file (percentages in points, or the means)."""
    scale = 100.0 if comparison.percent else 1.0
    keys: tuple[str, ...] = (
        "question",
        "code",
        "answer",
        "earlier",
        "earlier_se",
        "later",
        "later_se",
    )
    keys += ("change", "se", "ci_low", "ci_high", "p_value", "significant")
    rows: list[list[Any]] = [[t(f"survey_analysis_waves.file.{key}") for key in keys]]
    for r in comparison.rows:
        numbers = (r.earlier, r.earlier_se, r.later, r.later_se, r.change, r.se, r.ci_low)
        line: list[Any] = [comparison.question.name, r.level or "", r.label]
        line += [None if v is None else round(scale * v, 4) for v in (*numbers, r.ci_high)]
        line += [None if r.p_value is None else round(r.p_value, 4)]
        verdict = {True: "yes", False: "no", None: "not_compared"}[r.significant]
        line += [t(f"survey_analysis_waves.verdict.{verdict}")]
        rows.append(line)
    rows.append([])
    rows += [[note] for note in notes(comparison, t)]
    return rows


def notes(comparison: WaveComparison, t: Callable[..., str]) -> list[str]:
    """Which surveys, their designs and weightings, and where the questionnaires differ."""
    found = []
    for role, wave, n in (
        ("earlier", comparison.earlier, comparison.earlier_n),
        ("later", comparison.later, comparison.later_n),
    ):
        weighting = (
            t("survey_analysis_waves.weighted", name=wave.scheme.name)
            if wave.scheme
            else t("survey_analysis_waves.unweighted")
        )
        found.append(
            t(
                f"survey_analysis_waves.{role}_note",
                title=wave.title,
                n=n,
                design=described(wave.design, t),
                weighting=weighting,
            )
        )
    found.append(t("survey_analysis_waves.independent_note"))
    if comparison.only_later:
        found.append(
            t("survey_analysis_waves.only_later", choices=", ".join(comparison.only_later))
        )
    if comparison.only_earlier:
        choices = ", ".join(comparison.only_earlier)
        found.append(t("survey_analysis_waves.only_earlier", choices=choices))
    if comparison.relabelled:
        choices = ", ".join(comparison.relabelled)
        found.append(t("survey_analysis_waves.relabelled", choices=choices))
    return found
