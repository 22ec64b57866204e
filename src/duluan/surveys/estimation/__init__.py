"""Design-based survey estimation (no database): designs, weighting adjustments, estimates with
standard errors, crosstab tests and comparisons, driven by a JSON spec. See docs/estimation.md.

    design.py     the design (weights, strata, clusters, fpc) and its checks
    variance.py   linearisation and replicate variances
    replicates.py JK1, JKn and bootstrap replicate weights
    adjust.py     post-stratification, raking (trimming, diagnostics), linear calibration
    estimates.py  means, totals, proportions, ratios, quantiles, domains, design effects
    crosstab.py   weighted crosstabs and the Rao–Scott tests
    compare.py    differences between groups or waves
    spec.py       the JSON spec, parsed and checked
    analysis.py   running a spec on a data frame
"""

from duluan.surveys.estimation.analysis import analyse, read_table, text_table
from duluan.surveys.estimation.spec import Spec, parse_spec

__all__ = ["Spec", "analyse", "parse_spec", "read_table", "text_table"]
