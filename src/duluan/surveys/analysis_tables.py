"""Frequency tables and crosstabs of a survey's answers, weighted or not, computed by the
estimation engine: each cell a percentage with its standard error, 95 % interval, margin of error
and unweighted count, and a crosstab's Rao–Scott test of independence; written out as CSV or XLSX.

With a weighting scheme, the responses it weighted are analysed and its adjustment is repeated by
the engine in the same spec, so the standard errors account for the weighting (raking is treated
as calibration, not as fixed weights). Cells resting on fewer than `RELIABLE_COUNT` respondents
are marked: their interval is a rough guide only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

from duluan.errors import BadInput
from duluan.surveys.analysis_data import AnalysisData, Variable
from duluan.surveys.analysis_design import SIMPLE, SampleDesign, described, prepared
from duluan.surveys.estimation import analyse, parse_spec
from duluan.surveys.estimation.estimates import Z_95
from duluan.surveys.weighting import adjust_step, stored_trim
from duluan.surveys.weighting_models import WeightingScheme

RELIABLE_COUNT = 30
SIGNIFICANCE = 0.05
ERRORS = "survey_analysis.errors"


@dataclass(frozen=True)
class Cell:
    """One percentage: `level` of the question (within `column` of the second question in a
    crosstab), as a share in [0, 1] with its standard error and 95 % interval."""

    level: str
    label: str
    column: str | None
    column_label: str
    count: int
    base: int
    share: float
    se: float
    ci_low: float
    ci_high: float

    @property
    def margin_of_error(self) -> float:
        return Z_95 * self.se

    @property
    def unreliable(self) -> bool:
        return self.count < RELIABLE_COUNT


@dataclass(frozen=True)
class Table:
    """A frequency table (`by` None) or a crosstab (column percentages within `by`)."""

    question: Variable
    by: Variable | None
    cells: list[Cell]
    respondents: int
    scheme: WeightingScheme | None
    test: dict[str, Any] | None = None
    design: SampleDesign = SIMPLE

    @property
    def significant(self) -> bool | None:
        """Whether the crosstab's second-order Rao–Scott test rejects independence at 5 %."""
        if self.test is None or self.test.get("p_value_f") is None:
            return None
        return float(self.test["p_value_f"]) < SIGNIFICANCE

    def chart(self) -> dict[str, Any]:
        """Percentages and intervals for the page's bar chart: categories on the axis, one series
        per level of the question (a crosstab) or one series (frequencies)."""
        columns = list(dict.fromkeys((c.column, c.column_label) for c in self.cells))
        levels = list(dict.fromkeys((c.level, c.label) for c in self.cells))
        found = {(c.level, c.column): c for c in self.cells}
        if self.by is None:
            series = [self._series(self.question.label, [found[(lvl, None)] for lvl, _ in levels])]
            return {"categories": [label for _, label in levels], "series": series}
        series = [
            self._series(label, [found.get((lvl, col)) for col, _ in columns])
            for lvl, label in levels
        ]
        return {"categories": [label for _, label in columns], "series": series}

    @staticmethod
    def _series(name: str, cells: list[Cell | None]) -> dict[str, Any]:
        def pct(value: float | None) -> float | None:
            return None if value is None else round(100 * value, 2)

        return {
            "name": name,
            "values": [pct(c.share) if c else None for c in cells],
            "low": [pct(max(c.ci_low, 0.0)) if c else None for c in cells],
            "high": [pct(min(c.ci_high, 1.0)) if c else None for c in cells],
        }


@dataclass(frozen=True)
class Prepared:
    """The responses to analyse and the engine's design and adjustment for them."""

    frame: pd.DataFrame
    design: dict[str, Any]
    adjust: list[dict[str, Any]]

    def run(self, estimates: list[dict[str, Any]]) -> Any:
        spec = {"design": self.design, "adjust": self.adjust, "estimates": estimates}
        return analyse(self.frame, parse_spec(spec))


def prepare(
    data: AnalysisData, scheme: WeightingScheme | None, design: SampleDesign = SIMPLE
) -> Prepared:
    """A scheme's own responses and its weighting, or every loaded response unweighted; with
    the declared sample design (strata, clusters, fpc) when there is one."""
    frame, adjust = data.frame, []
    if scheme is not None:
        weighted = {int(key) for key in scheme.weights}
        frame = frame[frame["_response_id"].isin(weighted)].reset_index(drop=True)
        if frame.empty:
            raise BadInput(f"{ERRORS}.scheme_no_rows")
        adjust = [adjust_step(scheme.targets, stored_trim(scheme))]
    frame, spec = prepared(design, frame)
    return Prepared(frame, spec, adjust)


def _ordered(variable: Variable, levels: Iterable[str]) -> list[str]:
    """Levels in questionnaire order, then any others (calculations) alphabetically."""
    present = set(levels)
    ordered = [name for name, _ in variable.choices if name in present]
    return ordered + sorted(present - set(ordered))


def frequencies(
    data: AnalysisData,
    name: str,
    scheme: WeightingScheme | None = None,
    design: SampleDesign = SIMPLE,
) -> Table:
    """The share of respondents giving each answer to one question (of those who answered)."""
    variable = _variable(data, name, allow_multiple=True)
    ready = prepare(data, scheme, design)
    if variable.multiple:
        return _multiple(variable, ready, scheme, design)
    answered = ready.frame[name].dropna()
    if answered.empty:
        raise BadInput(f"{ERRORS}.no_answers", question=variable.label)
    counts = answered.value_counts().to_dict()
    result = ready.run([{"stat": "proportion", "var": name}])
    rows = {str(r["level"]): r for r in result["estimates"]}
    cells = [
        _cell(rows[lvl], variable, lvl, None, "", int(counts.get(lvl, 0)), len(answered))
        for lvl in _ordered(variable, rows)
    ]
    return Table(variable, None, cells, len(answered), scheme, design=design)


def _multiple(
    variable: Variable, ready: Prepared, scheme: WeightingScheme | None, design: SampleDesign
) -> Table:
    frame = ready.frame
    columns = [variable.column(choice) for choice, _ in variable.choices]
    answered = frame[columns[0]].notna() if columns else pd.Series(dtype=bool)
    base = int(answered.sum())
    if base == 0:
        raise BadInput(f"{ERRORS}.no_answers", question=variable.label)
    result = ready.run([{"stat": "mean", "var": column} for column in columns])
    cells = []
    for (choice, _), row in zip(variable.choices, result["estimates"], strict=True):
        count = int(frame[variable.column(choice)].sum())
        cells.append(_cell(row, variable, choice, None, "", count, base))
    return Table(variable, None, cells, base, scheme, design=design)


def crosstab(
    data: AnalysisData,
    name: str,
    by: str,
    scheme: WeightingScheme | None = None,
    design: SampleDesign = SIMPLE,
) -> Table:
    """Column percentages of `name` within each answer to `by`, with the Rao–Scott test."""
    variable = _variable(data, name)
    column = _variable(data, by)
    if name == by:
        raise BadInput(f"{ERRORS}.same_question")
    ready = prepare(data, scheme, design)
    both = ready.frame[[name, by]].dropna()
    result = ready.run([{"stat": "crosstab", "var": name, "col": by}])
    rows = {(str(r["level"]), str(r["by"][by])): r for r in result["estimates"]}
    counts = both.groupby([name, by]).size().to_dict()
    bases = both[by].value_counts().to_dict()
    cells = []
    for col in _ordered(column, {c for _, c in rows}):
        for lvl in _ordered(variable, {r for r, _ in rows}):
            count = int(counts.get((lvl, col), 0))
            cells.append(
                _cell(
                    rows[(lvl, col)],
                    variable,
                    lvl,
                    col,
                    column.label_of(col),
                    count,
                    int(bases.get(col, 0)),
                )
            )
    test = result["tests"][0] if result["tests"] else None
    return Table(variable, column, cells, len(both), scheme, test, design)


def _variable(data: AnalysisData, name: str, allow_multiple: bool = False) -> Variable:
    variable = data.variables.get(name)
    if variable is None or not (variable.categorical or (allow_multiple and variable.multiple)):
        raise BadInput(f"{ERRORS}.not_analysable", question=name)
    return variable


def _cell(
    row: dict[str, Any],
    variable: Variable,
    level: str,
    column: str | None,
    column_label: str,
    count: int,
    base: int,
) -> Cell:
    se = float(row["se"] or 0.0)
    return Cell(
        level=level,
        label=variable.label_of(level),
        column=column,
        column_label=column_label,
        count=count,
        base=base,
        share=float(row["estimate"]),
        se=se,
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
    )


def rows_of(table: Table, t: Callable[..., str]) -> list[list[Any]]:
    """The table as rows for a file: a header, one row per cell (percentages in points), then a
    blank row and the notes (weighting, test). `t` translates the headers and notes."""
    header = [t("survey_analysis.file.question"), t("survey_analysis.file.code")]
    header += [t("survey_analysis.file.answer")]
    if table.by is not None:
        header += [t("survey_analysis.file.by_code"), t("survey_analysis.file.by_answer")]
    header += [
        t(f"survey_analysis.file.{key}")
        for key in ("count", "base", "percent", "se", "ci_low", "ci_high", "moe", "reliable")
    ]
    rows: list[list[Any]] = [header]
    for cell in table.cells:
        line: list[Any] = [table.question.name, cell.level, cell.label]
        if table.by is not None:
            line += [cell.column, cell.column_label]
        line += [cell.count, cell.base]
        line += [round(100 * v, 4) for v in (cell.share, cell.se, cell.ci_low, cell.ci_high)]
        line += [round(100 * cell.margin_of_error, 4)]
        line += [t("survey_analysis.unreliable") if cell.unreliable else ""]
        rows.append(line)
    rows.append([])
    rows += [[note] for note in notes(table, t)]
    return rows


def notes(table: Table, t: Callable[..., str]) -> list[str]:
    """What a reader needs beside the numbers: the design, the weighting and the test."""
    found = [
        described(table.design, t),
        t("survey_analysis.weighted_by", name=table.scheme.name)
        if table.scheme
        else t("survey_analysis.unweighted_note"),
        t("survey_analysis.respondents", n=table.respondents),
    ]
    if table.test is not None and table.significant is not None:
        verdict = "significant" if table.significant else "not_significant"
        found.append(
            t(
                f"survey_analysis.test_{verdict}",
                f=f"{table.test['f']:.2f}",
                p=f"{table.test['p_value_f']:.3f}",
            )
        )
    return found


def to_csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM, so that spreadsheets read Vietnamese."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_safe(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Bảng")
    for row in rows:
        sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (labels come from the
    questionnaire, which anyone managing the survey may write)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
