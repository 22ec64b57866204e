"""Means of a number question (age, income, a 0–10 score): the weighted mean with its standard
error, 95 % interval and design effect, the median with its Woodruff interval, and the number of
respondents — over everyone and by the answers to a grouping question (domain estimates, which
keep the whole sample's design, as R's `svyby` does). Computed by the estimation engine with the
same weighting and design as the page's percentages, and written out like them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

from duluan.errors import BadInput
from duluan.surveys.analysis_data import NUMERIC_TYPES, AnalysisData, Variable
from duluan.surveys.analysis_design import SIMPLE, SampleDesign, described
from duluan.surveys.analysis_tables import ERRORS, RELIABLE_COUNT, prepare
from duluan.surveys.estimation.design import FloatArray
from duluan.surveys.estimation.estimates import Z_95
from duluan.surveys.weighting_models import WeightingScheme

MEANS_ERRORS = "survey_analysis_means.errors"


@dataclass(frozen=True)
class MeanRow:
    """One group's mean and median (`group` None for everyone)."""

    group: str | None
    group_label: str
    count: int
    mean: float
    se: float
    ci_low: float
    ci_high: float
    deff: float | None
    median: float
    median_low: float
    median_high: float

    @property
    def margin_of_error(self) -> float:
        return Z_95 * self.se

    @property
    def unreliable(self) -> bool:
        return self.count < RELIABLE_COUNT


@dataclass(frozen=True)
class MeansTable:
    """The means of `question`, overall first, then one row per answer to `by`."""

    question: Variable
    by: Variable | None
    rows: list[MeanRow]
    respondents: int
    scheme: WeightingScheme | None
    design: SampleDesign

    def chart(self, overall: str) -> dict[str, Any]:
        """Means with their 95 % intervals, in the shape the page's bar chart reads."""
        return {
            "categories": [overall if r.group is None else r.group_label for r in self.rows],
            "unit": "",
            "series": [
                {
                    "name": self.question.label,
                    "values": [round(r.mean, 4) for r in self.rows],
                    "low": [round(r.ci_low, 4) for r in self.rows],
                    "high": [round(r.ci_high, 4) for r in self.rows],
                }
            ],
        }


def numeric_variable(data: AnalysisData, name: str) -> Variable:
    variable = data.variables.get(name)
    if variable is None:
        raise BadInput(f"{ERRORS}.not_analysable", question=name)
    if variable.type not in NUMERIC_TYPES:
        raise BadInput(f"{MEANS_ERRORS}.not_numeric", question=variable.label)
    return variable


def means(
    data: AnalysisData,
    name: str,
    by: str = "",
    scheme: WeightingScheme | None = None,
    design: SampleDesign = SIMPLE,
) -> MeansTable:
    """Mean, median, SE, interval, design effect and n of a number question, overall and by `by`."""
    variable = numeric_variable(data, name)
    group = None
    if by:
        group = data.variables.get(by)
        if group is None or not group.categorical:
            raise BadInput(f"{ERRORS}.not_analysable", question=by)
    ready = prepare(data, scheme, design)
    answered = ready.frame[ready.frame[name].notna()]
    if answered.empty:
        raise BadInput(f"{ERRORS}.no_answers", question=variable.label)
    asked: list[dict[str, Any]] = [
        {"stat": "mean", "var": name},
        {"stat": "quantile", "var": name, "p": [0.5]},
    ]
    if group is not None:
        asked += [dict(item, by=by) for item in asked]
    result = ready.run(asked)["estimates"]
    counts = answered[by].value_counts().to_dict() if group is not None else {}
    weights = _weights(ready.frame, scheme)
    rows = [_row(result, None, "", len(answered))]
    rows[0] = _with_deff(rows[0], ready.frame[name], weights)
    if group is not None:
        present = {str(r["by"][by]) for r in result if r["by"]}
        ordered = [level for level, _ in group.choices if level in present]
        ordered += sorted(present - set(ordered))
        for level in ordered:
            row = _row(result, (by, level), group.label_of(level), int(counts.get(level, 0)))
            values = ready.frame[name].where(ready.frame[by] == level)
            rows.append(_with_deff(row, values, weights))
    return MeansTable(variable, group, rows, len(answered), scheme, design)


def _weights(frame: pd.DataFrame, scheme: WeightingScheme | None) -> FloatArray:
    """The weights the engine ends with: the scheme's (it repeats the same adjustment) or 1."""
    if scheme is None:
        return np.ones(len(frame))
    stored = {int(key): float(value) for key, value in scheme.weights.items()}
    found: FloatArray = frame["_response_id"].map(stored).to_numpy(dtype=float)
    return found


def _with_deff(row: MeanRow, values: pd.Series, weights: FloatArray) -> MeanRow:
    """The engine's design effect compares with simple random sampling *without* replacement
    from a population of Σ weights (R's default); without a known population size that sum is
    the sample size and the comparison is undefined. Then, as R's `deff="replace"`, compare with
    sampling *with* replacement: variance of the mean ÷ (weighted s² / n)."""
    if row.deff is not None:
        return row
    present = values.notna().to_numpy()
    n = int(present.sum())
    if n < 2:  # a variance needs two answers
        return row
    y, w = values.to_numpy(dtype=float)[present], weights[present]
    mean = float(w @ y) / float(w.sum())
    spread = float(w @ (y - mean) ** 2) / float(w.sum()) * n / (n - 1)
    if spread <= 0:
        return row
    return replace(row, deff=row.se**2 / (spread / n))


def _row(
    result: list[dict[str, Any]], domain: tuple[str, str] | None, label: str, count: int
) -> MeanRow:
    def found(stat: str) -> dict[str, Any]:
        wanted = None if domain is None else {domain[0]: domain[1]}
        return next(r for r in result if r["stat"] == stat and r["by"] == wanted)

    mean, median = found("mean"), found("quantile")
    return MeanRow(
        group=None if domain is None else domain[1],
        group_label=label,
        count=count,
        mean=float(mean["estimate"]),
        se=float(mean["se"] or 0.0),
        ci_low=float(mean["ci_low"]),
        ci_high=float(mean["ci_high"]),
        deff=None if mean["deff"] is None else float(mean["deff"]),
        median=float(median["estimate"]),
        median_low=float(median["ci_low"]),
        median_high=float(median["ci_high"]),
    )


def rows_of(table: MeansTable, t: Callable[..., str]) -> list[list[Any]]:
    """The means as rows for a CSV or XLSX file: a header, one row per group, then the notes."""
    keys: tuple[str, ...] = (
        "question",
        "group_code",
        "group",
        "count",
        "mean",
        "se",
        "ci_low",
        "ci_high",
    )
    keys += ("moe", "deff", "median", "median_low", "median_high", "reliable")
    rows: list[list[Any]] = [[t(f"survey_analysis_means.file.{key}") for key in keys]]
    overall = t("survey_analysis_means.overall")
    for r in table.rows:
        line: list[Any] = [table.question.name, r.group or "", r.group_label or overall, r.count]
        line += [round(v, 6) for v in (r.mean, r.se, r.ci_low, r.ci_high, r.margin_of_error)]
        line += [None if r.deff is None else round(r.deff, 4)]
        line += [r.median, r.median_low, r.median_high]
        line += [t("survey_analysis.unreliable") if r.unreliable else ""]
        rows.append(line)
    rows.append([])
    rows += [[note] for note in notes(table, t)]
    return rows


def notes(table: MeansTable, t: Callable[..., str]) -> list[str]:
    """The design and weighting the means rest on, and how many answered."""
    weighting = (
        t("survey_analysis.weighted_by", name=table.scheme.name)
        if table.scheme
        else t("survey_analysis_means.unweighted_note")
    )
    return [
        described(table.design, t),
        weighting,
        t("survey_analysis.respondents", n=table.respondents),
    ]
