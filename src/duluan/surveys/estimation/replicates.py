"""Replicate weights built from a design: delete-one-cluster jackknives (JK1, JKn) and the
Rao–Wu rescaling bootstrap.

Each replicate is a full set of weights; an estimate is recomputed with every replicate and the
spread of those values is its variance. Adjustments are then repeated on every replicate (see
adjust.py), which is how replicate designs account for weighting.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from duluan.errors import BadInput
from duluan.surveys.estimation.design import Design, Replicates

REPLICATE_KINDS = ("JK1", "JKn", "bootstrap")


def _cluster_layout(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """The stratum and the sampling fraction of every cluster code."""
    count = int(design.clusters.max()) + 1
    stratum = np.zeros(count, dtype=np.int64)
    fraction = np.zeros(count)
    stratum[design.clusters] = design.strata
    fraction[design.clusters] = design.psu_fraction
    return stratum, fraction


def jk1(design: Design) -> Replicates:
    """Unstratified delete-one-cluster jackknife: replicate r gives cluster r weight 0 and the
    others n/(n−1) times theirs; variance = (1 − f)(n − 1)/n Σ (θ_r − θ̄)² (R's `jk1weights`)."""
    if np.unique(design.strata).size > 1:
        raise BadInput("estimation.errors.jk1_stratified")
    count = int(design.clusters.max()) + 1
    if count < 2:
        raise BadInput("estimation.errors.too_few_clusters")
    weights = np.repeat((design.weights * count / (count - 1))[:, None], count, axis=1)
    weights[np.arange(design.size), design.clusters] = 0.0
    rscales = np.full(count, 1 - design.psu_fraction[0])
    return Replicates("JK1", weights, (count - 1) / count, rscales)


def jkn(design: Design) -> Replicates:
    """Stratified delete-one-cluster jackknife: a replicate per cluster, reweighting only its
    stratum; replicate r of stratum h counts (1 − f_h)(n_h − 1)/n_h. Strata with one cluster give
    no replicate (they add no variance)."""
    stratum, fraction = _cluster_layout(design)
    per_stratum = np.bincount(stratum)
    dropped = [c for c in range(stratum.size) if per_stratum[stratum[c]] > 1]
    if not dropped:
        raise BadInput("estimation.errors.too_few_clusters")
    weights = np.repeat(design.weights[:, None], len(dropped), axis=1)
    rscales = np.empty(len(dropped))
    for column, cluster in enumerate(dropped):
        n_h = per_stratum[stratum[cluster]]
        in_stratum = design.strata == stratum[cluster]
        weights[in_stratum, column] *= n_h / (n_h - 1)
        weights[design.clusters == cluster, column] = 0.0
        rscales[column] = (n_h - 1) / n_h * (1 - fraction[cluster])
    return Replicates("JKn", weights, 1.0, rscales)


def bootstrap(design: Design, count: int = 200, seed: int = 1) -> Replicates:
    """Rao–Wu rescaling bootstrap: in every stratum draw n_h − 1 of its n_h clusters with
    replacement; a cluster drawn m times gets weight × m × n_h/(n_h − 1). Variance =
    Σ (θ_r − θ̄)² / (R − 1). The finite-population correction is not applied (conservative)."""
    if count < 2:
        raise BadInput("estimation.errors.replicate_count")
    stratum, _ = _cluster_layout(design)
    per_stratum = np.bincount(stratum)
    if (per_stratum[np.unique(stratum)] < 2).any():
        raise BadInput("estimation.errors.too_few_clusters")
    generator = np.random.default_rng(seed)
    multipliers = np.zeros((stratum.size, count))
    for h in np.unique(stratum):
        members = np.flatnonzero(stratum == h)
        n_h = members.size
        for column in range(count):
            drawn = generator.choice(members, size=n_h - 1, replace=True)
            np.add.at(multipliers[:, column], drawn, n_h / (n_h - 1))
    weights = design.weights[:, None] * multipliers[design.clusters]
    return Replicates("bootstrap", weights, 1 / (count - 1), np.ones(count))


def with_replicates(design: Design, kind: str, count: int = 200, seed: int = 1) -> Design:
    """The design carrying replicate weights of the given kind."""
    if kind == "JK1":
        replicates = jk1(design)
    elif kind == "JKn":
        replicates = jkn(design)
    elif kind == "bootstrap":
        replicates = bootstrap(design, count, seed)
    else:
        raise BadInput(
            "estimation.errors.replicate_kind", kind=kind, known=", ".join(REPLICATE_KINDS)
        )
    return replace(design, replicates=replicates)
