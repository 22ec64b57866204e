"""Differences between two groups (or two waves) with their standard error and significance.

Two groups of the same sample share clusters, so their estimates are correlated: the difference
is estimated from the joint covariance (var a + var b − 2 cov a,b). Two waves that are separate,
independent samples are compared with var a + var b. Either way the test is a two-sided normal
(Wald) test of "no difference".
"""

from __future__ import annotations

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed
from scipy import stats

from duluan.errors import BadInput
from duluan.surveys.estimation.adjust import cell_key
from duluan.surveys.estimation.design import Design, require_columns
from duluan.surveys.estimation.estimates import (
    BoolArray,
    Linear,
    estimate_linear,
    is_categorical,
    numeric_column,
    row,
)


def _with_test(result: dict[str, object], estimate: float, se: float) -> dict[str, object]:
    z = estimate / se if se > 0 else float("inf") if estimate else 0.0
    result["p_value"] = float(2 * stats.norm.sf(abs(z)))
    return result


def group_difference(
    frame: pd.DataFrame,
    design: Design,
    *,
    stat: str,
    var: str,
    by: str,
    levels: list[str],
    within: BoolArray,
    level: str | None = None,
) -> dict[str, object]:
    """Mean (or proportion of `level`) in group levels[0] minus the same in levels[1]."""
    require_columns(frame, var, by)
    if len(levels) != 2:
        raise BadInput("estimation.errors.difference_levels")
    series = frame[var]
    if is_categorical(series) or level is not None:
        if level is None:
            raise BadInput("estimation.errors.difference_needs_level", column=var)
        values = (series.map(lambda v: cell_key([v])) == level).to_numpy(dtype=float)
        present = series.notna().to_numpy()
    else:
        raw = numeric_column(frame, var)
        values, present = np.nan_to_num(raw), ~np.isnan(raw)
    groups = frame[by].map(lambda v: cell_key([v]))
    statistics = []
    for name in levels:
        member = (groups == name).to_numpy() & within & present
        if not member.any():
            raise BadInput("estimation.errors.unknown_level", column=by, level=name)
        indicator = member.astype(float)
        statistics.append(Linear(values * indicator, indicator if stat == "mean" else None))
    estimates, covariance = estimate_linear(design, statistics)
    contrast = np.array([1.0, -1.0])
    difference = float(contrast @ estimates)
    se = float(contrast @ covariance @ contrast) ** 0.5
    label = {by: f"{levels[0]} − {levels[1]}"}
    return _with_test(
        row(f"difference_{stat}", var, difference, se, by=label, level=level), difference, se
    )


def wave_difference(later: dict[str, object], earlier: dict[str, object]) -> dict[str, object]:
    """Change between two estimates from independent samples (two waves): later − earlier."""
    difference = float(later["estimate"]) - float(earlier["estimate"])  # type: ignore[arg-type]
    se = (float(later["se"]) ** 2 + float(earlier["se"]) ** 2) ** 0.5  # type: ignore[arg-type]
    result = row(
        f"change_{later['stat']}",
        str(later["var"]),
        difference,
        se,
        by=later["by"],  # type: ignore[arg-type]
        level=later["level"],  # type: ignore[arg-type]
    )
    return _with_test(result, difference, se)
