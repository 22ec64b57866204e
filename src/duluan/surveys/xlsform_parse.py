"""The rows of an XLSForm's survey, choices and settings sheets made into a `Form`, with the checks
that name the sheet, row and column of what a form author got wrong.

Built-in administrative lists: a select question may name the list `dvhc_tinh` (the 34 provinces
of the 2025 map: name = two-digit province code, label = province name) or `dvhc_xa` (the 3,321
communes: name = five-digit commune code, label = commune name, column `tinh` = the code of its
province) without writing them in the choices sheet; they are filled from `geo/admin_map.py`. With
`choice_filter` `tinh=${tinh}` on the commune question (where `tinh` is the name of the province
question), the commune list shows only the communes of the chosen province. A choices sheet that
defines a list of the same name keeps its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pyxform import QUESTION_TYPE_DICT  # type: ignore[import-untyped]

from duluan.errors import BadInput
from duluan.geo import admin_map
from duluan.surveys.form import GROUP, NO_LANGUAGE, REPEAT, Choice, Form, Question
from duluan.surveys.xlsform_sheets import STRING_FIELDS, TEXT_FIELDS, YES_NO_FIELDS

PROVINCE_LIST = "dvhc_tinh"
COMMUNE_LIST = "dvhc_xa"
COMMUNE_PROVINCE_COLUMN = "tinh"

_HEADER_ALIASES = {
    "caption": "label",
    "relevance": "relevant",
    "calculate": "calculation",
    "readonly": "read_only",
    "jr:constraintmsg": "constraint_message",
    "constraining_message": "constraint_message",
    "jr:requiredmsg": "required_message",
    "requiredmsg": "required_message",
    "value": "name",
    "form_title": "title",
    "id_string": "form_id",
}
_SURVEY_COLUMNS = {"type", "name", *TEXT_FIELDS, *STRING_FIELDS, *YES_NO_FIELDS}
_CHOICE_COLUMNS = {"list_name", "name", "label"}
_SETTINGS_COLUMNS = {"form_id", "title", "version", "default_language"}
_YES = {"yes", "true", "true()", "1"}
_NO = {"no", "false", "false()", "0"}

_BEGIN = re.compile(r"^begin[\s_]+(group|repeat)$", re.IGNORECASE)
_END = re.compile(r"^end[\s_]+(group|repeat)$", re.IGNORECASE)
_SELECT = re.compile(
    r"^(?P<command>select_one_from_file|select_multiple_from_file|select one from file"
    r"|select multiple from file|select_one|select one|select_multiple|select multiple"
    r"|select all that apply|rank)\s+(?P<list>\S+)"
    r"(?P<other>\s+(or_other|or other|or specify other))?$",
    re.IGNORECASE,
)
_SELECT_NAMES = {
    "select one": "select_one",
    "select multiple": "select_multiple",
    "select all that apply": "select_multiple",
    "select one from file": "select_one_from_file",
    "select multiple from file": "select_multiple_from_file",
}
# Lower-case spelling → pyxform's; where two differ only in case the lower-case one is kept.
_PLAIN_TYPES = {name.lower(): name for name in sorted(QUESTION_TYPE_DICT)}


@dataclass(frozen=True)
class SheetRows:
    """A sheet's rows as {canonical header: text}, each with its 1-based row number; empty cells
    and empty rows are left out. `headers` maps each canonical header to its column letter."""

    name: str
    headers: dict[str, str]
    rows: tuple[tuple[int, dict[str, str]], ...]


class HeaderRule:
    """Maps a header as written to the key the rows use. Known columns are matched without regard
    to case, spaces or the XLSForm aliases (`Label::English (en)` → `label::English (en)`); other
    columns keep their spelling, since a `choice_filter` may name them."""

    def __init__(self, known: set[str], translatable: set[str]) -> None:
        self.known = known
        self.translatable = translatable

    def __call__(self, raw: str) -> str:
        first, separator, language = raw.partition("::")
        key = "_".join(first.split()).lower()
        key = _HEADER_ALIASES.get(key, key)
        if separator and key in self.translatable and "::" not in language:
            return f"{key}::{language.strip()}"
        if not separator and key in self.known:
            return key
        return raw


SURVEY_HEADER = HeaderRule(_SURVEY_COLUMNS, set(TEXT_FIELDS))
CHOICE_HEADER = HeaderRule(_CHOICE_COLUMNS, {"label"})
SETTINGS_HEADER = HeaderRule(_SETTINGS_COLUMNS, set())


def build_form(
    settings_sheet: SheetRows, survey: SheetRows, choices_sheet: SheetRows, fallback_id: str
) -> tuple[Form, dict[tuple[str, str], int]]:
    """The form the sheets describe, and the row of each (list, choice name) in the choices
    sheet; `fallback_id` (the file name) is the form id when the settings give none."""
    settings = dict(settings_sheet.rows[0][1]) if settings_sheet.rows else {}
    form_id = settings.pop("form_id", "") or fallback_id
    title = settings.pop("title", "") or form_id
    version = settings.pop("version", "")
    default_language = settings.pop("default_language", "") or NO_LANGUAGE
    texts = _Texts(default_language)
    texts.add_headers(survey.headers, TEXT_FIELDS)
    texts.add_headers(choices_sheet.headers, ("label",))
    for column in ("type", "name"):
        if column not in survey.headers:
            raise BadInput("xlsform.errors.missing_column", sheet=survey.name, column=column)
    allow_duplicates = settings.get("allow_choice_duplicates", "").lower() in _YES
    choice_lists, choice_rows = _parse_choices(choices_sheet, texts, allow_duplicates)
    questions = _SurveyParser(survey.name, texts).parse(survey.rows)
    form = Form(
        form_id=form_id,
        title=title,
        version=version,
        default_language=default_language,
        languages=tuple(texts.languages),
        settings=settings,
        questions=questions,
        choice_lists=choice_lists,
    )
    return _with_built_in_lists(form, survey.name), choice_rows


class _Texts:
    """Which language each text column holds, and the form's languages in order of first use.
    A column without `::language` holds the default language when the settings name one."""

    def __init__(self, default_language: str) -> None:
        self.default_language = default_language
        self.languages: dict[str, None] = {}  # an ordered set
        self.columns: dict[str, tuple[str, str]] = {}  # header → (field, language)

    def add_headers(self, headers: Iterable[str], fields: tuple[str, ...]) -> None:
        for header in headers:
            field, separator, language = header.partition("::")
            if field not in fields or (separator and not language):
                continue
            language = language if separator else self.default_language
            self.columns[header] = (field, language)
            self.languages.setdefault(language)

    def of(self, row: dict[str, str]) -> dict[str, dict[str, str]]:
        """{field: {language: text}} of a row's text columns; a column that names the default
        language wins over the unsuffixed one, as in pyxform."""
        found: dict[str, dict[str, str]] = {}
        for header, text in row.items():
            column = self.columns.get(header)
            if column is not None and ("::" in header or column[1] not in found.get(column[0], {})):
                found.setdefault(column[0], {})[column[1]] = text
        return found


def _parse_choices(
    sheet: SheetRows, texts: _Texts, allow_duplicates: bool
) -> tuple[dict[str, tuple[Choice, ...]], dict[tuple[str, str], int]]:
    """The choice lists, and the sheet row of each (list, choice name) for error messages."""
    if sheet.rows:
        for column in ("list_name", "name"):
            if column not in sheet.headers:
                raise BadInput("xlsform.errors.missing_column", sheet=sheet.name, column=column)
    lists: dict[str, list[Choice]] = {}
    rows: dict[tuple[str, str], int] = {}
    for number, row in sheet.rows:
        list_name, name = row.get("list_name", ""), row.get("name", "")
        if not list_name:
            raise BadInput("xlsform.errors.choice_missing_list", sheet=sheet.name, row=number)
        if not name:
            raise BadInput(
                "xlsform.errors.choice_missing_name", sheet=sheet.name, row=number, list=list_name
            )
        if (list_name, name) in rows and not allow_duplicates:
            raise BadInput(
                "xlsform.errors.duplicate_choice",
                sheet=sheet.name,
                row=number,
                list=list_name,
                name=name,
                first_row=rows[(list_name, name)],
            )
        rows.setdefault((list_name, name), number)
        label = texts.of(row).get("label", {})
        extra = {
            h: t
            for h, t in row.items()
            if h not in _CHOICE_COLUMNS and texts.columns.get(h, ("",))[0] != "label"
        }
        lists.setdefault(list_name, []).append(Choice(name=name, label=label, extra=extra))
    return {name: tuple(choices) for name, choices in lists.items()}, rows


@dataclass
class _OpenGroup:
    question: Question
    children: list[Question]


class _SurveyParser:
    """Turns survey rows into nested questions, checking types, names and begin/end pairs."""

    def __init__(self, sheet: str, texts: _Texts) -> None:
        self.sheet = sheet
        self.texts = texts
        self.first_row_of: dict[str, int] = {}

    def parse(self, rows: Iterable[tuple[int, dict[str, str]]]) -> tuple[Question, ...]:
        top: list[Question] = []
        stack: list[_OpenGroup] = []
        for number, row in rows:
            kind = row.get("type", "")
            if not kind:
                raise BadInput("xlsform.errors.missing_type", sheet=self.sheet, row=number)
            end = _END.match(kind)
            if end:
                self._close(stack, top, end.group(1).lower(), kind, number)
                continue
            question = self._question(number, row, kind)
            if question.is_container:
                stack.append(_OpenGroup(question, []))
            else:
                (stack[-1].children if stack else top).append(question)
        if stack:
            group = stack[-1].question
            raise BadInput(
                "xlsform.errors.unclosed",
                sheet=self.sheet,
                row=group.row,
                kind=group.type,
                name=group.name,
            )
        if not top:
            raise BadInput("xlsform.errors.no_questions", sheet=self.sheet)
        return tuple(top)

    def _close(
        self, stack: list[_OpenGroup], top: list[Question], kind: str, written: str, number: int
    ) -> None:
        if not stack:
            raise BadInput(
                "xlsform.errors.unmatched_end", sheet=self.sheet, row=number, type=written
            )
        opened = stack[-1].question
        if opened.type != kind:
            raise BadInput(
                "xlsform.errors.end_mismatch",
                sheet=self.sheet,
                row=number,
                type=written,
                open=f"begin {opened.type}",
                name=opened.name,
                open_row=opened.row,
            )
        group = stack.pop()
        closed = replace(group.question, children=tuple(group.children))
        (stack[-1].children if stack else top).append(closed)

    def _question(self, number: int, row: dict[str, str], written_type: str) -> Question:
        kind, choice_list, or_other = self._type(number, written_type)
        name = row.get("name", "")
        if not name and kind == "note":
            name = f"generated_note_name_{number}"  # pyxform's name for a note left unnamed
        if not name:
            raise BadInput(
                "xlsform.errors.missing_name", sheet=self.sheet, row=number, type=written_type
            )
        if name in self.first_row_of:
            raise BadInput(
                "xlsform.errors.duplicate_name",
                sheet=self.sheet,
                row=number,
                name=name,
                first_row=self.first_row_of[name],
            )
        self.first_row_of[name] = number
        texts = self.texts.of(row)
        required = self._yes_no(number, row, "required", expression_allowed=True)
        known = _SURVEY_COLUMNS | set(self.texts.columns)
        return Question(
            name=name,
            type=kind,
            choice_list=choice_list,
            or_other=or_other,
            required=required is True,
            required_if=required if isinstance(required, str) else "",
            read_only=self._yes_no(number, row, "read_only") is True,
            extra={h: t for h, t in row.items() if h not in known},
            row=number,
            label=texts.get("label", {}),
            hint=texts.get("hint", {}),
            required_message=texts.get("required_message", {}),
            constraint_message=texts.get("constraint_message", {}),
            relevant=row.get("relevant", ""),
            constraint=row.get("constraint", ""),
            calculation=row.get("calculation", ""),
            choice_filter=row.get("choice_filter", ""),
            appearance=row.get("appearance", ""),
            default=row.get("default", ""),
        )

    def _type(self, number: int, written: str) -> tuple[str, str, bool]:
        """(type, choice list, or_other) of a `type` cell; BadInput when pyxform knows no such
        type."""
        text = " ".join(written.split())
        begin = _BEGIN.match(text)
        if begin:
            return (GROUP if begin.group(1).lower() == "group" else REPEAT), "", False
        select = _SELECT.match(text)
        if select:
            command = select.group("command").lower()
            command = _SELECT_NAMES.get(command, command)
            return command, select.group("list"), select.group("other") is not None
        plain = _PLAIN_TYPES.get(text.lower())
        if plain is None:
            raise BadInput(
                "xlsform.errors.unknown_type", sheet=self.sheet, row=number, type=written
            )
        return plain, "", False

    def _yes_no(
        self, number: int, row: dict[str, str], column: str, *, expression_allowed: bool = False
    ) -> bool | str:
        """True or False for a yes/no cell; the text itself for another value where an expression
        is allowed (`surveys/expressions.py` checks it), else BadInput."""
        value = row.get(column, "")
        if value.lower() in _YES:
            return True
        if not value or value.lower() in _NO:
            return False
        if expression_allowed:
            return value
        raise BadInput(
            "xlsform.errors.not_yes_no", sheet=self.sheet, row=number, column=column, value=value
        )


def _with_built_in_lists(form: Form, sheet: str) -> Form:
    """The form with `dvhc_tinh` / `dvhc_xa` filled in where a question uses them and the choices
    sheet does not define them; BadInput for any other list that is missing."""
    lists = dict(form.choice_lists)
    for _, question in form.walk():
        if not question.is_select or question.choice_list in lists:
            continue
        if question.choice_list in (PROVINCE_LIST, COMMUNE_LIST):
            lists[question.choice_list] = built_in_list(question.choice_list, form)
            continue
        raise BadInput(
            "xlsform.errors.list_missing",
            sheet=sheet,
            row=question.row,
            list=question.choice_list,
        )
    return replace(form, choice_lists=lists) if lists != form.choice_lists else form


def built_in_list(list_name: str, form: Form) -> tuple[Choice, ...]:
    """The platform's province or commune list (`dvhc_tinh`, `dvhc_xa`) as an import fills it,
    labelled in every language of the form; the editor compares drafts with it."""
    languages = form.languages or (form.default_language,)

    def label(name: str) -> dict[str, str]:
        return dict.fromkeys(languages, name)  # place names are the same in every language

    if list_name == PROVINCE_LIST:
        return tuple(Choice(name=p.code, label=label(p.name)) for p in admin_map.provinces())
    return tuple(
        Choice(name=c.code, label=label(c.name), extra={COMMUNE_PROVINCE_COLUMN: p.code})
        for p in admin_map.provinces()
        for c in p.communes
    )
