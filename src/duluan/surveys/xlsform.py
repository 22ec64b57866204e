"""XLSForm files to and from `Form`, and `Form` to the XForm XML that ODK Collect downloads.

`read_xlsform` reads the survey, choices and settings sheets of an .xlsx file (column headers in any
case; multilingual columns written `label::Tiếng Việt (vi)` as the XLSForm specification does),
checks what a form author gets wrong most often with a message naming the sheet, row and column
(`surveys/xlsform_parse.py`, which also fills the built-in lists `dvhc_tinh` and `dvhc_xa` of the
2025 administrative map), and converts the resulting `Form` to XForm with pyxform, which checks
the rest; its messages are passed on with the row they name (`surveys/xlsform_sheets.py`).

`write_xlsform` writes a `Form` back to an .xlsx that `read_xlsform` reads to an equal `Form`.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import openpyxl  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from duluan.errors import BadInput, PayloadTooLarge
from duluan.surveys.form import Form
from duluan.surveys.xlsform_parse import (
    CHOICE_HEADER,
    COMMUNE_LIST,
    PROVINCE_LIST,
    SETTINGS_HEADER,
    SURVEY_HEADER,
    HeaderRule,
    SheetRows,
    build_form,
)
from duluan.surveys.xlsform_sheets import (
    BLANK_TAIL_LIMIT,
    CHOICES,
    SETTINGS,
    SURVEY,
    convert_form,
    to_xform,
    write_xlsform,
)

__all__ = [
    "COMMUNE_LIST",
    "PROVINCE_LIST",
    "ImportedForm",
    "read_xlsform",
    "to_xform",
    "write_xlsform",
]

MAX_BYTES = 20 * 1024 * 1024  # an .xlsx file as uploaded
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # its parts once unzipped (refuses zip bombs)
MAX_SURVEY_ROWS = 20_000
MAX_CHOICE_ROWS = 100_000
MAX_COLUMNS = 200

# What openpyxl and zipfile raise on a damaged file (found by truncating, corrupting and removing
# each part of a valid one): a broken zip, missing parts, malformed XML, unexpected attributes.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    InvalidFileException,
    SyntaxError,  # also lxml's XMLSyntaxError
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    OSError,
)

# Sheets of the XLSForm specification that `Form` does not hold: refused unless empty.
_UNSUPPORTED_SHEETS = ("external_choices", "entities", "osm")


@dataclass(frozen=True)
class ImportedForm:
    """A form read from an XLSForm file, its XForm XML, and pyxform's warnings (in English)."""

    form: Form
    xform: str
    warnings: tuple[str, ...] = ()


def read_xlsform(data: bytes, filename: str) -> ImportedForm:
    """Read an XLSForm .xlsx file; raises BadInput naming the sheet, row and column at fault."""
    workbook = _open_workbook(data, filename)
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        if SURVEY not in names:
            raise BadInput("xlsform.errors.no_survey_sheet", sheets=", ".join(workbook.sheetnames))
        for unsupported in _UNSUPPORTED_SHEETS:
            if unsupported in names and _has_rows(workbook[names[unsupported]]):
                raise BadInput("xlsform.errors.unsupported_sheet", sheet=names[unsupported])
        settings = _read_sheet(workbook, names.get(SETTINGS), SETTINGS_HEADER, 1)
        survey = _read_sheet(workbook, names[SURVEY], SURVEY_HEADER, MAX_SURVEY_ROWS)
        choices = _read_sheet(workbook, names.get(CHOICES), CHOICE_HEADER, MAX_CHOICE_ROWS)
    except _UNREADABLE as error:
        raise BadInput(
            "xlsform.errors.not_xlsx", filename=filename, detail=str(error)[:200]
        ) from error
    finally:
        workbook.close()
    form, choice_rows = build_form(settings, survey, choices, PurePath(filename).stem)
    xform, warnings = convert_form(form, choice_rows)
    return ImportedForm(form=form, xform=xform, warnings=warnings)


def _open_workbook(data: bytes, filename: str) -> openpyxl.Workbook:
    limit_mb = MAX_BYTES // (1024 * 1024)
    if len(data) > MAX_BYTES:
        size_mb = f"{len(data) / (1024 * 1024):.1f}"
        raise PayloadTooLarge(
            "xlsform.errors.too_large", filename=filename, size_mb=size_mb, limit_mb=limit_mb
        )
    if filename.lower().endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadInput("xlsform.errors.old_xls", filename=filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise PayloadTooLarge(
                "xlsform.errors.too_large_unpacked",
                filename=filename,
                limit_mb=MAX_UNPACKED_BYTES // (1024 * 1024),
            )
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _UNREADABLE as error:
        raise BadInput(
            "xlsform.errors.not_xlsx", filename=filename, detail=str(error)[:200]
        ) from error


def _has_rows(worksheet: openpyxl.worksheet.worksheet.Worksheet) -> bool:
    rows = worksheet.iter_rows(min_row=2, max_row=BLANK_TAIL_LIMIT, values_only=True)
    return any(_text(value) for row in rows for value in row)


def _read_sheet(
    workbook: openpyxl.Workbook,
    name: str | None,
    canonical: HeaderRule,
    max_rows: int,
) -> SheetRows:
    """The sheet `name` (an empty sheet when None), headers renamed by `canonical`. Raises
    BadInput for duplicate or too many columns and for more than `max_rows` rows."""
    if name is None:
        return SheetRows(name="", headers={}, rows=())
    worksheet = workbook[name]
    first = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    columns: list[tuple[int, str]] = []
    headers: dict[str, str] = {}
    seen_lower: dict[str, str] = {}
    for index, value in enumerate(first):
        raw = _text(value)
        if not raw:
            continue
        if len(columns) >= MAX_COLUMNS:
            raise BadInput("xlsform.errors.too_many_columns", sheet=name, limit=MAX_COLUMNS)
        header = canonical(raw)
        letter = get_column_letter(index + 1)
        if header.lower() in seen_lower:
            raise BadInput(
                "xlsform.errors.duplicate_column",
                sheet=name,
                column=raw,
                first=seen_lower[header.lower()],
                second=letter,
            )
        seen_lower[header.lower()] = letter
        headers[header] = letter
        columns.append((index, header))
    if not columns:
        return SheetRows(name=name, headers={}, rows=())
    rows: list[tuple[int, dict[str, str]]] = []
    blank_run = 0
    last_column = columns[-1][0] + 1
    cells = worksheet.iter_rows(min_row=2, max_col=last_column, values_only=True)
    # Bounds the rows read whatever the file holds: rows of content plus runs of empty ones.
    last_row = 2 * max_rows + BLANK_TAIL_LIMIT
    for number, values in enumerate(cells, start=2):
        row = {h: t for i, h in columns if i < len(values) and (t := _text(values[i]))}
        if not row:
            blank_run += 1
            if blank_run >= BLANK_TAIL_LIMIT or number > last_row:
                break
            continue
        if number > last_row:
            raise BadInput("xlsform.errors.too_many_rows", sheet=name, limit=max_rows)
        blank_run = 0
        if len(rows) >= max_rows:
            if max_rows == 1:  # the settings sheet: only its first row counts
                break
            raise BadInput("xlsform.errors.too_many_rows", sheet=name, limit=max_rows)
        rows.append((number, row))
    return SheetRows(name=name, headers=headers, rows=tuple(rows))


def _text(value: object) -> str:
    """A cell as text, as pyxform reads it: trimmed, whole numbers without `.0`, booleans as
    TRUE/FALSE, non-breaking spaces as spaces, and NFC (Vietnamese typed on macOS comes as NFD)."""
    if value is None:
        return ""
    if value is True or value is False:
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\xa0", " ").strip()
    return unicodedata.normalize("NFC", text)
