"""The engine against computations written out here by hand: the textbook formulas for simple
random sampling, a jackknife done cluster by cluster, independent strata, and the promises of
the adjustments (targets met, bounds kept, calibrated totals without variance)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from duluan.surveys.estimation import adjust
from duluan.surveys.estimation.compare import group_difference, wave_difference
from duluan.surveys.estimation.design import Design, build_design
from duluan.surveys.estimation.estimates import mean_or_total_rows
from duluan.surveys.estimation.replicates import with_replicates
from tests.surveys.estimation.conftest import POP_SCHWIDE, POP_TYPES, everyone


def _one(frame: pd.DataFrame, design: Design, stat: str, var: str) -> dict[str, object]:
    (row,) = mean_or_total_rows(frame, design, stat, var, [], everyone(frame))
    return row


def test_simple_random_sample_matches_the_textbook(apisrs: pd.DataFrame) -> None:
    """R: dsrs <- svydesign(id=~1, fpc=~fpc, data=apisrs): weights N/n from the fpc, and
    SE(mean) = sqrt((1 − n/N) s²/n), SE(total) = N · SE(mean)."""
    design = build_design(apisrs, fpc="fpc")
    y = apisrs["api00"].to_numpy(float)
    n, population = y.size, float(apisrs["fpc"].iloc[0])
    se_mean = np.sqrt((1 - n / population) * y.var(ddof=1) / n)
    mean = _one(apisrs, design, "mean", "api00")
    assert mean["estimate"] == pytest.approx(y.mean(), rel=1e-12)
    assert mean["se"] == pytest.approx(se_mean, rel=1e-12)
    assert mean["ci_low"] == pytest.approx(y.mean() - stats.norm.ppf(0.975) * se_mean)
    assert mean["deff"] == pytest.approx(1.0, rel=1e-12)
    total = _one(apisrs, design, "total", "api00")
    assert total["estimate"] == pytest.approx(population * y.mean(), rel=1e-12)
    assert total["se"] == pytest.approx(population * se_mean, rel=1e-12)


TINY = pd.DataFrame(
    {
        "cluster": [1, 1, 2, 2, 2, 3, 4, 4],
        "w": [2.0, 2.0, 3.0, 3.0, 3.0, 1.5, 4.0, 4.0],
        "y": [1.0, 3.0, 2.0, 5.0, 4.0, 7.0, 0.0, 2.0],
    }
)


def test_jk1_equals_a_jackknife_done_by_hand() -> None:
    design = with_replicates(build_design(TINY, ids="cluster", weights="w"), "JK1")
    n = 4
    leave_out = []
    for dropped in range(1, n + 1):
        keep = TINY[TINY["cluster"] != dropped]
        leave_out.append(np.average(keep["y"], weights=keep["w"]))
    values = np.array(leave_out)
    by_hand = np.sqrt((n - 1) / n * ((values - values.mean()) ** 2).sum())
    mean = _one(TINY, design, "mean", "y")
    assert mean["estimate"] == pytest.approx(np.average(TINY["y"], weights=TINY["w"]))
    assert mean["se"] == pytest.approx(by_hand, rel=1e-12)


def test_linearised_cluster_variance_by_hand() -> None:
    """SE of a total = sqrt(n/(n−1) Σ (t_i − t̄)²) over cluster totals t_i (with replacement)."""
    design = build_design(TINY, ids="cluster", weights="w")
    totals = (TINY["w"] * TINY["y"]).groupby(TINY["cluster"]).sum().to_numpy()
    by_hand = np.sqrt(4 / 3 * ((totals - totals.mean()) ** 2).sum())
    assert _one(TINY, design, "total", "y")["se"] == pytest.approx(by_hand, rel=1e-12)


def test_stratified_jackknife_equals_linearisation_for_a_total(
    apistrat: pd.DataFrame, dstrat: Design
) -> None:
    """For a linear statistic the JKn variance is exactly the linearised one, fpc included."""
    linear = _one(apistrat, dstrat, "total", "enroll")
    replicate = _one(apistrat, with_replicates(dstrat, "JKn"), "total", "enroll")
    assert replicate["se"] == pytest.approx(linear["se"], rel=1e-10)


def test_bootstrap_is_close_to_linearisation(apistrat: pd.DataFrame) -> None:
    """Without fpc, 500 Rao–Wu replicates land within 15 % of the linearised SE."""
    design = build_design(apistrat, strata="stype", weights="pw")
    linear = _one(apistrat, design, "mean", "api00")["se"]
    boot = _one(apistrat, with_replicates(design, "bootstrap", 500, seed=7), "mean", "api00")["se"]
    assert abs(float(boot) / float(linear) - 1) < 0.15  # type: ignore[arg-type]


def test_raking_meets_every_margin_and_reports_it(apiclus1: pd.DataFrame, dclus1: Design) -> None:
    margins = [
        adjust.margin_from_frame(apiclus1, ["stype"], POP_TYPES),  # type: ignore[arg-type]
        adjust.margin_from_frame(apiclus1, ["sch.wide"], POP_SCHWIDE),  # type: ignore[arg-type]
    ]
    raked = adjust.rake(dclus1, margins)
    for margin in margins:
        reached = np.bincount(margin.codes, weights=raked.weights)
        np.testing.assert_allclose(reached, margin.targets, rtol=1e-9)
    info = raked.diagnostics[-1]
    assert info["converged"] is True and info["trimmed"] == 0
    assert 0 < float(info["effective_sample_size"]) <= len(apiclus1)  # type: ignore[arg-type]


def test_trimming_keeps_the_factors_within_bounds(apiclus1: pd.DataFrame, dclus1: Design) -> None:
    margins = [adjust.margin_from_frame(apiclus1, ["stype"], POP_TYPES)]  # type: ignore[arg-type]
    trim = adjust.Trim(lower=0.9, upper=1.2)
    raked = adjust.rake(dclus1, margins, trim=trim, max_iterations=20)
    factors = raked.weights / dclus1.weights
    assert factors.min() >= 0.9 - 1e-12 and factors.max() <= 1.2 + 1e-12
    info = raked.diagnostics[-1]
    # The high-school cell needs a factor of about 1.6: the bound wins and the report says so.
    assert info["converged"] is False and int(info["trimmed"]) > 0  # type: ignore[call-overload]


def test_a_calibrated_total_has_no_variance(apiclus1: pd.DataFrame, dclus1: Design) -> None:
    auxiliary = np.column_stack([np.ones(len(apiclus1)), apiclus1["api99"].to_numpy(float)])
    calibrated = adjust.calibrate(
        dclus1, auxiliary, np.array([6194.0, 3914069.0]), ["(Intercept)", "api99"]
    )
    total = _one(apiclus1, calibrated, "total", "api99")
    assert total["estimate"] == pytest.approx(3914069.0, rel=1e-12)
    assert float(total["se"]) < 1e-6  # type: ignore[arg-type]


def test_groups_in_independent_strata_differ_by_their_combined_variance(
    apistrat: pd.DataFrame, dstrat: Design
) -> None:
    """Strata are sampled independently, so the covariance is 0 and the difference's SE is
    sqrt(se_E² + se_H²); the p-value is the two-sided normal one."""
    rows = mean_or_total_rows(apistrat, dstrat, "mean", "api00", ["stype"], everyone(apistrat))
    by = {r["by"]["stype"]: r for r in rows}  # type: ignore[index]
    result = group_difference(
        apistrat,
        dstrat,
        stat="mean",
        var="api00",
        by="stype",
        levels=["E", "H"],
        within=everyone(apistrat),
    )
    difference = float(by["E"]["estimate"]) - float(by["H"]["estimate"])  # type: ignore[arg-type]
    se = np.hypot(float(by["E"]["se"]), float(by["H"]["se"]))  # type: ignore[arg-type]
    assert result["estimate"] == pytest.approx(difference)
    assert result["se"] == pytest.approx(se, rel=1e-10)
    assert result["p_value"] == pytest.approx(2 * stats.norm.sf(abs(difference / se)))
    change = wave_difference(by["E"], by["H"])
    assert change["se"] == pytest.approx(se) and change["p_value"] == pytest.approx(
        result["p_value"]
    )


def test_a_domain_keeps_the_whole_design(apiclus1: pd.DataFrame, dclus1: Design) -> None:
    """A domain estimate is not a re-designed subset: the clusters without any row of the domain
    still count (n = 15 clusters), which a subset design would forget."""
    rows = mean_or_total_rows(apiclus1, dclus1, "total", "enroll", ["stype"], everyone(apiclus1))
    high = next(r for r in rows if r["by"] == {"stype": "H"})
    member = (apiclus1["stype"] == "H").to_numpy()
    totals = (
        pd.Series(dclus1.weights * apiclus1["enroll"].to_numpy(float) * member)
        .groupby(apiclus1["dnum"].to_numpy())
        .sum()
        .to_numpy()
    )
    n = totals.size
    by_hand = np.sqrt((1 - n / 757) * n / (n - 1) * ((totals - totals.mean()) ** 2).sum())
    assert n == 15 and high["se"] == pytest.approx(by_hand, rel=1e-12)


def test_lonely_psu_rules(apistrat: pd.DataFrame) -> None:
    lonely = apistrat.assign(
        stratum=np.where(np.arange(len(apistrat)) == 0, "alone", apistrat["stype"])
    )
    removed = build_design(lonely, strata="stratum", weights="pw", lonely_psu="remove")
    adjusted = build_design(lonely, strata="stratum", weights="pw", lonely_psu="adjust")
    se_removed = float(_one(lonely, removed, "mean", "api00")["se"])  # type: ignore[arg-type]
    se_adjusted = float(_one(lonely, adjusted, "mean", "api00")["se"])  # type: ignore[arg-type]
    assert 0 < se_removed < se_adjusted


def test_raking_on_cells_equals_raking_row_by_row() -> None:
    """Raking works on cell totals; a plain row-by-row IPF written here gives the same weights."""
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 3, 500), rng.integers(0, 4, 500)
    weights = rng.uniform(1, 5, 500)
    targets_a, targets_b = np.array([300.0, 500.0, 200.0]), np.array([100.0, 250.0, 400.0, 250.0])
    by_hand = weights.copy()
    for _ in range(200):
        by_hand *= (targets_a / np.bincount(a, weights=by_hand))[a]
        by_hand *= (targets_b / np.bincount(b, weights=by_hand))[b]
    margins = [adjust.Margin("a", a, targets_a), adjust.Margin("b", b, targets_b)]
    raked, info = adjust.rake_weights(weights, margins, tolerance=1e-13, max_iterations=500)
    assert info["converged"] is True
    np.testing.assert_allclose(raked, by_hand, rtol=1e-10)
