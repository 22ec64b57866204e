"""Export files written as the batches arrive: CSV and XLSX row by row to disk, SPSS and Stata
from column arrays filled batch by batch; and the codebook on its own.

Each writer is made with the file's path, the export's `Layout` and the number of responses
expected, takes `add(batch)` as often as there are batches, and `finish(codebook)` once.

pyreadstat writes a .sav or .dta from a whole DataFrame only, so those two keep the table in
memory, but as one numpy array per column (float64 for numbers and integer-coded choices, an
object array of shared strings for text): 150,000 responses × 500 questions cost about what
the numbers themselves weigh, not a Python list per row (figures in docs/surveys.md).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy
import openpyxl  # type: ignore[import-untyped]

from duluan.surveys.export_codebook import HEADER, MAIN_TABLE, Entry
from duluan.surveys.export_rows import Batch, Layout

MAX_SHEET_NAME = 31
CODEBOOK_SHEET = "Biến"
# SPSS stores a missing number as the lowest double ("SYSMIS"). Given as a number, pyreadstat
# writes it without its per-cell missing check (pandas.isna on each value), ~4× faster.
SPSS_SYSMIS = -float(numpy.finfo(numpy.float64).max)
SHARED_TEXTS = 5_000  # distinct texts of a column kept as shared objects (codes, short answers)


class Writer(Protocol):
    def add(self, batch: Batch) -> None: ...

    def finish(self, codebook: Sequence[Entry]) -> None: ...


class CsvWriter:
    """The main table as CSV, UTF-8 with a BOM (so that spreadsheets read Vietnamese)."""

    def __init__(self, path: Path, shape: Layout, expected: int) -> None:
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow([v.name for v in shape.variables])

    def add(self, batch: Batch) -> None:
        self._csv.writerows(safe_cells(row) for row in batch.rows)

    def finish(self, codebook: Sequence[Entry]) -> None:
        self._file.close()


class XlsxWriter:
    """The main table, the codebook as the sheet `Biến` and one sheet per repeat, in a
    write-only workbook (openpyxl streams each sheet's rows to a temporary file)."""

    def __init__(self, path: Path, shape: Layout, expected: int) -> None:
        self._path = path
        self._book = openpyxl.Workbook(write_only=True)
        self._main = self._book.create_sheet(MAIN_TABLE)
        self._main.append([v.name for v in shape.variables])
        self._codebook = self._book.create_sheet(CODEBOOK_SHEET)
        self._repeats = {}
        for name, inner in shape.repeats.items():
            sheet = self._book.create_sheet(name[:MAX_SHEET_NAME])
            sheet.append(["instance_id", "thu_tu", *(v.name for v in inner)])
            self._repeats[name] = sheet

    def add(self, batch: Batch) -> None:
        for row in batch.rows:
            self._main.append(safe_cells(row))
        for name, rows in batch.repeat_rows.items():
            for row in rows:
                self._repeats[name].append(safe_cells(row))

    def finish(self, codebook: Sequence[Entry]) -> None:
        _fill_codebook(self._codebook, codebook)
        self._book.save(self._path)


class StatisticsWriter:
    """The main table as SPSS .sav or Stata .dta with variable and value labels. Numeric
    questions and integer-coded choices become numeric variables (value labels on the codes);
    names are made valid for both (letters, digits and `_`, at most 32 characters)."""

    def __init__(self, path: Path, shape: Layout, expected: int, kind: str) -> None:
        self._path, self._shape, self._kind = path, shape, kind
        self._numeric = [v.numeric for v in shape.variables]
        self._columns = [_empty_column(n, expected) for n in self._numeric]
        self._shared: list[dict[str, str]] = [{} for _ in self._numeric]
        self._filled = 0

    def add(self, batch: Batch) -> None:
        start, end = self._filled, self._filled + len(batch.rows)
        if end > len(self._columns[0]):  # more than counted arrived (ids committed late): grow
            self._columns = [_grown(c, end) for c in self._columns]
        for index, numeric in enumerate(self._numeric):
            cells = [row[index] for row in batch.rows]
            if numeric:
                self._columns[index][start:end] = _numbers(cells)
            else:
                self._columns[index][start:end] = self._shared_texts(index, cells)
        self._filled = end

    def _shared_texts(self, index: int, cells: list[str]) -> list[str]:
        """The cells, each repeated text one shared object (a column of codes then costs a
        pointer per row, not a string per row); free texts stop being shared past a limit."""
        shared = self._shared[index]
        if len(shared) >= SHARED_TEXTS:
            return cells
        same = shared.setdefault
        return [same(c, c) for c in cells]

    def finish(self, codebook: Sequence[Entry]) -> None:
        import pandas  # type: ignore[import-untyped]  # imported here: only these exports need it
        import pyreadstat

        variables = self._shape.variables
        names = statistics_names([v.name for v in variables])
        if self._kind == "sav":
            for column, numeric in zip(self._columns, self._numeric, strict=True):
                if numeric:  # SPSS's own missing value: written as it is, not checked per cell
                    column[numpy.isnan(column)] = SPSS_SYSMIS
        frame = pandas.DataFrame(
            {n: c[: self._filled] for n, c in zip(names, self._columns, strict=True)},
            columns=names,
            copy=False,
        )
        self._columns, self._shared = [], []  # the frame holds them now
        labels: list[str | None] = [v.label or v.name for v in variables]
        value_labels: dict[str, dict[int | float, str]] = {
            name: {int(code): label for code, label in v.choices}
            for v, name in zip(variables, names, strict=True)
            if v.numeric and v.choices
        }
        write = pyreadstat.write_sav if self._kind == "sav" else pyreadstat.write_dta
        write(frame, str(self._path), column_labels=labels, variable_value_labels=value_labels)


def _empty_column(numeric: bool, size: int) -> numpy.ndarray[Any, Any]:
    if numeric:
        return numpy.full(size, math.nan, dtype=numpy.float64)
    return numpy.full(size, "", dtype=object)


def _grown(column: numpy.ndarray[Any, Any], size: int) -> numpy.ndarray[Any, Any]:
    bigger = _empty_column(column.dtype == numpy.float64, max(size, 2 * len(column)))
    bigger[: len(column)] = column
    return bigger


def _numbers(cells: list[str]) -> numpy.ndarray[Any, Any]:
    """The cells as numbers, blanks and text that is no number as missing (NaN)."""
    try:  # numpy parses the whole batch in C; only a column with stray text goes cell by cell
        return numpy.array([c or "nan" for c in cells], dtype=numpy.float64)
    except ValueError:
        return numpy.array([_number(c) for c in cells], dtype=numpy.float64)


def _number(text: str) -> float:
    try:
        return float(text) if text else math.nan
    except ValueError:
        return math.nan


def statistics_names(names: list[str]) -> list[str]:
    """Valid, distinct variable names for SPSS and Stata."""
    found: list[str] = []
    for name in names:
        clean = re.sub(r"[^A-Za-z0-9_]", "_", name)[:32] or "v"
        if not clean[0].isalpha():
            clean = f"v{clean}"[:32]
        candidate, n = clean, 1
        while candidate in found:
            n += 1
            candidate = f"{clean[: 32 - len(str(n)) - 1]}_{n}"
        found.append(candidate)
    return found


def writer_for(kind: str, path: Path, shape: Layout, expected: int) -> Writer:
    """The writer of an export format (`csv`, `xlsx`, `sav`, `dta`)."""
    if kind == "csv":
        return CsvWriter(path, shape, expected)
    if kind == "xlsx":
        return XlsxWriter(path, shape, expected)
    if kind in ("sav", "dta"):
        return StatisticsWriter(path, shape, expected, kind)
    raise ValueError(f"no writer for export format {kind!r}")


def write_codebook_csv(codebook: Sequence[Entry], path: Path) -> None:
    """The codebook as CSV, UTF-8 with a BOM."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows([*safe_cells(e.texts()), e.answered] for e in codebook)


def write_codebook_xlsx(codebook: Sequence[Entry], path: Path) -> None:
    """The codebook as a workbook of one sheet, `Biến`."""
    book = openpyxl.Workbook(write_only=True)
    _fill_codebook(book.create_sheet(CODEBOOK_SHEET), codebook)
    book.save(path)


def _fill_codebook(sheet: Any, codebook: Sequence[Entry]) -> None:
    sheet.append(HEADER)
    for entry in codebook:
        sheet.append([*safe_cells(entry.texts()), entry.answered])


def safe_cells(cells: Iterable[str]) -> list[str]:
    """Cells a spreadsheet will not run as formulas: text starting with `=`, `+`, `-` or `@`
    (not a number such as -5) gets a leading apostrophe."""
    return [c if c[:1] not in FORMULA_STARTS else _defused(c) for c in cells]


FORMULA_STARTS = frozenset("=+-@")


def _defused(text: str) -> str:
    return text if _is_number(text) else "'" + text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
