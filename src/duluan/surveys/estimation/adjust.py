"""Weight adjustments to known population figures: post-stratification, raking (with weight
trimming and convergence diagnostics) and linear calibration (GREG).

Each adjustment returns a new design that records the step (auxiliary variables and the weights
before and after), so the linearised variance uses regression residuals instead of treating the
adjusted weights as fixed. On a replicate design the same adjustment is repeated on every replicate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

from duluan.errors import BadInput
from duluan.surveys.estimation.design import (
    Design,
    FloatArray,
    IntArray,
    Projection,
    Replicates,
    require_columns,
)


@dataclass(frozen=True)
class Margin:
    """One set of population counts: every row's cell code and each cell's target total."""

    name: str
    codes: IntArray
    targets: FloatArray

    def dummies(self) -> FloatArray:
        """The cell indicators as columns (rows × cells)."""
        matrix = np.zeros((self.codes.size, self.targets.size))
        matrix[np.arange(self.codes.size), self.codes] = 1.0
        return matrix


@dataclass(frozen=True)
class Trim:
    """Bounds on the adjustment factor (adjusted weight ÷ design weight)."""

    lower: float = 0.0
    upper: float = float("inf")


def cell_key(values: pd.Series | list[object]) -> str:
    """How a category is named in totals and output: integral numbers without `.0`."""
    parts = []
    for value in values:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        parts.append(str(value))
    return " × ".join(parts)


def column_keys(series: pd.Series) -> pd.Series:
    """`cell_key` of every value of a column, computed once per distinct value (the columns are
    categories: a few levels over many rows)."""
    names = {value: cell_key([value]) for value in series.dropna().unique()}
    return series.map(names)


def row_keys(frame: pd.DataFrame, by: list[str]) -> pd.Series:
    """`cell_key` of each row's `by` values (a missing value reads "nan", as `str` gives it)."""
    parts = [column_keys(frame[column]).fillna("nan") for column in by]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.str.cat(part, sep=" × ")
    return joined


def margin_from_frame(
    frame: pd.DataFrame, by: list[str], totals: list[dict[str, object]]
) -> Margin:
    """Match the data's categories of `by` to the given population totals. Every category present
    in the data needs a total, and every total must have rows in the data."""
    require_columns(frame, *by)
    name = " × ".join(by)
    for column in by:
        if frame[column].isna().any():
            raise BadInput("estimation.errors.margin_missing_value", column=column)
    targets: dict[str, float] = {}
    for entry in totals:
        if set(by) - set(entry) or "total" not in entry:
            raise BadInput("estimation.errors.total_shape", margin=name)
        total = entry["total"]
        if not isinstance(total, int | float) or isinstance(total, bool) or total <= 0:
            raise BadInput("estimation.errors.total_value", margin=name)
        key = cell_key([entry[column] for column in by])
        if key in targets:
            raise BadInput("estimation.errors.total_repeated", margin=name, level=key)
        targets[key] = float(total)
    keys = row_keys(frame, by)
    present = sorted(set(keys))
    for level in present:
        if level not in targets:
            raise BadInput("estimation.errors.level_without_total", margin=name, level=level)
    for level in targets:
        if level not in present:
            raise BadInput("estimation.errors.total_without_rows", margin=name, level=level)
    index = {level: position for position, level in enumerate(present)}
    codes = keys.map(index).to_numpy(dtype=np.int64)
    return Margin(name, codes, np.array([targets[level] for level in present]))


def poststratify_weights(weights: FloatArray, margin: Margin) -> FloatArray:
    """Scale the weights in every cell so they add up to the cell's population count."""
    current = np.bincount(margin.codes, weights=weights, minlength=margin.targets.size)
    if (current <= 0).any():
        raise BadInput("estimation.errors.cell_no_weight", margin=margin.name)
    adjusted: FloatArray = weights * (margin.targets / current)[margin.codes]
    return adjusted


def _largest_error(weights: FloatArray, margins: list[Margin]) -> float:
    error = 0.0
    for margin in margins:
        current = np.bincount(margin.codes, weights=weights, minlength=margin.targets.size)
        error = max(error, float(np.max(np.abs(current - margin.targets) / margin.targets)))
    return error


def _cells(margins: list[Margin]) -> tuple[IntArray, list[Margin]]:
    """Each row's cell of the full cross-classification of the margins (only cells that occur),
    and the margins restated over those cells. Raking multiplies all rows of a cell by the same
    factor, so it can run on cell totals instead of rows: same weights, far less work."""
    key = np.zeros(margins[0].codes.size, dtype=np.int64)
    for margin in margins:
        key = key * margin.targets.size + margin.codes
    product = int(np.prod([m.targets.size for m in margins], dtype=np.float64))
    if product <= 4 * key.size + 1024:
        occupied = np.bincount(key, minlength=product) > 0
        present = np.flatnonzero(occupied)
        compact = (np.cumsum(occupied) - 1)[key]
    else:
        present, compact = np.unique(key, return_inverse=True)
    per_cell, remainder = [], present.copy()
    for margin in reversed(margins):
        remainder, codes = np.divmod(remainder, margin.targets.size)
        per_cell.append(Margin(margin.name, codes.astype(np.int64), margin.targets))
    return compact.astype(np.int64), per_cell[::-1]


def rake_weights(
    weights: FloatArray,
    margins: list[Margin],
    *,
    tolerance: float = 1e-10,
    max_iterations: int = 100,
    trim: Trim | None = None,
) -> tuple[FloatArray, dict[str, object]]:
    """Iterative proportional fitting: post-stratify to each margin in turn until the largest
    relative gap between weighted and target counts is below `tolerance`. With `trim`, the
    adjustment factors are clipped to the bounds after every cycle (and raking goes on), so the
    diagnostics say whether both the margins and the bounds could be met."""
    key, cells = _cells(margins)
    start: FloatArray = np.bincount(key, weights=weights).astype(np.float64)
    rows_per_cell = np.bincount(key)
    adjusted = start.copy()
    trimmed, error, iteration = 0, float("inf"), 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - the count is reported
        for margin in cells:
            adjusted = poststratify_weights(adjusted, margin)
        if trim is not None:
            factor = np.divide(adjusted, start, out=np.ones_like(adjusted), where=start > 0)
            outside = (factor < trim.lower) | (factor > trim.upper)
            trimmed = int(rows_per_cell[outside].sum())
            adjusted = start * np.clip(factor, trim.lower, trim.upper)
        # Without trimming the last margin was just met exactly; only the others need checking.
        error = _largest_error(adjusted, cells if trim is not None else cells[:-1])
        if error < tolerance:
            break
    factor = np.divide(adjusted, start, out=np.ones_like(adjusted), where=start != 0)
    result: FloatArray = weights * factor[key]
    return result, {
        "iterations": iteration,
        "converged": error < tolerance,
        "max_relative_error": error,
        "trimmed": trimmed,
    }


def calibrate_weights(weights: FloatArray, auxiliary: FloatArray, totals: FloatArray) -> FloatArray:
    """Linear (GREG) calibration: w·(1 + xᵀλ) with λ chosen so the weighted totals of the
    auxiliary columns equal `totals` exactly (chi-squared distance; weights may turn negative,
    which the diagnostics report)."""
    gram = (auxiliary * weights[:, None]).T @ auxiliary
    gap = totals - weights @ auxiliary
    try:
        multiplier = np.linalg.solve(gram, gap)
    except np.linalg.LinAlgError:
        raise BadInput("estimation.errors.calibration_singular") from None
    adjusted: FloatArray = weights * (1 + auxiliary @ multiplier)
    return adjusted


def _weight_summary(weights: FloatArray) -> dict[str, object]:
    """Distribution of the adjusted weights and Kish's design effect from weighting."""
    total = float(weights.sum())
    squares = float((weights**2).sum())
    return {
        "weight_min": float(weights.min()),
        "weight_max": float(weights.max()),
        "negative_weights": int((weights < 0).sum()),
        "effective_sample_size": total**2 / squares,
        "weighting_deff": weights.size * squares / total**2,
    }


def _each_replicate(design: Design, adjust: object) -> Replicates | None:
    if design.replicates is None:
        return None
    assert callable(adjust)  # noqa: S101
    columns = [adjust(column) for column in design.replicates.weights.T]
    old = design.replicates
    return Replicates(old.kind, np.column_stack(columns), old.scale, old.rscales)


def poststratify(design: Design, margin: Margin) -> Design:
    """The design post-stratified to one margin."""
    weights = poststratify_weights(design.weights, margin)
    replicates = _each_replicate(design, lambda w: poststratify_weights(w, margin))
    step = Projection(margin.dummies(), design.weights, weights)
    info = {"method": "poststratify", "margins": [margin.name], **_weight_summary(weights)}
    return design.reweighted(weights, step, replicates, info)


def rake(
    design: Design,
    margins: list[Margin],
    *,
    tolerance: float = 1e-10,
    max_iterations: int = 100,
    trim: Trim | None = None,
) -> Design:
    """The design raked to several margins; the variance treats raking as calibration on all
    margin indicators together (its linearisation)."""

    def fit(weights: FloatArray) -> tuple[FloatArray, dict[str, object]]:
        return rake_weights(
            weights, margins, tolerance=tolerance, max_iterations=max_iterations, trim=trim
        )

    weights, info = fit(design.weights)
    replicates = _each_replicate(design, lambda w: fit(w)[0])
    auxiliary = np.hstack([margin.dummies() for margin in margins])
    step = Projection(auxiliary, design.weights, weights)
    summary = {"method": "rake", "margins": [m.name for m in margins], **info}
    return design.reweighted(weights, step, replicates, {**summary, **_weight_summary(weights)})


def calibrate(
    design: Design, auxiliary: FloatArray, totals: FloatArray, names: list[str]
) -> Design:
    """The design calibrated (linear, GREG) to known totals of the auxiliary columns."""
    weights = calibrate_weights(design.weights, auxiliary, totals)
    replicates = _each_replicate(design, lambda w: calibrate_weights(w, auxiliary, totals))
    step = Projection(auxiliary, design.weights, weights)
    info = {"method": "calibrate", "vars": names, **_weight_summary(weights)}
    return design.reweighted(weights, step, replicates, info)
