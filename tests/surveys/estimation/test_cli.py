"""`duluan survey estimate DATA.csv --spec SPEC.json --json` reproduces numbers printed by R's
`survey` package (sources in test_r_reference.py) and refuses bad input with a Vietnamese
message naming the problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from duluan.cli import app
from tests.surveys.estimation.conftest import POP_SCHWIDE, POP_TYPES, api_path, printed

runner = CliRunner()
CLUSTER = {
    "ids": "dnum",
    "strata": None,
    "weights": "pw",
    "probs": None,
    "fpc": "fpc",
    "replicates": None,
}


def _run(tmp_path: Path, data: str, spec: dict[str, Any] | str) -> tuple[int, str]:
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(spec if isinstance(spec, str) else json.dumps(spec), encoding="utf-8")
    result = runner.invoke(
        app, ["survey", "estimate", str(api_path(data)), "--spec", str(spec_file), "--json"]
    )
    return result.exit_code, result.output


def _estimates(tmp_path: Path, data: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    code, output = _run(tmp_path, data, spec)
    assert code == 0, output
    rows: list[dict[str, Any]] = json.loads(output)["estimates"]
    return rows


def _check(row: dict[str, Any], estimate: str, se: str) -> None:
    assert printed(row["estimate"], estimate) and printed(row["se"], se), row


def test_the_issue_spec_raked_cluster_sample(tmp_path: Path) -> None:
    spec = {
        "design": CLUSTER,
        "adjust": [
            {
                "method": "rake",
                "margins": [
                    {"by": ["stype"], "totals": POP_TYPES},
                    {"by": ["sch.wide"], "totals": POP_SCHWIDE},
                ],
            }
        ],
        "subset": None,
        "estimates": [
            {"stat": "mean", "var": "api00"},
            {"stat": "total", "var": "enroll"},
            {"stat": "ratio", "num": "api.stu", "den": "enroll"},
            {"stat": "mean", "var": "ell", "by": "stype"},
        ],
    }
    rows = _estimates(tmp_path, "apiclus1", spec)
    # RAKECHECK: svymean(~api00, dclus1r) -> 641.23 SE 23.704;
    #            svytotal(~enroll, dclus1g) [raking to convergence] -> 3647280 SE 400603
    _check(rows[0], "641.23", "23.704")
    _check(rows[1], "3647280", "400603")
    assert [r["stat"] for r in rows] == ["mean", "total", "ratio", "mean", "mean", "mean"]
    assert rows[3]["by"] == {"stype": "E"} and set(rows[0]) == {
        "stat",
        "var",
        "by",
        "level",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "deff",
    }


def test_unadjusted_designs_and_domains(tmp_path: Path) -> None:
    spec = {
        "design": CLUSTER,
        "estimates": [
            {"stat": "mean", "var": "api00"},
            {"stat": "total", "var": "stype"},
            {"stat": "ratio", "num": "api.stu", "den": "enroll"},
            {"stat": "mean", "var": "meals", "by": "stype"},
            {"stat": "quantile", "var": "api00", "p": [0.25]},
        ],
    }
    rows = _estimates(tmp_path, "apiclus1", spec)
    _check(rows[0], "644.17", "23.542")  # API_ROUT: svymean(~api00, dclus1)
    _check(rows[1], "4873.97", "1333.32")  # VIGNETTE: svytotal(~stype, dclus1), E
    _check(rows[4], "0.8497087", "0.008386297")  # VIGNETTE: svyratio(~api.stu, ~enroll, dclus1)
    _check(rows[7], "43.08000", "6.017110")  # VIGNETTE: svyby(~ell+meals, ~stype, dclus1), M
    # VIGNETTE: svyquantile(~api00, dclus1, 0.25, ci=TRUE) -> 552 [492, 627] se 31.47166
    assert (rows[8]["estimate"], rows[8]["ci_low"], rows[8]["ci_high"]) == (552, 492, 627)
    stratified = {
        "design": {"strata": "stype", "weights": "pw", "fpc": "fpc"},
        "estimates": [{"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}],
    }
    rows = _estimates(tmp_path, "apistrat", stratified)
    _check(rows[0], "662.29", "9.4089")  # API_ROUT: svymean(~api00, dstrat)
    _check(rows[1], "3687178", "114642")  # API_ROUT: svytotal(~enroll, dstrat)


def test_calibration_and_jackknife(tmp_path: Path) -> None:
    calibrated = {
        "design": CLUSTER,
        "adjust": [
            {
                "method": "calibrate",
                "vars": ["api99"],
                "totals": {"(Intercept)": 6194, "api99": 3914069},
            }
        ],
        "estimates": [{"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}],
    }
    rows = _estimates(tmp_path, "apiclus1", calibrated)
    _check(rows[0], "666.72", "3.2959")  # VIGNETTE: svymean(~api00, gclus1)
    _check(rows[1], "3357372", "243227")  # VIGNETTE: svytotal(~enroll, gclus1)
    jackknife = {
        "design": {**CLUSTER, "replicates": {"type": "JK1"}},
        "adjust": [{"method": "poststratify", "margins": [{"by": ["stype"], "totals": POP_TYPES}]}],
        "estimates": [{"stat": "total", "var": "enroll"}],
    }
    rows = _estimates(tmp_path, "apiclus1", jackknife)
    _check(rows[0], "3680893", "473431")  # API_ROUT: svytotal(~enroll, rclus1p)


def test_crosstab_prints_the_rao_scott_test(tmp_path: Path) -> None:
    spec = {
        "design": CLUSTER,
        "estimates": [{"stat": "crosstab", "var": "sch.wide", "col": "stype"}],
    }
    code, output = _run(tmp_path, "apiclus1", spec)
    assert code == 0, output
    (test,) = json.loads(output)["tests"]
    # CHISQ: svychisq(~sch.wide + stype, dclus1) -> F = 5.1934, ndf = 1.495, ddf = 20.925
    assert printed(test["f"], "5.1934") and printed(test["ddf"], "20.925")


def test_bad_input_is_refused_in_vietnamese(tmp_path: Path) -> None:
    cases = [
        ('{"design": {', "không phải JSON hợp lệ (dòng 1"),
        (
            {"design": {"ids": "district"}, "estimates": [{"stat": "mean", "var": "api00"}]},
            "Không có cột “district”",
        ),
        (
            {
                "design": {"strata": "stype", "weights": "pw", "fpc": "fpc"},
                "estimates": [{"stat": "median", "var": "api00"}],
            },
            "Loại ước lượng “median”",
        ),
        (
            {
                "design": CLUSTER,
                "adjust": [
                    {"method": "rake", "margins": [{"by": ["stype"], "totals": POP_TYPES[:2]}]}
                ],
                "estimates": [{"stat": "mean", "var": "api00"}],
            },
            "mức “M” có trong dữ liệu",
        ),
    ]
    for spec, message in cases:
        code, output = _run(tmp_path, "apiclus1", spec)
        assert code == 2 and message in output, output


def test_a_subset_is_a_domain_of_the_whole_design(tmp_path: Path) -> None:
    spec = {
        "design": CLUSTER,
        "subset": {"var": "stype", "equals": "H"},
        "estimates": [{"stat": "ratio", "num": "api.stu", "den": "enroll"}],
    }
    (row,) = _estimates(tmp_path, "apiclus1", spec)
    # VIGNETTE: svyratio(~api.stu, ~enroll, design=subset(dclus1, stype=="H"))
    #   -> 0.8300683 SE 0.01472607
    _check(row, "0.8300683", "0.01472607")
