"""Variances of estimates: linearisation (Taylor) over strata and first-stage clusters, or the
spread of replicate estimates.

Linearisation works on the estimate's influence values z_i (one column per estimate, already
multiplied by the weights). Adjustment steps first replace z by the residuals of a weighted
regression on the step's auxiliary variables, so that calibrated totals get (almost) no variance
and correlated variables get less. Then, per stratum h with n_h clusters and sampling fraction f_h:

    V = Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_i (t_hi − mean_h t)(t_hi − mean_h t)ᵀ

where t_hi are the cluster totals of z. This is the ultimate-cluster estimator of R's
`svyrecvar` for one-stage designs. A stratum with a single cluster is refused when the design is
built (`lonely_psu="fail"`, R's default); `"remove"` lets it contribute nothing and `"adjust"`
centres it at the grand mean of all cluster totals (R's `survey.lonely.psu="adjust"`). A stratum
sampled entirely (f_h = 1) contributes nothing.
"""

from __future__ import annotations

import numpy as np

from duluan.surveys.estimation.design import Design, FloatArray, Projection


def _residuals(influence: FloatArray, step: Projection) -> FloatArray:
    """Influence values after one adjustment step: per-unit scores u = z / w_after are
    regressed on the auxiliary variables with the weights before the step, and the residuals are
    multiplied back by w_after (as R's `calibrate`, `postStratify` and `rake` do)."""
    after = step.weights_after[:, None]
    scores = np.divide(influence, after, out=np.zeros_like(influence), where=after != 0)
    root = np.sqrt(step.weights_before)[:, None]
    coefficients, *_ = np.linalg.lstsq(step.auxiliary * root, scores * root, rcond=None)
    residual: FloatArray = (scores - step.auxiliary @ coefficients) * after
    return residual


def cluster_totals(design: Design, influence: FloatArray) -> FloatArray:
    """Sums of the influence values over each first-stage cluster (clusters × columns)."""
    count = int(design.clusters.max()) + 1
    totals = np.zeros((count, influence.shape[1]))
    for column in range(influence.shape[1]):
        totals[:, column] = np.bincount(
            design.clusters, weights=influence[:, column], minlength=count
        )
    return totals


def linearised_covariance(design: Design, influence: FloatArray) -> FloatArray:
    """Covariance matrix (columns × columns) of the estimates whose influence values are given."""
    for step in design.steps:
        influence = _residuals(influence, step)
    totals = cluster_totals(design, influence)
    count = totals.shape[0]
    stratum = np.zeros(count, dtype=np.int64)
    fraction = np.zeros(count)
    stratum[design.clusters] = design.strata
    fraction[design.clusters] = design.psu_fraction
    per_stratum = np.bincount(stratum)
    n_h = per_stratum[stratum].astype(float)
    sums = np.zeros((per_stratum.size, totals.shape[1]))
    for column in range(totals.shape[1]):
        sums[:, column] = np.bincount(stratum, weights=totals[:, column])
    centred = totals - sums[stratum] / n_h[:, None]
    lonely = n_h == 1
    if design.lonely_psu == "adjust" and lonely.any():
        centred[lonely] = totals[lonely] - totals.mean(axis=0)
    factor = np.where(lonely, 1.0, n_h / np.maximum(n_h - 1, 1)) * (1 - fraction)
    if design.lonely_psu != "adjust":
        factor[lonely] = 0.0
    covariance: FloatArray = (centred * factor[:, None]).T @ centred
    return covariance


def replicate_covariance(design: Design, values: FloatArray) -> FloatArray:
    """Covariance from replicate estimates (replicates × columns), centred at their mean."""
    assert design.replicates is not None  # noqa: S101 - callers choose this path for replicates
    centred = values - values.mean(axis=0)
    rscales = design.replicates.rscales[:, None]
    covariance: FloatArray = design.replicates.scale * (centred * rscales).T @ centred
    return covariance
