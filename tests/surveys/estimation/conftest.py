"""The California API samples of R's `survey` package (../shared/data/survey-api), the designs
the package's documentation uses on them, and a check "equal to the printed digit"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from duluan.surveys.estimation.design import Design, build_design

API = Path(__file__).resolve().parents[4] / "shared" / "data" / "survey-api"

# R: pop.types <- data.frame(stype=c("E","H","M"), Freq=c(4421,755,1018)), and
# pop.schwide <- data.frame(sch.wide=c("No","Yes"), Freq=c(1072,5122)) (survey's rake example).
POP_TYPES = [
    {"stype": "E", "total": 4421},
    {"stype": "H", "total": 755},
    {"stype": "M", "total": 1018},
]
POP_SCHWIDE = [{"sch.wide": "No", "total": 1072}, {"sch.wide": "Yes", "total": 5122}]


def api_path(name: str) -> Path:
    path = API / f"{name}.csv"
    if not path.exists():
        pytest.fail(f"the API sample {path} is missing (../shared/data/survey-api)")
    return path


def printed(value: float, text: str) -> bool:
    """Whether `value` shows as `text` when rounded to the decimals R printed."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return f"{value:.{decimals}f}" == text


def everyone(frame: pd.DataFrame) -> np.ndarray:
    return np.ones(len(frame), dtype=bool)


@pytest.fixture(scope="session")
def apiclus1() -> pd.DataFrame:
    return pd.read_csv(api_path("apiclus1"))


@pytest.fixture(scope="session")
def apistrat() -> pd.DataFrame:
    return pd.read_csv(api_path("apistrat"))


@pytest.fixture(scope="session")
def apisrs() -> pd.DataFrame:
    return pd.read_csv(api_path("apisrs"))


@pytest.fixture(scope="session")
def dclus1(apiclus1: pd.DataFrame) -> Design:
    """R: dclus1 <- svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)"""
    return build_design(apiclus1, ids="dnum", weights="pw", fpc="fpc")


@pytest.fixture(scope="session")
def dstrat(apistrat: pd.DataFrame) -> Design:
    """R: dstrat <- svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)"""
    return build_design(apistrat, strata="stype", weights="pw", fpc="fpc")
