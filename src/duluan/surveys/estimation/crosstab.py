"""Weighted crosstabs with the Rao–Scott design-corrected test of independence.

The Pearson statistic of the weighted table (scaled to the number of rows) is too large under
clustering; Rao and Scott divide it by the mean eigenvalue of the "design effect matrix" Δ of the
interaction contrasts (first order, compared with χ² on (r−1)(c−1) degrees of freedom), or compare
X²/trace(Δ) with an F distribution whose degrees of freedom follow Satterthwaite, d = tr(Δ)²/tr(Δ²)
and d·(design degrees of freedom) (second order, R's `svychisq` default).
"""

from __future__ import annotations

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed
from scipy import stats

from duluan.errors import BadInput
from duluan.surveys.estimation.adjust import cell_key
from duluan.surveys.estimation.design import Design, FloatArray, require_columns
from duluan.surveys.estimation.estimates import BoolArray, Linear, estimate_linear, row


def _dummies(levels: int) -> FloatArray:
    """Treatment-coded indicators of a factor with `levels` levels (the first is the baseline)."""
    return np.eye(levels)[:, 1:]


def _contrasts(rows: int, cols: int) -> FloatArray:
    """Interaction columns of the saturated model, made orthogonal to the main effects."""
    r_index = np.repeat(np.arange(rows), cols)
    c_index = np.tile(np.arange(cols), rows)
    main = np.column_stack([np.ones(rows * cols), _dummies(rows)[r_index], _dummies(cols)[c_index]])
    interaction = np.column_stack(
        [
            _dummies(rows)[r_index, i] * _dummies(cols)[c_index, j]
            for i in range(rows - 1)
            for j in range(cols - 1)
        ]
    )
    coefficients, *_ = np.linalg.lstsq(main, interaction, rcond=None)
    residual: FloatArray = interaction - main @ coefficients
    return residual


def rao_scott(
    proportions: FloatArray, covariance: FloatArray, rows: int, cols: int, sample: int, df: int
) -> dict[str, float]:
    """Both Rao–Scott tests from the cell proportions (row-major) and their covariance."""
    table = proportions.reshape(rows, cols)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    pearson = float(sample * ((table - expected) ** 2 / expected).sum())
    contrast = _contrasts(rows, cols)
    inverse = np.diag(np.where(proportions > 0, 1 / np.where(proportions > 0, proportions, 1), 0))
    srs_part = contrast.T @ (inverse / sample) @ contrast
    design_part = contrast.T @ inverse @ covariance @ inverse @ contrast
    delta = np.linalg.solve(srs_part, design_part)
    trace, trace_squared = float(np.trace(delta)), float(np.trace(delta @ delta))
    freedom = (rows - 1) * (cols - 1)
    chisq = pearson / (trace / freedom)
    ndf = trace**2 / trace_squared
    f_value = pearson / trace
    return {
        "pearson": pearson,
        "chisq": chisq,
        "df": float(freedom),
        "p_value": float(stats.chi2.sf(chisq, freedom)),
        "f": f_value,
        "ndf": ndf,
        "ddf": ndf * df,
        "p_value_f": float(stats.f.sf(f_value, ndf, ndf * df)),
    }


def crosstab(
    frame: pd.DataFrame, design: Design, row_var: str, col_var: str, within: BoolArray
) -> tuple[list[dict[str, object]], dict[str, object]]:
    """Column percentages (share of each row level within each column level, with SEs) and the
    Rao–Scott tests of independence, over the rows where both variables are known."""
    require_columns(frame, row_var, col_var)
    known = within & frame[row_var].notna().to_numpy() & frame[col_var].notna().to_numpy()
    row_keys = frame[row_var].map(lambda v: cell_key([v]))
    col_keys = frame[col_var].map(lambda v: cell_key([v]))
    row_levels = sorted(set(row_keys[known]))
    col_levels = sorted(set(col_keys[known]))
    if len(row_levels) < 2 or len(col_levels) < 2:
        raise BadInput("estimation.errors.crosstab_levels", row=row_var, col=col_var)
    indicator = known.astype(float)
    cells = [
        Linear(((row_keys == r) & (col_keys == c)).to_numpy() * indicator, indicator)
        for r in row_levels
        for c in col_levels
    ]
    proportions, covariance = estimate_linear(design, cells)
    test = rao_scott(
        proportions,
        covariance,
        len(row_levels),
        len(col_levels),
        int(known.sum()),
        design.degrees_of_freedom,
    )
    shares: list[dict[str, object]] = []
    for c in col_levels:
        in_column = known & (col_keys == c).to_numpy()
        statistics = [
            Linear((row_keys == r).to_numpy() * in_column, in_column.astype(float))
            for r in row_levels
        ]
        estimates, cov = estimate_linear(design, statistics)
        for position, r in enumerate(row_levels):
            se = float(cov[position, position]) ** 0.5
            shares.append(
                row("crosstab", row_var, float(estimates[position]), se, by={col_var: c}, level=r)
            )
    return shares, {"test": "rao_scott", "row": row_var, "col": col_var, **test}
