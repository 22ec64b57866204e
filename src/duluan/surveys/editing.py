"""Editing a questionnaire: pure operations on a `Form`, each returning a new `Form`.

The questionnaire editor keeps a draft `Form` and applies these one at a time; nothing here
touches the database, so a broken draft never becomes a version. Each operation refuses bad input
with `BadInput` (keys under `[editor.errors]`) naming the question or choice at fault, and leaves
the draft it was given unchanged (forms are frozen). `check(form)` lists what would stop a save:
expressions that do not parse and `${names}` that no question has.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from duluan.errors import BadInput
from duluan.surveys import expressions
from duluan.surveys.form import GROUP, Choice, Form, Question

# The question types the editor offers; an imported form may hold others, which it keeps as is.
EDITABLE_TYPES = (
    "text", "integer", "decimal", "select_one", "select_multiple", "date", "geopoint", "note",
    "calculate", GROUP,
)  # fmt: skip
# Lists the platform provides (province -> commune cascade); the editor shows them read-only.
BUILT_IN_LISTS = frozenset({"dvhc_tinh", "dvhc_xa"})
# An XML name as XLSForm accepts it: a letter or underscore, then letters, digits, `_`, `-`, `.`.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
# Fields `edit_question` may change, and the expression fields `check` parses.
EDITABLE_FIELDS = frozenset({
    "name", "label", "hint", "required", "required_if", "relevant", "constraint",
    "constraint_message", "calculation", "choice_list", "choice_filter", "appearance",
})  # fmt: skip
EXPRESSION_FIELDS = ("relevant", "constraint", "calculation", "choice_filter", "required_if")


@dataclass(frozen=True)
class Problem:
    """One reason a draft cannot be saved, attached to the question (`name`) and field at fault."""

    name: str
    field: str
    key: str
    params: dict[str, object]


# --- questions ---------------------------------------------------------------------------------


def add_question(
    form: Form, type_: str, name: str, *, label: dict[str, str] | None = None,
    parent: str | None = None, choice_list: str = "",
) -> Form:  # fmt: skip
    """`form` with a new question appended to the top level or to the group `parent`."""
    if type_ not in EDITABLE_TYPES:
        raise BadInput("editor.errors.unknown_type", type=type_)
    _check_name(form, name)
    if type_ in ("select_one", "select_multiple") and not choice_list:
        raise BadInput("editor.errors.no_choice_list", name=name)
    question = Question(
        name=name, type=type_, label=dict(label or {}), choice_list=choice_list,
    )  # fmt: skip
    if parent is None:
        return dataclasses.replace(form, questions=(*form.questions, question))
    _group(form, parent)
    return _map_children(form, parent, lambda children: (*children, question))


def edit_question(form: Form, name: str, /, **changes: Any) -> Form:
    """`form` with fields of the question `name` changed; a new name must be valid and unused,
    and a rename is refused while expressions still read the old name."""
    question = _question(form, name)
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise BadInput("editor.errors.unknown_field", field=", ".join(unknown))
    new_name = changes.get("name", name)
    if new_name != name:
        _check_name(form, new_name)
        _refuse_if_referenced(form, name, "editor.errors.rename_referenced")
    for field_name in EXPRESSION_FIELDS:
        text = changes.get(field_name, "")
        if text:
            _parse(name, field_name, text)
    changed = dataclasses.replace(question, **changes)
    return _replace(form, name, lambda _: (changed,))


def delete_question(form: Form, name: str) -> Form:
    """`form` without the question `name` (and, for a group, its children); refused while another
    question's expression reads it, naming those questions."""
    question = _question(form, name)
    gone = {name} | {q.name for _, q in _subtree(question)}
    _refuse_if_referenced(form, name, "editor.errors.delete_referenced", ignore=gone, names=gone)
    return _replace(form, name, lambda _: ())


def move_question(form: Form, name: str, direction: Literal["up", "down"]) -> Form:
    """`form` with the question `name` swapped with its neighbour inside the same group."""
    _question(form, name)
    path = form.path_of(name) or ()

    def swap(children: tuple[Question, ...]) -> tuple[Question, ...]:
        index = next(i for i, q in enumerate(children) if q.name == name)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(children):
            raise BadInput("editor.errors.cannot_move", name=name)
        items = list(children)
        items[index], items[other] = items[other], items[index]
        return tuple(items)

    if not path:
        return dataclasses.replace(form, questions=swap(form.questions))
    return _map_children(form, path[-1], swap)


def move_to_group(form: Form, name: str, group: str | None) -> Form:
    """`form` with the question `name` moved to the end of `group` (None: the top level)."""
    question = _question(form, name)
    if group is not None:
        _group(form, group)
        if group == name or group in {q.name for _, q in _subtree(question)}:
            raise BadInput("editor.errors.group_into_itself", name=name)
    without = _replace(form, name, lambda _: ())
    if group is None:
        return dataclasses.replace(without, questions=(*without.questions, question))
    return _map_children(without, group, lambda children: (*children, question))


# --- choice lists ------------------------------------------------------------------------------


def add_choice(form: Form, list_name: str, name: str, label: dict[str, str]) -> Form:
    """`form` with a choice appended to `list_name` (the list is created when new)."""
    _editable_list(list_name)
    if not _NAME.match(name):
        raise BadInput("editor.errors.bad_choice_name", name=name)
    choices = form.choices(list_name)
    if any(c.name == name for c in choices):
        raise BadInput("editor.errors.duplicate_choice", name=name, list=list_name)
    return _with_list(form, list_name, (*choices, Choice(name=name, label=dict(label))))


def edit_choice(
    form: Form, list_name: str, name: str, *, new_name: str | None = None,
    label: dict[str, str] | None = None,
) -> Form:  # fmt: skip
    """`form` with a choice renamed and/or relabelled."""
    choices = list(_choices(form, list_name))
    index = _choice_index(choices, list_name, name)
    choice = choices[index]
    if new_name is not None and new_name != name:
        if not _NAME.match(new_name):
            raise BadInput("editor.errors.bad_choice_name", name=new_name)
        if any(c.name == new_name for c in choices):
            raise BadInput("editor.errors.duplicate_choice", name=new_name, list=list_name)
        choice = dataclasses.replace(choice, name=new_name)
    if label is not None:
        choice = dataclasses.replace(choice, label=dict(label))
    choices[index] = choice
    return _with_list(form, list_name, tuple(choices))


def move_choice(form: Form, list_name: str, name: str, direction: Literal["up", "down"]) -> Form:
    """`form` with a choice swapped with its neighbour."""
    choices = list(_choices(form, list_name))
    index = _choice_index(choices, list_name, name)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(choices):
        raise BadInput("editor.errors.cannot_move", name=name)
    choices[index], choices[other] = choices[other], choices[index]
    return _with_list(form, list_name, tuple(choices))


def delete_choice(form: Form, list_name: str, name: str) -> Form:
    """`form` without a choice; the last choice of a list a question uses cannot go."""
    choices = list(_choices(form, list_name))
    index = _choice_index(choices, list_name, name)
    del choices[index]
    users = sorted(q.name for _, q in form.walk() if q.choice_list == list_name)
    if not choices and users:
        raise BadInput("editor.errors.list_emptied", list=list_name, names=", ".join(users))
    return _with_list(form, list_name, tuple(choices))


# --- checking ----------------------------------------------------------------------------------


def check(form: Form) -> list[Problem]:
    """Everything that stops `form` from being saved, in sheet order: expressions that do not
    parse, `${names}` no question has, select questions whose list is missing or empty."""
    known = {q.name for _, q in form.walk()}
    problems: list[Problem] = []
    for _, question in form.walk():
        for field_name in EXPRESSION_FIELDS:
            text = getattr(question, field_name)
            if not text:
                continue
            try:
                tree = expressions.parse(text, choice_filter=field_name == "choice_filter")
            except BadInput as error:
                problems.append(Problem(question.name, field_name, error.key, error.params))
                continue
            for missing in sorted(expressions.references(tree) - known):
                problems.append(
                    Problem(question.name, field_name, "editor.errors.unknown_name",
                            {"name": missing, "question": question.name})
                )  # fmt: skip
        own_list = question.is_select and question.choice_list not in BUILT_IN_LISTS
        if own_list and not form.choices(question.choice_list):
            problems.append(
                Problem(question.name, "choice_list", "editor.errors.empty_list",
                        {"list": question.choice_list, "question": question.name})
            )  # fmt: skip
    return problems


def valid_name(name: str) -> bool:
    """Whether `name` is an XML name XLSForm accepts (questions, lists, a new form's id)."""
    return bool(_NAME.match(name))


# --- helpers -----------------------------------------------------------------------------------


def _check_name(form: Form, name: str) -> None:
    if not _NAME.match(name):
        raise BadInput("editor.errors.bad_name", name=name)
    if form.find(name) is not None:
        raise BadInput("editor.errors.duplicate_name", name=name)


def _question(form: Form, name: str) -> Question:
    question = form.find(name)
    if question is None:
        raise BadInput("editor.errors.no_question", name=name)
    return question


def _group(form: Form, name: str) -> Question:
    question = _question(form, name)
    if question.type != GROUP:
        raise BadInput("editor.errors.not_a_group", name=name)
    return question


def _parse(name: str, field_name: str, text: str) -> None:
    expressions.parse(text, choice_filter=field_name == "choice_filter")


def _subtree(question: Question) -> list[tuple[tuple[str, ...], Question]]:
    return list(Form(form_id="_", title="_", questions=question.children).walk())


def _readers(form: Form, name: str, ignore: set[str]) -> list[str]:
    """The questions outside `ignore` whose expressions read `${name}`."""
    readers = []
    for _, question in form.walk():
        if question.name in ignore:
            continue
        for field_name in EXPRESSION_FIELDS:
            text = getattr(question, field_name)
            if not text:
                continue
            try:
                tree = expressions.parse(text, choice_filter=field_name == "choice_filter")
            except BadInput:
                continue  # a broken expression is `check`'s to report
            if name in expressions.references(tree):
                readers.append(question.name)
                break
    return readers


def _refuse_if_referenced(
    form: Form, name: str, key: str, *, ignore: set[str] | None = None,
    names: set[str] | None = None,
) -> None:  # fmt: skip
    readers: set[str] = set()
    for target in names or {name}:
        readers.update(_readers(form, target, ignore or {name}))
    if readers:
        raise BadInput(key, name=name, readers=", ".join(sorted(readers)))


def _replace(form: Form, name: str, change: Callable[[Question], tuple[Question, ...]]) -> Form:
    """`form` with the question `name` replaced by what `change` returns (none: deleted)."""

    def walk(items: tuple[Question, ...]) -> tuple[Question, ...]:
        out: list[Question] = []
        for item in items:
            if item.name == name:
                out.extend(change(item))
            elif item.children:
                out.append(dataclasses.replace(item, children=walk(item.children)))
            else:
                out.append(item)
        return tuple(out)

    return dataclasses.replace(form, questions=walk(form.questions))


def _map_children(
    form: Form, group: str,
    change: Callable[[tuple[Question, ...]], tuple[Question, ...]],
) -> Form:  # fmt: skip
    return _replace(form, group, lambda q: (dataclasses.replace(q, children=change(q.children)),))


def _editable_list(list_name: str) -> None:
    if list_name in BUILT_IN_LISTS:
        raise BadInput("editor.errors.built_in_list", list=list_name)
    if not _NAME.match(list_name):
        raise BadInput("editor.errors.bad_list_name", list=list_name)


def _choices(form: Form, list_name: str) -> tuple[Choice, ...]:
    _editable_list(list_name)
    if list_name not in form.choice_lists:
        raise BadInput("editor.errors.no_list", list=list_name)
    return form.choice_lists[list_name]


def _choice_index(choices: list[Choice], list_name: str, name: str) -> int:
    for index, choice in enumerate(choices):
        if choice.name == name:
            return index
    raise BadInput("editor.errors.no_choice", name=name, list=list_name)


def _with_list(form: Form, list_name: str, choices: tuple[Choice, ...]) -> Form:
    return dataclasses.replace(form, choice_lists={**form.choice_lists, list_name: choices})
