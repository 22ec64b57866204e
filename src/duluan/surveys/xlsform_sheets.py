"""The XLSForm sheets of a `Form`: written to an .xlsx file, or handed to pyxform for the XForm.

Both go through the same tables, so the XForm that ODK Collect downloads is made from exactly what
`write_xlsform` would write, whether the form came from a file or from the questionnaire editor.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import openpyxl  # type: ignore[import-untyped]
from pyxform.errors import PyXFormError  # type: ignore[import-untyped]
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from duluan.errors import BadInput
from duluan.surveys.form import NO_LANGUAGE, Choice, Form, Question

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
# Survey-sheet columns that `Question` names: texts by language, expressions, yes/no flags.
TEXT_FIELDS = ("label", "hint", "required_message", "constraint_message")
STRING_FIELDS = ("relevant", "constraint", "calculation", "choice_filter", "appearance", "default")
YES_NO_FIELDS = ("required", "read_only")
# Empty rows between rows of content are kept (as row numbers); this many in a row end a sheet,
# because spreadsheets may carry up to a million formatted but empty rows below the data.
# (pyxform stops at 60, which would silently drop a question written further down.)
BLANK_TAIL_LIMIT = 10_000

_PYXFORM_ROW = re.compile(r"\[row\s*:\s*(\d+)\]\s*")
_PYXFORM_ELEMENT = re.compile(r"The survey element named '([^']+)'")


@dataclass(frozen=True)
class _Table:
    """One sheet to write: headers, then rows (row i is sheet row i + 2; {} is an empty row)."""

    headers: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


def to_xform(form: Form) -> str:
    """The XForm XML of a form (what ODK Collect downloads); BadInput if pyxform refuses it."""
    return convert_form(form, {})[0]


def convert_form(
    form: Form, choice_rows: dict[tuple[str, str], int]
) -> tuple[str, tuple[str, ...]]:
    """The XForm and pyxform's warnings; `choice_rows` gives the row in the file read of each
    (list, choice name), for pyxform messages about the choices sheet."""
    survey, choices, settings = _tables(form)
    definition = {
        "survey": list(survey.rows),
        "survey_header": [dict.fromkeys(survey.headers)],
        "choices": list(choices.rows),
        "choices_header": [dict.fromkeys(choices.headers)],
        "settings": list(settings.rows),
        "settings_header": [dict.fromkeys(settings.headers)],
        "sheet_names": [SURVEY, CHOICES, SETTINGS],
        "fallback_form_name": form.form_id,
    }
    warnings: list[str] = []
    try:
        result = convert(xlsform=definition, warnings=warnings)
    except PyXFormError as error:
        # Rows of the choices table written here map back to the rows of the file read.
        keys = [(row.get("list_name", ""), row.get("name", "")) for row in choices.rows]
        raise _pyxform_error(str(error), form, keys, choice_rows) from error
    return str(result.xform), tuple(str(w) for w in warnings)


def _pyxform_error(
    message: str,
    form: Form,
    choice_keys: list[tuple[str, str]],
    choice_rows: dict[tuple[str, str], int],
) -> BadInput:
    """pyxform's message as a BadInput naming the row of the file read: its `[row : N]` where it
    gives one, else the row of the question its message names."""
    found = _PYXFORM_ROW.search(message)
    detail = _PYXFORM_ROW.sub("", message).strip()[:500]
    if found is None:
        named = _PYXFORM_ELEMENT.match(detail)
        question = form.find(named.group(1)) if named else None
        if question is None or not question.row:
            return BadInput("xlsform.errors.pyxform", detail=detail)
        return BadInput("xlsform.errors.pyxform_row", sheet=SURVEY, row=question.row, detail=detail)
    row = int(found.group(1))
    if "'choices' sheet" in message:
        index = row - 2
        if 0 <= index < len(choice_keys):
            row = choice_rows.get(choice_keys[index], row)
        return BadInput("xlsform.errors.pyxform_row", sheet=CHOICES, row=row, detail=detail)
    return BadInput("xlsform.errors.pyxform_row", sheet=SURVEY, row=row, detail=detail)


def _tables(form: Form) -> tuple[_Table, _Table, _Table]:
    languages = [*form.languages]
    survey_rows: list[dict[str, str]] = []
    _append_questions(form.questions, survey_rows, languages)
    choice_rows = [
        {"list_name": list_name, **_choice_row(choice, languages)}
        for list_name, choices in form.choice_lists.items()
        for choice in choices
    ]
    settings_row = {"form_id": form.form_id, "form_title": form.title}
    if form.version:
        settings_row["version"] = form.version
    if form.default_language != NO_LANGUAGE:
        settings_row["default_language"] = form.default_language
    settings_row.update(form.settings)
    return (
        _Table(_headers(survey_rows, ("type", "name")), tuple(survey_rows)),
        _Table(_headers(choice_rows, ("list_name", "name")), tuple(choice_rows)),
        _Table(tuple(settings_row), (settings_row,)),
    )


def _append_questions(
    questions: Iterable[Question], rows: list[dict[str, str]], languages: list[str]
) -> None:
    """Write questions depth-first with end rows after each group. A question read from a file
    goes back to its own row, so that row numbers in pyxform's messages and in a written-back file
    are those of the original."""
    for question in questions:
        gap = question.row - (len(rows) + 2)
        if 0 < gap <= BLANK_TAIL_LIMIT:
            rows.extend({} for _ in range(gap))
        rows.append(_question_row(question, languages))
        if question.is_container:
            _append_questions(question.children, rows, languages)
            rows.append({"type": f"end {question.type}"})


def _question_row(question: Question, languages: list[str]) -> dict[str, str]:
    kind = question.type
    if question.is_container:
        kind = f"begin {kind}"
    elif question.choice_list:
        kind = f"{kind} {question.choice_list}" + (" or_other" if question.or_other else "")
    row = {"type": kind, "name": question.name}
    for field in TEXT_FIELDS:
        row.update(_text_cells(field, getattr(question, field), languages))
    for field in (*STRING_FIELDS, *YES_NO_FIELDS):
        value = getattr(question, field)
        if value:
            row[field] = "yes" if value is True else value
    if question.required_if and not question.required:
        row["required"] = question.required_if
    row.update(question.extra)
    return row


def _choice_row(choice: Choice, languages: list[str]) -> dict[str, str]:
    return {"name": choice.name, **_text_cells("label", choice.label, languages), **choice.extra}


def _text_cells(field: str, texts: dict[str, str], languages: list[str]) -> dict[str, str]:
    for language in texts:
        if language not in languages:
            languages.append(language)  # a text in a language the form did not list
    return {
        (field if language == NO_LANGUAGE else f"{field}::{language}"): texts[language]
        for language in languages
        if language in texts
    }


def _headers(rows: Iterable[dict[str, str]], first: tuple[str, ...]) -> tuple[str, ...]:
    seen = dict.fromkeys(first)
    for row in rows:
        seen.update(dict.fromkeys(row))
    return tuple(seen)


def write_xlsform(form: Form) -> bytes:
    """An .xlsx XLSForm of the form, with survey, choices and settings sheets."""
    # A regular (not write-only) workbook, because only it records each sheet's dimension, without
    # which openpyxl reads every sheet twice when the file is read back.
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, table in zip((SURVEY, CHOICES, SETTINGS), _tables(form), strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append(list(table.headers))
        for number, row in enumerate(table.rows, start=2):
            for column, header in enumerate(table.headers, start=1):
                value = row.get(header)
                if value:
                    cell = sheet.cell(row=number, column=column, value=value)
                    cell.data_type = "s"  # text, even where it starts with "=" like a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
