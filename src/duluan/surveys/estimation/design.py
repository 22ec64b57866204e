"""A survey design: weights, strata, first-stage clusters and finite-population corrections.

The design is built once from a data frame and checked there, so every later step can trust it:
weights present and not negative, strata and clusters without gaps, population sizes at least as
large as the sample. Adjustments (post-stratification, raking, calibration) return a new design
whose `steps` remember what was done, because the linearised variance must account for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

from duluan.errors import BadInput

FloatArray = np.ndarray[tuple[int, ...], np.dtype[np.float64]]
IntArray = np.ndarray[tuple[int, ...], np.dtype[np.int64]]

LonelyPsu = Literal["fail", "adjust", "remove"]
LONELY_PSU_RULES: tuple[LonelyPsu, ...] = ("fail", "adjust", "remove")


@dataclass(frozen=True)
class Projection:
    """One adjustment step as the linearised variance sees it: the auxiliary matrix the weights
    were fitted to, the weights before the step (the regression is fitted with them, as R's
    `survey` does) and the weights right after it."""

    auxiliary: FloatArray
    weights_before: FloatArray
    weights_after: FloatArray


@dataclass(frozen=True)
class Replicates:
    """Replicate weights (rows × replicates) and how their spread becomes a variance:
    variance = scale × Σ_r rscales[r] × (θ_r − mean θ)²."""

    kind: str
    weights: FloatArray
    scale: float
    rscales: FloatArray


@dataclass(frozen=True)
class Design:
    """A sample's design. `strata` and `clusters` are codes 0..k−1 (clusters numbered across
    strata); `psu_fraction` is the first-stage sampling fraction of each row's stratum (0 when no
    finite-population correction was given)."""

    weights: FloatArray
    strata: IntArray
    clusters: IntArray
    psu_fraction: FloatArray
    lonely_psu: LonelyPsu = "fail"
    has_fpc: bool = False
    steps: tuple[Projection, ...] = ()
    replicates: Replicates | None = None
    diagnostics: tuple[dict[str, object], ...] = field(default=())

    @property
    def size(self) -> int:
        return int(self.weights.shape[0])

    @property
    def degrees_of_freedom(self) -> int:
        """Number of first-stage clusters minus number of strata (R's `degf`)."""
        return int(np.unique(self.clusters).size - np.unique(self.strata).size)

    def reweighted(
        self,
        weights: FloatArray,
        step: Projection | None,
        replicates: Replicates | None,
        diagnostics: dict[str, object],
    ) -> Design:
        """The same design with adjusted weights, the step recorded for the variance."""
        steps = self.steps if step is None else (*self.steps, step)
        return replace(
            self,
            weights=weights,
            steps=steps,
            replicates=replicates,
            diagnostics=(*self.diagnostics, diagnostics),
        )


def require_columns(frame: pd.DataFrame, *names: str | None) -> None:
    """Refuse a name that is not a column of the data, naming it."""
    for name in names:
        if name is not None and name not in frame.columns:
            raise BadInput("estimation.errors.unknown_column", column=name)


def _codes(values: pd.Series) -> IntArray:
    codes, _ = pd.factorize(values, sort=True)
    result: IntArray = np.asarray(codes, dtype=np.int64)
    return result


def _weights(frame: pd.DataFrame, weights: str | None, probs: str | None) -> FloatArray:
    if weights is not None and probs is not None:
        raise BadInput("estimation.errors.weights_and_probs")
    if weights is None and probs is None:
        return np.ones(len(frame))
    column = weights if weights is not None else probs
    assert column is not None  # noqa: S101 - narrowed by the two checks above
    values: FloatArray = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    missing = np.flatnonzero(np.isnan(values))
    if missing.size:
        raise BadInput("estimation.errors.weight_missing", column=column, row=int(missing[0]) + 2)
    if probs is not None:
        bad = np.flatnonzero((values <= 0) | (values > 1))
        if bad.size:
            raise BadInput("estimation.errors.prob_range", column=column, row=int(bad[0]) + 2)
        inverse: FloatArray = 1.0 / values
        return inverse
    negative = np.flatnonzero(values < 0)
    if negative.size:
        raise BadInput("estimation.errors.weight_negative", column=column, row=int(negative[0]) + 2)
    return values


def _psu_fraction(
    frame: pd.DataFrame, fpc: str | None, strata: IntArray, clusters: IntArray
) -> FloatArray:
    """Sampling fraction per row: `fpc` holds either the population number of first-stage units
    in the stratum (values above 1) or the fraction itself (all values at most 1), as in R."""
    if fpc is None:
        return np.zeros(len(frame))
    values: FloatArray = pd.to_numeric(frame[fpc], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any() or (values <= 0).any():
        row = int(np.flatnonzero(np.isnan(values) | (values <= 0))[0]) + 2
        raise BadInput("estimation.errors.fpc_invalid", column=fpc, row=row)
    fraction: FloatArray = np.empty_like(values)
    as_fraction = bool((values <= 1).all())
    for stratum in np.unique(strata):
        rows = strata == stratum
        if np.unique(values[rows]).size > 1:
            raise BadInput("estimation.errors.fpc_varies", column=fpc)
        sampled = np.unique(clusters[rows]).size
        population = values[rows][0]
        if as_fraction:
            fraction[rows] = population
        elif population < sampled:
            raise BadInput(
                "estimation.errors.fpc_too_small", column=fpc, population=population, n=sampled
            )
        else:
            fraction[rows] = sampled / population
    return fraction


def build_design(
    frame: pd.DataFrame,
    *,
    ids: str | None = None,
    strata: str | None = None,
    weights: str | None = None,
    probs: str | None = None,
    fpc: str | None = None,
    lonely_psu: LonelyPsu = "fail",
) -> Design:
    """Check the design columns and build the design. `ids` None means every row is its own
    first-stage unit; clusters with the same id in different strata are different clusters."""
    require_columns(frame, ids, strata, weights, probs, fpc)
    if len(frame) == 0:
        raise BadInput("estimation.errors.no_rows")
    for column in (ids, strata):
        if column is not None and frame[column].isna().any():
            raise BadInput("estimation.errors.design_missing", column=column)
    stratum_codes: IntArray = (
        _codes(frame[strata]) if strata is not None else np.zeros(len(frame), dtype=np.int64)
    )
    cluster_codes: IntArray
    if ids is None:
        cluster_codes = np.arange(len(frame), dtype=np.int64)
    else:
        keys = pd.Series(list(zip(stratum_codes, frame[ids], strict=True)), index=frame.index)
        cluster_codes = _codes(keys.astype(str))
    fraction = _psu_fraction(frame, fpc, stratum_codes, cluster_codes)
    row_weights = _weights(frame, weights, probs)
    if weights is None and probs is None and fpc is not None:
        # As R's svydesign: with neither weights nor probabilities, the sampling fraction of a
        # one-stage design gives them (every unit of a sampled cluster is observed).
        row_weights = 1.0 / fraction
    design = Design(
        weights=row_weights,
        strata=stratum_codes,
        clusters=cluster_codes,
        psu_fraction=fraction,
        lonely_psu=lonely_psu,
        has_fpc=fpc is not None,
    )
    if lonely_psu == "fail":
        _refuse_lonely_psu(frame, strata, design)
    return design


def _refuse_lonely_psu(frame: pd.DataFrame, strata: str | None, design: Design) -> None:
    """A stratum with one first-stage unit has no variance estimate unless it was sampled with
    certainty; say which stratum, and the two ways out."""
    for stratum in np.unique(design.strata):
        rows = design.strata == stratum
        if np.unique(design.clusters[rows]).size == 1 and design.psu_fraction[rows][0] < 1:
            label = str(frame.loc[rows, strata].iloc[0]) if strata is not None else "1"
            raise BadInput("estimation.errors.lonely_psu", stratum=label)
