"""Bad specs and bad data are refused with a message naming the problem, before anything is
computed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.surveys.estimation import analyse, parse_spec
from tests.surveys.estimation.conftest import POP_TYPES

MEAN = [{"stat": "mean", "var": "api00"}]


def _refusal(frame: pd.DataFrame, spec: dict[str, Any] | str) -> str:
    with pytest.raises(BadInput) as caught:
        analyse(frame, parse_spec(spec))
    return translate(caught.value.key, "vi", **caught.value.params)


def test_broken_json_names_line_and_column(apiclus1: pd.DataFrame) -> None:
    message = _refusal(apiclus1, '{"design": {"ids": "dnum",}\n}')
    assert message.startswith("Đặc tả không phải JSON hợp lệ (dòng 1, cột 27)")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            {"design": {"ids": "dnum", "weights": "weight"}, "estimates": MEAN},
            "Không có cột “weight”",
        ),
        (
            {"design": {"ids": "dnum"}, "estimates": [{"stat": "mean", "var": "api01"}]},
            "Không có cột “api01”",
        ),
        (
            {"design": {"cluster": "dnum"}, "estimates": MEAN},
            "“design” có khóa không biết: “cluster”",
        ),
        ({"design": {}, "estimates": []}, "cần danh sách “estimates”"),
        (
            {"design": {}, "adjust": [{"method": "ipf", "margins": []}], "estimates": MEAN},
            "Phương pháp điều chỉnh “ipf”",
        ),
        (
            {"design": {}, "estimates": [{"stat": "quantile", "var": "api00", "p": [1.5]}]},
            "“estimates[0].p” phải là xác suất",
        ),
        (
            {
                "design": {"ids": "dnum", "weights": "pw", "replicates": {"type": "BRR"}},
                "estimates": MEAN,
            },
            "Loại trọng số lặp “BRR”",
        ),
        (
            {"design": {}, "estimates": [{"stat": "mean", "var": "stype", "by": "nowhere"}]},
            "Không có cột “nowhere”",
        ),
    ],
)
def test_spec_problems_are_named(
    apiclus1: pd.DataFrame, spec: dict[str, Any], expected: str
) -> None:
    assert expected in _refusal(apiclus1, spec)


def test_negative_and_missing_weights(apiclus1: pd.DataFrame) -> None:
    spec = {"design": {"ids": "dnum", "weights": "pw"}, "estimates": MEAN}
    negative = apiclus1.assign(pw=np.where(np.arange(len(apiclus1)) == 4, -1.0, apiclus1["pw"]))
    assert _refusal(negative, spec) == "Cột trọng số “pw” có giá trị âm (dòng 6)."
    missing = apiclus1.assign(pw=np.where(np.arange(len(apiclus1)) == 0, np.nan, apiclus1["pw"]))
    assert _refusal(missing, spec) == "Cột trọng số “pw” có ô trống (dòng 2)."


def test_a_stratum_with_one_psu(apistrat: pd.DataFrame) -> None:
    lonely = apistrat.assign(
        stratum=np.where(np.arange(len(apistrat)) == 0, "X", apistrat["stype"])
    )
    spec = {"design": {"strata": "stratum", "weights": "pw"}, "estimates": MEAN}
    assert "Tầng “X” chỉ có một đơn vị mẫu cấp một" in _refusal(lonely, spec)
    spec["design"]["lonely_psu"] = "adjust"  # type: ignore[index]
    assert analyse(lonely, parse_spec(spec))["estimates"]


def test_margins_that_do_not_cover_the_data(apiclus1: pd.DataFrame) -> None:
    def rake(totals: list[dict[str, object]]) -> dict[str, Any]:
        margin = {"by": ["stype"], "totals": totals}
        return {
            "design": {"ids": "dnum", "weights": "pw"},
            "adjust": [{"method": "poststratify", "margins": [margin]}],
            "estimates": MEAN,
        }

    assert "mức “M” có trong dữ liệu nhưng không có tổng" in _refusal(apiclus1, rake(POP_TYPES[:2]))
    extra = [*POP_TYPES, {"stype": "K", "total": 10}]
    assert "mức “K” có tổng nhưng không có dòng nào" in _refusal(apiclus1, rake(extra))
    assert "mỗi tổng cần giá trị" in _refusal(apiclus1, rake([{"type": "E", "total": 1}]))


def test_calibration_and_replicate_problems(apiclus1: pd.DataFrame, apistrat: pd.DataFrame) -> None:
    calibrate = {
        "design": {"ids": "dnum", "weights": "pw"},
        "adjust": [{"method": "calibrate", "vars": ["api99"], "totals": {"(Intercept)": 6194}}],
        "estimates": MEAN,
    }
    assert "Thiếu tổng tổng thể của biến “api99”" in _refusal(apiclus1, calibrate)
    jk1 = {
        "design": {"strata": "stype", "weights": "pw", "replicates": {"type": "JK1"}},
        "estimates": MEAN,
    }
    assert "hãy dùng “JKn”" in _refusal(apistrat, jk1)
    small = apistrat.assign(fpc=10)
    assert "nhỏ hơn số đơn vị đã chọn" in _refusal(
        small, {"design": {"strata": "stype", "fpc": "fpc"}, "estimates": MEAN}
    )
