"""Raw answers out: one row per response, in CSV (UTF-8 with a BOM, for spreadsheets), XLSX with
Vietnamese variable and value labels, or SPSS (.sav) and Stata (.dta) files with the same labels.

Columns are the response's facts (`instance_id`, received time in Vietnam, channel, version,
status) and then every answered question outside repeats, in questionnaire order; questions of
earlier versions that the current one dropped come after. Values stay as stored (choice names,
space-separated for a multiple choice); the XLSX adds a sheet `Biến` with each variable's label,
type and value labels, and one sheet per repeat (its rows carry the response's `instance_id`).
The CSV holds the main table only; each repeat's column there counts its rows.

Contact data is never exported here (it is kept apart, for the owner unit's admins).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.ingest.dates import VIETNAM_TIME
from duluan.surveys.form import Form, Question
from duluan.surveys.models import Response, Survey, SurveyVersion
from duluan.surveys.service import form_of, versions
from duluan.surveys.xlsform import COMMUNE_LIST

FACTS = ("instance_id", "received_at", "channel", "version", "status")
FACT_LABELS = {
    "instance_id": "Mã phiếu",
    "received_at": "Thời điểm nhận (giờ Việt Nam)",
    "channel": "Kênh thu thập",
    "version": "Phiên bản bảng hỏi",
    "status": "Trạng thái duyệt",
}
SKIPPED_TYPES = frozenset({"note", "group"})
MAX_SHEET_NAME = 31


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    type: str
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) of a choice question

    @property
    def values(self) -> str:
        """The value labels written out: "co = Hài lòng; khong = Chưa hài lòng"."""
        return "; ".join(f"{code} = {label}" for code, label in self.choices)

    @property
    def numeric(self) -> bool:
        """Numbers in statistics packages: numeric answers, and choices coded by integers."""
        if self.type in ("integer", "decimal"):
            return True
        return (
            bool(self.choices)
            and self.type == "select_one"
            and all(code.lstrip("-").isdigit() for code, _ in self.choices)
        )


@dataclass(frozen=True)
class Table:
    """The main table, the variables that describe it, and each repeat's own table."""

    variables: list[Variable]
    rows: list[list[str]]
    repeats: dict[str, tuple[list[Variable], list[list[str]]]]


def table(session: Session, survey: Survey) -> Table:
    """Every response of the survey, oldest first, as rows of text."""
    forms = [form_of(v) for v in versions(session, survey)]
    main, repeats = _variables(forms)
    numbers = {
        v.id: v.form_version
        for v in session.scalars(select(SurveyVersion).where(SurveyVersion.survey_id == survey.id))
    }
    responses = session.scalars(
        select(Response).where(Response.survey_id == survey.id).order_by(Response.id)
    )
    rows: list[list[str]] = []
    repeat_rows: dict[str, list[list[str]]] = {name: [] for name in repeats}
    for response in responses:
        answers = response.answers or {}
        facts = [
            response.instance_id,
            response.received_at.astimezone(VIETNAM_TIME).strftime("%Y-%m-%d %H:%M:%S"),
            response.channel,
            numbers.get(response.version_id, ""),
            response.status,
        ]
        values = []
        for variable in main:
            value = answers.get(variable.name)
            values.append(str(len(value)) if isinstance(value, list) else _text(value))
        rows.append(facts + values)
        for name, inner in repeats.items():
            for index, item in enumerate(answers.get(name) or [], start=1):
                if isinstance(item, dict):
                    cells = [_text(item.get(v.name)) for v in inner]
                    repeat_rows[name].append([response.instance_id, str(index), *cells])
    return Table(
        [Variable(f, FACT_LABELS[f], "meta") for f in FACTS] + main,
        rows,
        {name: (inner, repeat_rows[name]) for name, inner in repeats.items()},
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _variables(forms: Sequence[Form]) -> tuple[list[Variable], dict[str, list[Variable]]]:
    """The main table's variables and each repeat's, newest version first."""
    main: dict[str, Variable] = {}
    repeats: dict[str, dict[str, Variable]] = {}
    for form in forms:
        for path, question in form.walk():
            if question.type in SKIPPED_TYPES:
                continue
            inside = next((p for p in path if _is_repeat(form, p)), None)
            variable = _variable(form, question)
            if question.type == "repeat":
                repeats.setdefault(question.name, {})
                main.setdefault(question.name, variable)
            elif inside is not None:
                repeats.setdefault(inside, {}).setdefault(question.name, variable)
            else:
                main.setdefault(question.name, variable)
    return list(main.values()), {name: list(v.values()) for name, v in repeats.items()}


def _is_repeat(form: Form, name: str) -> bool:
    question = form.find(name)
    return question is not None and question.type == "repeat"


def _variable(form: Form, question: Question) -> Variable:
    choices: tuple[tuple[str, str], ...] = ()
    if question.is_select and question.choice_list != COMMUNE_LIST:
        choices = tuple((c.name, form.text(c.label)) for c in form.choices(question.choice_list))
    return Variable(question.name, form.text(question.label), question.type, choices)


def to_csv(data: Table) -> bytes:
    """The main table as CSV, UTF-8 with a BOM (so that spreadsheets read Vietnamese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([v.name for v in data.variables])
    writer.writerows(_safe(row) for row in data.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(data: Table) -> bytes:
    """The main table, the variables sheet and one sheet per repeat."""
    workbook = openpyxl.Workbook(write_only=True)
    main = workbook.create_sheet("Dữ liệu")
    main.append([v.name for v in data.variables])
    for row in data.rows:
        main.append(_safe(row))
    described = workbook.create_sheet("Biến")
    described.append(["Biến", "Nhãn", "Kiểu", "Nhãn giá trị"])
    for variable in data.variables:
        described.append(_safe([variable.name, variable.label, variable.type, variable.values]))
    for name, (inner, rows) in data.repeats.items():
        sheet = workbook.create_sheet(name[:MAX_SHEET_NAME])
        sheet.append(["instance_id", "thu_tu", *(v.name for v in inner)])
        for row in rows:
            sheet.append(_safe(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe(cells: Iterable[str]) -> list[str]:
    """Cells a spreadsheet will not run as formulas: text starting with `=`, `+`, `-` or `@`
    (not a number such as -5) gets a leading apostrophe."""
    return ["'" + c if c[:1] in ("=", "+", "-", "@") and not _is_number(c) else c for c in cells]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_sav(data: Table) -> bytes:
    """The main table as an SPSS .sav file, with variable and value labels."""
    return _statistics_file(data, "sav")


def to_dta(data: Table) -> bytes:
    """The main table as a Stata .dta file, with variable and value labels."""
    return _statistics_file(data, "dta")


def _statistics_file(data: Table, kind: str) -> bytes:
    """SPSS and Stata want numbers as numbers: numeric questions and integer-coded choices become
    numeric variables (value labels on the codes); names are made valid for both (letters,
    digits and `_`, at most 32 characters)."""
    import pandas  # type: ignore[import-untyped]  # imported here: only these exports need it
    import pyreadstat

    names = _statistics_names([v.name for v in data.variables])
    columns: dict[str, list[object]] = {}
    for index, (variable, name) in enumerate(zip(data.variables, names, strict=True)):
        cells: list[object] = [row[index] for row in data.rows]
        columns[name] = [_number(str(c)) for c in cells] if variable.numeric else cells
    frame = pandas.DataFrame(columns, columns=names)
    labels: list[str | None] = [v.label or v.name for v in data.variables]
    value_labels: dict[str, dict[int | float, str]] = {
        name: {int(code): label for code, label in v.choices}
        for v, name in zip(data.variables, names, strict=True)
        if v.numeric and v.choices
    }
    write = pyreadstat.write_sav if kind == "sav" else pyreadstat.write_dta
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"answers.{kind}"
        write(frame, str(path), column_labels=labels, variable_value_labels=value_labels)
        return path.read_bytes()


def _number(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _statistics_names(names: list[str]) -> list[str]:
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


# Each export format: how it is written and its media type.
FORMATS = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "sav": (to_sav, "application/x-spss-sav"),
    "dta": (to_dta, "application/x-stata-dta"),
}
