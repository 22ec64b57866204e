"""The questionnaire schema: a form, its questions and choice lists, as plain frozen data.

A `Form` is what an XLSForm file describes (`surveys/xlsform.py` reads and writes it) and what a
questionnaire version stores as JSON (`Form.to_dict()` / `Form.from_dict()`), so the editor, the
web form, the OpenRosa endpoints and the exports all read one structure.

Expressions (`relevant`, `constraint`, `calculation`, `choice_filter`) stay the strings the author
wrote, in XLSForm syntax (`${age} >= 18`); `surveys/expressions.py` parses and evaluates them.
Texts shown to people (labels, hints, messages) are `{language: text}` dicts whose keys are the
language names of the XLSForm columns (`Tiếng Việt (vi)` from `label::Tiếng Việt (vi)`), or
`NO_LANGUAGE` for a column without one (`label`) in a form that names no default language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# pyxform's name for the language of columns written without `::language`.
NO_LANGUAGE = "default"

# Version of the JSON layout `Form.to_dict` writes; `from_dict` refuses any other.
FORMAT = 1

GROUP = "group"
REPEAT = "repeat"
CONTAINER_TYPES = frozenset({GROUP, REPEAT})
# Types whose `choice_list` names a list of the form's choices sheet (the `*_from_file` types
# name a file instead).
SELECT_TYPES = frozenset({"select_one", "select_multiple", "rank"})


@dataclass(frozen=True)
class Choice:
    """One answer option of a choice list. `extra` holds the other columns of the choices sheet as
    written (`tinh` for a `choice_filter` such as `tinh=${tinh}`, media columns)."""

    name: str
    label: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Choice:
        return cls(**_fields_from(cls, data))


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet: a question, a note, a calculation, or a group/repeat holding
    `children`. `type` is the XLSForm type without its list name (`select_one`, with the list in
    `choice_list`); `row` is the 1-based row of the survey sheet it came from (0 when it did not
    come from a sheet), kept so that error messages can name it. `extra` holds the survey-sheet
    columns this schema does not name (`parameters`, `media::image`, `repeat_count`, …) as written,
    so that nothing of an imported form is lost."""

    name: str
    type: str
    label: dict[str, str] = field(default_factory=dict)
    hint: dict[str, str] = field(default_factory=dict)
    required: bool = False
    # The `required` column may also hold an expression (`${consent} = 'yes'`): the question is
    # then required when it is true, and `required` stays False.
    required_if: str = ""
    required_message: dict[str, str] = field(default_factory=dict)
    relevant: str = ""
    constraint: str = ""
    constraint_message: dict[str, str] = field(default_factory=dict)
    calculation: str = ""
    choice_list: str = ""
    or_other: bool = False
    choice_filter: str = ""
    appearance: str = ""
    default: str = ""
    read_only: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    children: tuple[Question, ...] = ()
    row: int = 0

    @property
    def is_container(self) -> bool:
        """A group or a repeat: it holds questions instead of asking one."""
        return self.type in CONTAINER_TYPES

    @property
    def is_select(self) -> bool:
        """A question answered from a choice list of the form."""
        return self.type in SELECT_TYPES

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        values = _fields_from(cls, data)
        values["children"] = tuple(Question.from_dict(c) for c in values.get("children", ()))
        return cls(**values)


@dataclass(frozen=True)
class Form:
    """A questionnaire: settings, top-level questions (groups hold the rest) and choice lists."""

    form_id: str
    title: str
    version: str = ""
    default_language: str = NO_LANGUAGE
    languages: tuple[str, ...] = ()
    settings: dict[str, str] = field(default_factory=dict)
    questions: tuple[Question, ...] = ()
    choice_lists: dict[str, tuple[Choice, ...]] = field(default_factory=dict)

    def walk(self) -> Iterator[tuple[tuple[str, ...], Question]]:
        """Every question depth-first in sheet order, groups before their children, each with the
        names of the groups and repeats around it (`("household", "member")`)."""
        stack: list[tuple[tuple[str, ...], Iterator[Question]]] = [((), iter(self.questions))]
        while stack:
            path, remaining = stack[-1]
            question = next(remaining, None)
            if question is None:
                stack.pop()
                continue
            yield path, question
            if question.children:
                stack.append(((*path, question.name), iter(question.children)))

    def find(self, name: str) -> Question | None:
        """The question called `name` anywhere in the form (names are unique in a form)."""
        return self._by_name.get(name)

    def path_of(self, name: str) -> tuple[str, ...] | None:
        """The groups and repeats around the question called `name`, outermost first."""
        return self._paths.get(name)

    def text(self, texts: dict[str, str]) -> str:
        """A label, hint or message in the form's default language (else its first language)."""
        return texts.get(self.default_language) or next(iter(texts.values()), "")

    def choices(self, list_name: str) -> tuple[Choice, ...]:
        """The choices of a list, empty when the form has no such list."""
        return self.choice_lists.get(list_name, ())

    @cached_property
    def _by_name(self) -> dict[str, Question]:
        # cached_property writes the instance __dict__ directly, which a frozen dataclass allows.
        return {question.name: question for _, question in self.walk()}

    @cached_property
    def _paths(self) -> dict[str, tuple[str, ...]]:
        return {question.name: path for path, question in self.walk()}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data in field order; fields left at their default are omitted."""
        return {"format": FORMAT, **_to_dict(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Form:
        """The form `to_dict` wrote; raises ValueError for another layout."""
        if data.get("format") != FORMAT:
            raise ValueError(f"form layout {data.get('format')!r} is not {FORMAT}")
        values = _fields_from(cls, {k: v for k, v in data.items() if k != "format"})
        values["languages"] = tuple(values.get("languages", ()))
        values["questions"] = tuple(Question.from_dict(q) for q in values.get("questions", ()))
        values["choice_lists"] = {
            name: tuple(Choice.from_dict(c) for c in choices)
            for name, choices in values.get("choice_lists", {}).items()
        }
        return cls(**values)


def _to_dict(item: Choice | Question | Form) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in dataclasses.fields(item):
        value = getattr(item, spec.name)
        if value == _default_of(spec):
            continue
        out[spec.name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Choice | Question):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _default_of(spec: dataclasses.Field[Any]) -> Any:
    if spec.default is not dataclasses.MISSING:
        return spec.default
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return dataclasses.MISSING


def _fields_from(cls: type[Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of `data` checked against the fields of `cls`, so that a misspelt or unknown key
    in stored JSON is an error instead of a silently dropped value."""
    known = {spec.name for spec in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown {cls.__name__} keys: {', '.join(unknown)}")
    return dict(data)
