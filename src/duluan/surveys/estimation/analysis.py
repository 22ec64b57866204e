"""Run a spec on a data frame: build the design, apply the adjustments, compute the estimates.

The result is plain JSON-ready data: `estimates` (one row per number), `tests` (crosstab tests),
`adjustments` (weighting diagnostics) and `design` (what the variance rests on).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

from duluan.errors import BadInput
from duluan.surveys.estimation import adjust as adjusting
from duluan.surveys.estimation.adjust import Trim, cell_key, margin_from_frame
from duluan.surveys.estimation.compare import group_difference
from duluan.surveys.estimation.crosstab import crosstab
from duluan.surveys.estimation.design import Design, FloatArray, build_design, require_columns
from duluan.surveys.estimation.estimates import (
    BoolArray,
    mean_or_total_rows,
    numeric_column,
    quantile_rows,
    ratio_rows,
)
from duluan.surveys.estimation.replicates import with_replicates
from duluan.surveys.estimation.spec import INTERCEPT, AdjustSpec, EstimateSpec, Spec


def read_table(path: Path) -> pd.DataFrame:
    """Responses from a CSV file with a header row; empty cells and `NA` are missing values.
    Raises OSError or ValueError (pandas' parser errors) for unreadable files."""
    return pd.read_csv(path)


def _adjusted(frame: pd.DataFrame, design: Design, step: AdjustSpec) -> Design:
    if step.method == "calibrate":
        columns: list[FloatArray] = []
        totals: list[float] = []
        if INTERCEPT in step.totals:
            columns.append(np.ones(len(frame)))
            totals.append(step.totals[INTERCEPT])
        for name in step.vars:
            values = numeric_column(frame, name)
            if np.isnan(values).any():
                raise BadInput("estimation.errors.calibration_missing_value", column=name)
            columns.append(values)
            totals.append(step.totals[name])
        names = ([INTERCEPT] if INTERCEPT in step.totals else []) + step.vars
        return adjusting.calibrate(design, np.column_stack(columns), np.array(totals), names)
    margins = [margin_from_frame(frame, m.by, m.totals) for m in step.margins]
    if step.method == "poststratify":
        return adjusting.poststratify(design, margins[0])
    trim = Trim(*step.trim) if step.trim is not None else None
    return adjusting.rake(
        design, margins, tolerance=step.tolerance, max_iterations=step.max_iterations, trim=trim
    )


def _subset(frame: pd.DataFrame, spec: Spec) -> BoolArray:
    if spec.subset is None:
        return np.ones(len(frame), dtype=bool)
    var, value = spec.subset
    require_columns(frame, var)
    mask: BoolArray = (frame[var].map(lambda v: cell_key([v])) == cell_key([value])).to_numpy()
    if not mask.any():
        raise BadInput("estimation.errors.subset_empty", column=var, value=value)
    return mask


def _estimate(
    frame: pd.DataFrame, design: Design, item: EstimateSpec, within: BoolArray
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Rows (and tests) of one requested estimate."""
    if item.stat == "ratio":
        assert item.num is not None and item.den is not None  # noqa: S101 - checked by the spec
        return ratio_rows(frame, design, item.num, item.den, item.by, within), []
    assert item.var is not None  # noqa: S101 - checked by the spec
    if item.stat == "quantile":
        return quantile_rows(frame, design, item.var, item.p, item.by, within), []
    if item.stat == "crosstab":
        assert item.col is not None  # noqa: S101
        cells, test = crosstab(frame, design, item.var, item.col, within)
        return cells, [test]
    if item.stat == "difference":
        if len(item.by) != 1:
            raise BadInput("estimation.errors.difference_by")
        result = group_difference(
            frame,
            design,
            stat="mean",
            var=item.var,
            by=item.by[0],
            levels=item.levels,
            within=within,
            level=item.level,
        )
        return [result], []
    stat = "mean" if item.stat == "proportion" else item.stat
    categorical = item.stat == "proportion"
    rows = mean_or_total_rows(frame, design, stat, item.var, item.by, within, categorical)
    if item.stat == "proportion":
        for entry in rows:
            entry["stat"] = "proportion"
    return rows, []


def _clean(value: object) -> object:
    """JSON has no NaN: an undefined number (a design effect of a constant) becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def analyse(frame: pd.DataFrame, spec: Spec) -> dict[str, object]:
    """Everything the spec asks for, computed on `frame`."""
    settings = spec.design
    design = build_design(
        frame,
        ids=settings.ids,
        strata=settings.strata,
        weights=settings.weights,
        probs=settings.probs,
        fpc=settings.fpc,
        lonely_psu=settings.lonely_psu,
    )
    if settings.replicates is not None:
        rep = settings.replicates
        design = with_replicates(design, rep.type, rep.count, rep.seed)
    for step in spec.adjust:
        design = _adjusted(frame, design, step)
    within = _subset(frame, spec)
    estimates: list[dict[str, object]] = []
    tests: list[dict[str, object]] = []
    for item in spec.estimates:
        rows, found = _estimate(frame, design, item, within)
        estimates.extend(rows)
        tests.extend(found)
    summary = {
        "rows": design.size,
        "clusters": int(np.unique(design.clusters).size),
        "strata": int(np.unique(design.strata).size),
        "degrees_of_freedom": design.degrees_of_freedom,
        "variance": design.replicates.kind if design.replicates else "linearisation",
        "confidence": "95 %, normal (quantiles: Woodruff, Student t on the design's df)",
    }
    result = {
        "estimates": estimates,
        "tests": tests,
        "adjustments": list(design.diagnostics),
        "design": summary,
    }
    cleaned = _clean(result)
    assert isinstance(cleaned, dict)  # noqa: S101
    return cleaned


def _number(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, int | float) else "—"


def text_table(result: dict[str, object]) -> str:
    """The estimates and tests as aligned text lines, for reading in a terminal."""
    lines = []
    for entry in result["estimates"]:  # type: ignore[attr-defined]
        by = ", ".join(f"{k}={v}" for k, v in (entry["by"] or {}).items())
        label = " ".join(str(p) for p in (entry["stat"], entry["var"], by, entry["level"]) if p)
        lines.append(
            f"{label:<44} {_number(entry['estimate']):>12}  SE {_number(entry['se']):>10}  "
            f"95% [{_number(entry['ci_low'])}; {_number(entry['ci_high'])}]"
            f"  deff {_number(entry['deff'])}"
        )
    for test in result["tests"]:  # type: ignore[attr-defined]
        lines.append(
            f"Rao–Scott {test['row']} × {test['col']}: F = {_number(test['f'])}, "
            f"ndf = {_number(test['ndf'])}, ddf = {_number(test['ddf'])}, "
            f"p = {_number(test['p_value_f'])}; χ² p = {_number(test['p_value'])}"
        )
    return "\n".join(lines)
