"""The sample design an analyst declares for a survey's analysis: strata and first-stage clusters
(PSUs) named by questions of the questionnaire, and an optional finite-population correction (a
number question, or one number), turned into the engine's design spec after checking the answers.

Why questions: a survey platform knows where each response came from only through what the
questionnaire asked (province, commune); the analyst says which questions describe the sample.
The choice travels as query parameters (`strata`, `cluster`, `fpc`) that the page's exports keep,
so no table stores it and every downloaded table can be re-made from its address.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

from duluan.errors import BadInput
from duluan.surveys.analysis_data import NUMERIC_TYPES, AnalysisData

ERRORS = "survey_analysis_design.errors"
FPC_COLUMN = "_fpc"  # the fpc column added to the frame when the analyst gives a number


@dataclass(frozen=True)
class SampleDesign:
    """Question names (or "" for none) and, once checked against the data, their labels."""

    strata: str = ""
    cluster: str = ""
    fpc: str = ""
    labels: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def simple(self) -> bool:
        return not (self.strata or self.cluster or self.fpc)

    @property
    def fpc_number(self) -> float | None:
        """The fpc given as a number (population size, or sampling fraction when at most 1)."""
        text = self.fpc.strip().replace(",", ".")
        if not text or not _looks_numeric(text):
            return None
        return float(text)

    def query(self) -> dict[str, str]:
        """The parameters that carry this design in a page's or a file's address."""
        return {"strata": self.strata, "cluster": self.cluster, "fpc": self.fpc}

    def fits(self, data: AnalysisData) -> bool:
        """Whether another survey (an earlier wave) has the questions this design names."""
        try:
            checked(self, data)
        except BadInput:
            return False
        return True


SIMPLE = SampleDesign()  # no strata, no clusters, no fpc: a simple random sample


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def checked(design: SampleDesign, data: AnalysisData) -> SampleDesign:
    """The design with its questions' labels, refusing questions that cannot describe a sample."""
    labels: dict[str, str] = {}
    for role in ("strata", "cluster"):
        name = getattr(design, role)
        if not name:
            continue
        variable = data.variables.get(name)
        if variable is None or not variable.categorical:
            raise BadInput(f"{ERRORS}.not_categorical", question=name)
        labels[role] = variable.label
    if design.strata and design.strata == design.cluster:
        raise BadInput(f"{ERRORS}.same_question")
    if design.fpc:
        labels["fpc"] = _fpc_label(design, data)
    return replace(design, labels=labels)


def _fpc_label(design: SampleDesign, data: AnalysisData) -> str:
    number = design.fpc_number
    if number is not None:
        if number <= 0:
            raise BadInput(f"{ERRORS}.fpc_number", value=design.fpc)
        if design.strata:
            raise BadInput(f"{ERRORS}.fpc_number_with_strata")
        return f"{number:g}"
    variable = data.variables.get(design.fpc)
    if variable is None or variable.type not in NUMERIC_TYPES:
        raise BadInput(f"{ERRORS}.fpc_question", question=design.fpc)
    return variable.label


def prepared(design: SampleDesign, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The frame (with the fpc column when a number was given) and the engine's design spec.
    Each response needs an answer to the design questions: one without is refused, counted."""
    if design.simple:
        return frame, {}
    spec: dict[str, Any] = {}
    for role, key in (("strata", "strata"), ("cluster", "ids"), ("fpc", "fpc")):
        name = getattr(design, role)
        if not name or (role == "fpc" and design.fpc_number is not None):
            continue
        missing = int(frame[name].isna().sum())
        if missing:
            label = design.labels.get(role, name)
            raise BadInput(f"{ERRORS}.unanswered", n=missing, question=label)
        spec[key] = name
    number = design.fpc_number
    if number is not None:
        frame = frame.assign(**{FPC_COLUMN: number})
        spec["fpc"] = FPC_COLUMN
    _refuse_single_cluster(design, frame)
    return frame, spec


def _refuse_single_cluster(design: SampleDesign, frame: pd.DataFrame) -> None:
    """A stratum with one cluster gives no variance: say which, before the engine does in its
    own (spec-level) words."""
    if not design.strata:
        if design.cluster and frame[design.cluster].nunique() < 2:
            label = design.labels.get("cluster", design.cluster)
            raise BadInput(f"{ERRORS}.single_cluster_total", question=label)
        return
    units = frame.groupby(design.strata)[design.cluster].nunique() if design.cluster else None
    sizes = frame[design.strata].value_counts()
    for stratum, size in sizes.items():
        alone = units[stratum] < 2 if units is not None else size < 2
        if alone:
            label = design.labels.get("strata", design.strata)
            raise BadInput(f"{ERRORS}.single_cluster", stratum=stratum, question=label)


def described(design: SampleDesign, t: Any) -> str:
    """ "Thiết kế: phân tầng theo …, cụm theo …" — the line shown above every table."""
    if design.simple:
        return str(t("survey_analysis_design.simple"))
    parts = []
    if design.strata:
        parts.append(t("survey_analysis_design.by_strata", question=design.labels["strata"]))
    if design.cluster:
        parts.append(t("survey_analysis_design.by_cluster", question=design.labels["cluster"]))
    else:
        parts.append(t("survey_analysis_design.no_cluster"))
    if design.fpc:
        key = "fpc_number" if design.fpc_number is not None else "fpc_question"
        parts.append(t(f"survey_analysis_design.{key}", value=design.labels["fpc"]))
    return str(t("survey_analysis_design.used", parts=", ".join(parts)))
