"""The analysis spec: the JSON document that says which design, adjustments and estimates to
compute, saved with every published result so it can be re-run. Parsed here into typed values,
with a clear message naming the first problem found (key, place, allowed values)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from duluan.errors import BadInput
from duluan.surveys.estimation.design import LONELY_PSU_RULES, LonelyPsu
from duluan.surveys.estimation.replicates import REPLICATE_KINDS

STATS = ("mean", "total", "proportion", "ratio", "quantile", "crosstab", "difference")
METHODS = ("poststratify", "rake", "calibrate")
INTERCEPT = "(Intercept)"


@dataclass(frozen=True)
class ReplicateSpec:
    type: str
    count: int = 200
    seed: int = 1


@dataclass(frozen=True)
class DesignSpec:
    ids: str | None = None
    strata: str | None = None
    weights: str | None = None
    probs: str | None = None
    fpc: str | None = None
    replicates: ReplicateSpec | None = None
    lonely_psu: LonelyPsu = "fail"


@dataclass(frozen=True)
class MarginSpec:
    by: list[str]
    totals: list[dict[str, object]]


@dataclass(frozen=True)
class AdjustSpec:
    method: str
    margins: list[MarginSpec] = field(default_factory=list)
    vars: list[str] = field(default_factory=list)
    totals: dict[str, float] = field(default_factory=dict)
    trim: tuple[float, float] | None = None
    tolerance: float = 1e-10
    max_iterations: int = 100


@dataclass(frozen=True)
class EstimateSpec:
    stat: str
    var: str | None = None
    num: str | None = None
    den: str | None = None
    by: list[str] = field(default_factory=list)
    p: list[float] = field(default_factory=lambda: [0.5])
    levels: list[str] = field(default_factory=list)
    level: str | None = None
    col: str | None = None


@dataclass(frozen=True)
class Spec:
    design: DesignSpec
    estimates: list[EstimateSpec]
    adjust: list[AdjustSpec] = field(default_factory=list)
    subset: tuple[str, object] | None = None


def _object(value: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadInput("estimation.errors.not_object", where=where)
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise BadInput("estimation.errors.unknown_key", where=where, name=unknown[0])
    return value


def _name(value: Any, where: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise BadInput("estimation.errors.not_a_name", where=where)
    return value


def _names(value: Any, where: str) -> list[str]:
    """A column name or a list of them (`"by": "stype"` or `"by": ["stype", "sex"]`)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise BadInput("estimation.errors.not_a_name", where=where)
    return [str(_name(item, where, required=True)) for item in items]


def _number(value: Any, where: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise BadInput("estimation.errors.not_a_number", where=where)
    return float(value)


def _design(value: Any) -> DesignSpec:
    keys = ("ids", "strata", "weights", "probs", "fpc", "replicates", "lonely_psu")
    raw = _object(value, "design", keys)
    replicates = None
    if raw.get("replicates") is not None:
        rep = _object(raw["replicates"], "design.replicates", ("type", "count", "seed"))
        if rep.get("type") not in REPLICATE_KINDS:
            known = ", ".join(REPLICATE_KINDS)
            raise BadInput("estimation.errors.replicate_kind", kind=rep.get("type"), known=known)
        count = int(_number(rep.get("count", 200), "design.replicates.count"))
        seed = int(_number(rep.get("seed", 1), "design.replicates.seed"))
        replicates = ReplicateSpec(rep["type"], count, seed)
    lonely = raw.get("lonely_psu", "fail")
    if lonely not in LONELY_PSU_RULES:
        known = ", ".join(LONELY_PSU_RULES)
        raise BadInput("estimation.errors.bad_choice", where="design.lonely_psu", known=known)
    names = {k: _name(raw.get(k), f"design.{k}") for k in keys[:5]}
    return DesignSpec(**names, replicates=replicates, lonely_psu=lonely)


def _adjust(value: Any, where: str) -> AdjustSpec:
    keys = ("method", "margins", "vars", "totals", "trim", "tolerance", "max_iterations")
    raw = _object(value, where, keys)
    method = raw.get("method")
    if method not in METHODS:
        raise BadInput("estimation.errors.bad_method", method=method, known=", ".join(METHODS))
    trim = None
    if raw.get("trim") is not None:
        bounds = _object(raw["trim"], f"{where}.trim", ("lower", "upper"))
        trim = (
            _number(bounds.get("lower", 0.0), f"{where}.trim.lower"),
            _number(bounds.get("upper", float("inf")), f"{where}.trim.upper"),
        )
    options = {
        "trim": trim,
        "tolerance": _number(raw.get("tolerance", 1e-10), f"{where}.tolerance"),
        "max_iterations": int(_number(raw.get("max_iterations", 100), f"{where}.max_iterations")),
    }
    if method == "calibrate":
        variables = _names(raw.get("vars"), f"{where}.vars")
        totals = _object(raw.get("totals"), f"{where}.totals", (INTERCEPT, *variables))
        for name in variables:
            if name not in totals:
                raise BadInput("estimation.errors.calibration_total_missing", column=name)
        numbers = {k: _number(v, f"{where}.totals.{k}") for k, v in totals.items()}
        return AdjustSpec(method, vars=variables, totals=numbers, **options)  # type: ignore[arg-type]
    margins_raw = raw.get("margins")
    if not isinstance(margins_raw, list) or not margins_raw:
        raise BadInput("estimation.errors.margins_required", where=where)
    if method == "poststratify" and len(margins_raw) != 1:
        raise BadInput("estimation.errors.poststratify_one_margin")
    margins = []
    for position, item in enumerate(margins_raw):
        place = f"{where}.margins[{position}]"
        margin = _object(item, place, ("by", "totals"))
        totals_list = margin.get("totals")
        if not isinstance(totals_list, list) or not totals_list:
            raise BadInput("estimation.errors.margins_required", where=place)
        margins.append(MarginSpec(_names(margin.get("by"), f"{place}.by"), totals_list))
    return AdjustSpec(method, margins=margins, **options)  # type: ignore[arg-type]


def _estimate(value: Any, where: str) -> EstimateSpec:
    keys = ("stat", "var", "num", "den", "by", "p", "levels", "level", "col")
    raw = _object(value, where, keys)
    stat = raw.get("stat")
    if stat not in STATS:
        raise BadInput("estimation.errors.bad_stat", stat=stat, known=", ".join(STATS))
    if stat == "ratio":
        _name(raw.get("num"), f"{where}.num", required=True)
        _name(raw.get("den"), f"{where}.den", required=True)
    else:
        _name(raw.get("var"), f"{where}.var", required=True)
    if stat == "crosstab":
        _name(raw.get("col"), f"{where}.col", required=True)
    probabilities = raw.get("p", [0.5])
    if not isinstance(probabilities, list) or not probabilities:
        probabilities = [probabilities]
    for p in probabilities:
        if not 0 < _number(p, f"{where}.p") < 1:
            raise BadInput("estimation.errors.bad_probability", where=f"{where}.p")
    levels = raw.get("levels", [])
    if stat == "difference" and (not isinstance(levels, list) or len(levels) != 2):
        raise BadInput("estimation.errors.difference_levels")
    level = raw.get("level")
    return EstimateSpec(
        stat=stat,
        var=raw.get("var"),
        num=raw.get("num"),
        den=raw.get("den"),
        by=_names(raw.get("by"), f"{where}.by"),
        p=[float(p) for p in probabilities],
        levels=[str(item) for item in levels],
        level=None if level is None else str(level),
        col=raw.get("col"),
    )


def parse_spec(source: str | dict[str, Any]) -> Spec:
    """The spec from JSON text (or an already decoded object); BadInput names what is wrong."""
    if isinstance(source, str):
        try:
            source = json.loads(source)
        except json.JSONDecodeError as exc:
            raise BadInput(
                "estimation.errors.spec_json", line=exc.lineno, column=exc.colno, reason=exc.msg
            ) from None
    raw = _object(source, "spec", ("design", "adjust", "subset", "estimates"))
    estimates = raw.get("estimates")
    if not isinstance(estimates, list) or not estimates:
        raise BadInput("estimation.errors.estimates_required")
    adjust = raw.get("adjust") or []
    if not isinstance(adjust, list):
        raise BadInput("estimation.errors.not_a_list", where="adjust")
    subset = None
    if raw.get("subset") is not None:
        chosen = _object(raw["subset"], "subset", ("var", "equals"))
        if "equals" not in chosen:
            raise BadInput("estimation.errors.subset_shape")
        subset = (str(_name(chosen.get("var"), "subset.var", required=True)), chosen["equals"])
    return Spec(
        design=_design(raw.get("design", {})),
        adjust=[_adjust(item, f"adjust[{i}]") for i, item in enumerate(adjust)],
        subset=subset,
        estimates=[_estimate(item, f"estimates[{i}]") for i, item in enumerate(estimates)],
    )
