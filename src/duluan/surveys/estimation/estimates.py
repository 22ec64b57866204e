"""Estimates with standard errors: means, totals, proportions, ratios and quantiles, over the
whole sample or by domain, with design effects and 95 % confidence intervals.

Every linear estimate here is a ratio of two weighted sums, θ = Σ w·a / Σ w·b (a total has no
denominator; a mean has b = 1; a domain multiplies a and b by the domain indicator). Its influence
values are w·(a − θ·b)/Σ w·b, which is all the linearised variance needs, and replicate estimates
are the same ratio with each replicate's weights. Domains are never re-designed as subsets: rows
outside the domain keep their strata and clusters and contribute zero, as in R's `svyby`.
Missing values of the analysed variable are treated the same way (R's `na.rm=TRUE`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed
from scipy import stats

from duluan.errors import BadInput
from duluan.surveys.estimation.adjust import cell_key, column_keys
from duluan.surveys.estimation.design import Design, FloatArray, require_columns
from duluan.surveys.estimation.variance import linearised_covariance, replicate_covariance

Z_95 = float(stats.norm.ppf(0.975))
BoolArray = np.ndarray[tuple[int, ...], np.dtype[np.bool_]]


@dataclass(frozen=True)
class Linear:
    """θ = Σ w·numerator / Σ w·denominator; a total when `denominator` is None."""

    numerator: FloatArray
    denominator: FloatArray | None = None

    def value(self, weights: FloatArray) -> FloatArray:
        """The estimate for one weight vector, or one per column of a weight matrix."""
        top: FloatArray = weights.T @ self.numerator
        if self.denominator is None:
            return top
        result: FloatArray = top / (weights.T @ self.denominator)
        return result

    def influence(self, weights: FloatArray) -> FloatArray:
        if self.denominator is None:
            result: FloatArray = weights * self.numerator
            return result
        below = float(weights @ self.denominator)
        theta = float(weights @ self.numerator) / below
        result = weights * (self.numerator - theta * self.denominator) / below
        return result


def estimate_linear(design: Design, statistics: list[Linear]) -> tuple[FloatArray, FloatArray]:
    """Point estimates and their covariance matrix, by replicates when the design has them."""
    estimates = np.array([float(s.value(design.weights)) for s in statistics])
    if design.replicates is not None:
        weights = design.replicates.weights
        values = np.column_stack([s.value(weights) for s in statistics])
        return estimates, replicate_covariance(design, values)
    influence = np.column_stack([s.influence(design.weights) for s in statistics])
    return estimates, linearised_covariance(design, influence)


def row(
    stat: str,
    var: str,
    estimate: float,
    se: float,
    *,
    by: dict[str, str] | None = None,
    level: str | None = None,
    deff: float | None = None,
) -> dict[str, object]:
    """One output row: estimate, standard error, normal 95 % interval, design effect."""
    return {
        "stat": stat,
        "var": var,
        "by": by,
        "level": level,
        "estimate": estimate,
        "se": se,
        "ci_low": estimate - Z_95 * se,
        "ci_high": estimate + Z_95 * se,
        "deff": deff,
    }


def is_categorical(series: pd.Series) -> bool:
    """Text, true/false and category columns are categorical; numbers are numeric."""
    return not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def numeric_column(frame: pd.DataFrame, var: str) -> FloatArray:
    require_columns(frame, var)
    if is_categorical(frame[var]):
        raise BadInput("estimation.errors.not_numeric", column=var)
    values: FloatArray = frame[var].to_numpy(dtype=float)
    return values


def levels_of(series: pd.Series) -> list[str]:
    return sorted({cell_key([value]) for value in series.dropna()})


def _level_codes(series: pd.Series) -> pd.Series:
    return column_keys(series)


def domains(
    frame: pd.DataFrame, by: list[str], within: BoolArray
) -> list[tuple[dict[str, str] | None, BoolArray]]:
    """(label, indicator) for each domain of the `by` columns, or the whole sample."""
    if not by:
        return [(None, within)]
    require_columns(frame, *by)
    keys = pd.DataFrame({column: column_keys(frame[column]) for column in by})
    found = sorted(set(keys.dropna().itertuples(index=False, name=None)))
    result: list[tuple[dict[str, str] | None, BoolArray]] = []
    for key in found:
        mask = (keys == list(key)).all(axis=1).to_numpy() & within
        result.append((dict(zip(by, key, strict=True)), mask))
    return result


def srs_variance_of_mean(y: FloatArray, weights: FloatArray, mask: BoolArray) -> float:
    """Variance of the mean under simple random sampling without replacement of the same size,
    (1 − n/N̂)·s²/n with s² the weighted variance times n/(n − 1) (R's `deff=TRUE`)."""
    n = int(mask.sum())
    if n < 2:
        return float("nan")
    w = weights[mask]
    population = float(w.sum())
    mean = float(w @ y[mask]) / population
    spread = float(w @ (y[mask] - mean) ** 2) / population * n / (n - 1)
    return (1 - n / population) * spread / n


def mean_or_total_rows(
    frame: pd.DataFrame,
    design: Design,
    stat: str,
    var: str,
    by: list[str],
    within: BoolArray,
    categorical: bool = False,
) -> list[dict[str, object]]:
    """Mean or total of a numeric variable, or of each level of a categorical one (a proportion
    for `mean`, a count for `total`), in each domain."""
    require_columns(frame, var)
    series = frame[var]
    rows: list[dict[str, object]] = []
    categorical = categorical or is_categorical(series)
    present = series.notna().to_numpy()
    columns: list[tuple[str | None, FloatArray]]
    if categorical:
        codes = _level_codes(series)
        columns = [(level, (codes == level).to_numpy(dtype=float)) for level in levels_of(series)]
    else:
        columns = [(None, np.nan_to_num(numeric_column(frame, var)))]
    for label, domain in domains(frame, by, within & present):
        indicator = domain.astype(float)
        statistics = [
            Linear(values * indicator, indicator if stat == "mean" else None)
            for _, values in columns
        ]
        estimates, covariance = estimate_linear(design, statistics)
        population = float(design.weights @ indicator)
        for position, (level, values) in enumerate(columns):
            srs = srs_variance_of_mean(values, design.weights, domain)
            if stat == "total":
                srs *= population**2
            variance = float(covariance[position, position])
            deff = variance / srs if srs > 0 else None
            rows.append(
                row(
                    stat,
                    var,
                    float(estimates[position]),
                    variance**0.5,
                    by=label,
                    level=level,
                    deff=deff,
                )
            )
    return rows


def ratio_rows(
    frame: pd.DataFrame, design: Design, num: str, den: str, by: list[str], within: BoolArray
) -> list[dict[str, object]]:
    """Ratio of two totals, Σ w·num / Σ w·den, in each domain (no design effect)."""
    top, bottom = numeric_column(frame, num), numeric_column(frame, den)
    present = ~np.isnan(top) & ~np.isnan(bottom)
    rows = []
    for label, domain in domains(frame, by, within & present):
        indicator = domain.astype(float)
        statistic = Linear(np.nan_to_num(top) * indicator, np.nan_to_num(bottom) * indicator)
        estimates, covariance = estimate_linear(design, [statistic])
        se = float(covariance[0, 0]) ** 0.5
        rows.append(row("ratio", f"{num}/{den}", float(estimates[0]), se, by=label))
    return rows


def math_quantile(values: FloatArray, weights: FloatArray, p: float) -> float:
    """The smallest observed value whose weighted distribution function reaches p (R's
    `qrule="math"`, the default of `svyquantile`)."""
    keep = weights != 0
    distinct, where = np.unique(values[keep], return_inverse=True)
    summed = np.bincount(where, weights=weights[keep])
    cumulative = np.cumsum(summed) / summed.sum()
    position = int(np.searchsorted(cumulative, p, side="left"))
    return float(distinct[min(position, distinct.size - 1)])


def quantile_rows(
    frame: pd.DataFrame,
    design: Design,
    var: str,
    probabilities: list[float],
    by: list[str],
    within: BoolArray,
) -> list[dict[str, object]]:
    """Quantiles with Woodruff intervals: the estimated share F below the quantile and its standard
    error s give the interval [Q(F − t·s), Q(F + t·s)], t from Student's t with the design's
    degrees of freedom; the reported SE is the interval's length / 2t (R's `svyquantile`
    with `interval.type="mean"`). The interval is therefore not symmetric around the estimate."""
    values = numeric_column(frame, var)
    present = ~np.isnan(values)
    t = float(stats.t.ppf(0.975, max(design.degrees_of_freedom, 1)))
    rows: list[dict[str, object]] = []
    for label, domain in domains(frame, by, within & present):
        x, w = values[domain], design.weights[domain]
        indicator = domain.astype(float)
        for p in probabilities:
            estimate = math_quantile(x, w, p)
            below = Linear(indicator * (np.nan_to_num(values) <= estimate), indicator)
            share, covariance = estimate_linear(design, [below])
            spread = t * float(covariance[0, 0]) ** 0.5
            low = math_quantile(x, w, float(share[0]) - spread)
            high = math_quantile(x, w, float(share[0]) + spread)
            result = row(
                "quantile", var, estimate, (high - low) / (2 * t), by=label, level=f"{p:g}"
            )
            result.update(ci_low=low, ci_high=high)
            rows.append(result)
    return rows
