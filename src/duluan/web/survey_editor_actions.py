"""The questionnaire editor's actions: the draft `Form` the page carries as JSON in a hidden field,
and one editing operation (`surveys/editing.py`) applied to it from the fields of a posted page.

The editor keeps no state on the server: every post brings the whole draft back, names one
action in the `op` field (`edit/tuoi`, `choice-add/muc_do`, …) and carries only the fields of the
question that is open for editing, so a plain form post stays small whatever the size of the form.
Field names are `/`-separated paths (`q/tuoi/relevant`, `c/muc_do/co/label/0`); `/` cannot occur
in a question, list or choice name, so the parts never run into each other.

The built-in administrative lists (`dvhc_tinh`, 34 provinces; `dvhc_xa`, 3,321 communes) are left
out of the draft while they equal the platform's lists, and filled in again before a save: they
are most of the bytes of a form that uses them, and the editor shows them read-only anyway.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from duluan.errors import BadInput, PayloadTooLarge
from duluan.surveys import editing
from duluan.surveys.form import Choice, Form, Question
from duluan.surveys.xlsform_parse import built_in_list

MAX_DRAFT_BYTES = 4 * 1024 * 1024  # a draft of ~7,000 questions and choices takes about 1.5 MB
# The draft travels in several hidden `draft` fields of at most this many characters: Starlette
# refuses a form field above 1 MB (as sent, percent-encoded: up to 9 bytes a Vietnamese letter)
# before any route runs, with a message in English.
TOP = "."  # "the top level" where a group name is expected; no question can be named "."
NEW = "+"  # the new-choice row of a list; no choice can be named "+"
# Languages of a blank questionnaire: Vietnamese first (the default), English second.
BLANK_LANGUAGES = ("Tiếng Việt (vi)", "English (en)")
SELECT_TYPES = ("select_one", "select_multiple")


@dataclass(frozen=True)
class Applied:
    """The draft after an action, and the question whose edit form is open ("" for none)."""

    form: Form
    open: str
    notice: str = ""  # key under [editor] of what was done, shown above the questions


def blank_form() -> Form:
    """The draft of a new questionnaire: no questions, Vietnamese and English labels."""
    return Form(
        form_id="", title="", default_language=BLANK_LANGUAGES[0], languages=BLANK_LANGUAGES
    )


def draft_of(form: Form) -> Form:
    """A stored version's form as a draft: its `version` cleared, so that saving numbers the new
    version instead of repeating one an earlier version used."""
    return dataclasses.replace(form, version="")


def numbered(form: Form, *, number: int, used: set[str]) -> Form:
    """The form with the version it is saved as: its number ("3"), or "3.2", "3.3", … when an
    earlier version, imported with a `version` of its own, already took that name (ODK Collect
    tells versions apart by it)."""
    version, suffix = str(number), 2
    while version in used:
        version, suffix = f"{number}.{suffix}", suffix + 1
    return dataclasses.replace(form, version=version)


def write_draft(form: Form) -> str:
    """The draft as compact JSON, without the built-in lists while they are the platform's."""
    lists = {
        name: choices
        for name, choices in form.choice_lists.items()
        if not (name in editing.BUILT_IN_LISTS and choices == built_in_list(name, form))
    }
    data = dataclasses.replace(form, choice_lists=lists).to_dict()
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def read_draft(text: str) -> Form:
    """The draft a page sent back; BadInput (400) when it is not a questionnaire, PayloadTooLarge
    (413) above MAX_DRAFT_BYTES."""
    size = len(text.encode())
    if size > MAX_DRAFT_BYTES:
        raise PayloadTooLarge(
            "editor.draft_too_large",
            size_mb=f"{size / 2**20:.1f}",
            limit_mb=MAX_DRAFT_BYTES // 2**20,
        )
    try:
        data = json.loads(text)
        form = Form.from_dict(data)
        _check_shape(form)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise BadInput("editor.bad_draft", detail=str(error)[:200]) from error
    return form


def with_built_in_lists(form: Form) -> Form:
    """The draft with the built-in lists its questions use filled in again (before a save)."""
    lists = dict(form.choice_lists)
    for _, question in form.walk():
        name = question.choice_list
        if name in editing.BUILT_IN_LISTS and name not in lists:
            lists[name] = built_in_list(name, form)
    return dataclasses.replace(form, choice_lists=lists)


def languages_of(form: Form) -> tuple[str, ...]:
    """The languages labels are written in, the default one first."""
    found = form.languages or (form.default_language,)
    first = form.default_language if form.default_language in found else found[0]
    return (first, *[language for language in found if language != first])


def with_settings(form: Form, fields: Mapping[str, str], *, new: bool) -> Form:
    """The draft with the questionnaire title (and, for a new survey, the form id) as typed."""
    changes: dict[str, Any] = {}
    if "form/title" in fields:
        changes["title"] = fields["form/title"].strip()
    if new and "form/form_id" in fields:
        changes["form_id"] = fields["form/form_id"].strip()
    return dataclasses.replace(form, **changes) if changes else form


def anchor_of(op: str) -> str:
    """Where a refusal of `op` is shown: the question (`tuoi`), the list (`list:muc_do`) or the
    add-question form (`+parent`)."""
    kind, _, target = op.partition("/")
    if kind.startswith("choice-"):
        return "list:" + target.partition("/")[0]
    if kind == "add":
        return "+" + target
    return target


def apply_pending(
    form: Form, op: str, fields: Mapping[str, str], open_name: str
) -> tuple[Form, str]:
    """`form` with what was typed into the open question's edit form, before the action `op`:
    a person who edits a label and then adds a choice or saves expects the label kept. Not for
    the actions that deal with that question's form themselves (update, close, delete)."""
    kind, _, target = op.partition("/")
    own = kind in ("edit", "close") or (kind == "delete" and target == open_name)
    if own or not open_name or f"q/{open_name}/name" not in fields:
        return form, open_name
    changes = _changes(form, open_name, fields)
    return editing.edit_question(form, open_name, **changes), changes.get("name", open_name)


def apply(form: Form, op: str, fields: Mapping[str, str], open_name: str) -> Applied:
    """`form` after the action `op`; BadInput (from `surveys/editing.py`) when it is refused."""
    kind, _, target = op.partition("/")
    if kind in ("", "refresh"):
        return Applied(form, open_name)
    if kind == "open":
        return Applied(form, target)
    if kind == "close":
        return Applied(form, "")
    if kind == "add":
        return _add(form, target, fields)
    if kind == "edit":
        changed = editing.edit_question(form, target, **_changes(form, target, fields))
        return Applied(changed, "", "edited")
    if kind in ("up", "down"):
        return Applied(editing.move_question(form, target, _direction(kind)), open_name)
    if kind == "delete":
        remaining = editing.delete_question(form, target)
        return Applied(remaining, "" if remaining.find(open_name) is None else open_name, "deleted")
    if kind == "regroup":
        group = fields.get(f"q/{target}/group", TOP)
        moved = editing.move_to_group(form, target, None if group == TOP else group)
        return Applied(moved, open_name)
    if kind.startswith("choice-"):
        return Applied(_choice_action(form, kind, target, fields), open_name)
    raise BadInput("editor.unknown_action", action=op[:100])


def focus_of(op: str, applied: Applied) -> str:
    """The field the cursor goes to after `op`: the new choice's code after a choice action (to
    type the next one), the name of a question just opened or added."""
    kind, _, target = op.partition("/")
    if kind.startswith("choice-"):
        return f"c/{target.partition('/')[0]}/{NEW}/name"
    if kind in ("open", "add") and applied.open:
        return f"q/{applied.open}/name"
    return ""


def _direction(kind: str) -> Literal["up", "down"]:
    return "up" if kind == "up" else "down"


def _add(form: Form, parent: str, fields: Mapping[str, str]) -> Applied:
    prefix = f"new/{parent}/"
    type_ = fields.get(prefix + "type", "text")
    name = fields.get(prefix + "name", "").strip()
    label = fields.get(prefix + "label", "").strip()
    choice_list = fields.get(prefix + "list", "").strip() if type_ in SELECT_TYPES else ""
    added = editing.add_question(
        form,
        type_,
        name,
        label={languages_of(form)[0]: label} if label else {},
        parent=None if parent == TOP else parent,
        choice_list=choice_list,
    )
    return Applied(added, name, "added")


def _changes(form: Form, name: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """The fields of the question `name` as its edit form sent them. Texts in other languages
    than those shown are kept; an emptied text is removed."""
    question = form.find(name)
    if question is None:
        raise BadInput("editor.errors.no_question", name=name)
    prefix = f"q/{name}/"
    languages = languages_of(form)
    changes: dict[str, Any] = {}
    if prefix + "name" in fields:
        changes["name"] = fields[prefix + "name"].strip()
    label = dict(question.label)
    for index, language in enumerate(languages):
        if f"{prefix}label/{index}" in fields:
            _set_text(label, language, fields[f"{prefix}label/{index}"])
    changes["label"] = label
    for field_name in ("hint", "constraint_message"):
        if prefix + field_name in fields:
            texts = dict(getattr(question, field_name))
            _set_text(texts, languages[0], fields[prefix + field_name])
            changes[field_name] = texts
    if prefix + "required_shown" in fields:
        changes["required"] = prefix + "required" in fields
    for field_name in (
        "required_if", "relevant", "constraint", "calculation", "choice_filter", "appearance",
    ):  # fmt: skip
        if prefix + field_name in fields:
            changes[field_name] = fields[prefix + field_name].strip()
    if question.is_select and fields.get(prefix + "choice_list", "").strip():
        changes["choice_list"] = fields[prefix + "choice_list"].strip()
    return changes


def _set_text(texts: dict[str, str], language: str, value: str) -> None:
    value = value.strip()
    if value:
        texts[language] = value
    else:
        texts.pop(language, None)


def _choice_action(form: Form, kind: str, target: str, fields: Mapping[str, str]) -> Form:
    list_name, _, choice = target.partition("/")
    if kind == "choice-add":
        prefix = f"c/{list_name}/{NEW}/"
        name = fields.get(prefix + "name", "").strip()
        return editing.add_choice(form, list_name, name, _choice_labels(form, prefix, fields, {}))
    if kind == "choice-edit":
        prefix = f"c/{list_name}/{choice}/"
        old = next((c for c in form.choices(list_name) if c.name == choice), Choice(name=choice))
        return editing.edit_choice(
            form,
            list_name,
            choice,
            new_name=fields.get(prefix + "name", choice).strip(),
            label=_choice_labels(form, prefix, fields, old.label),
        )
    if kind in ("choice-up", "choice-down"):
        direction = _direction(kind.removeprefix("choice-"))
        return editing.move_choice(form, list_name, choice, direction)
    if kind == "choice-delete":
        return editing.delete_choice(form, list_name, choice)
    raise BadInput("editor.unknown_action", action=f"{kind}/{target}"[:100])


def _choice_labels(
    form: Form, prefix: str, fields: Mapping[str, str], labels: dict[str, str]
) -> dict[str, str]:
    texts = dict(labels)
    for index, language in enumerate(languages_of(form)):
        if f"{prefix}label/{index}" in fields:
            _set_text(texts, language, fields[f"{prefix}label/{index}"])
    return texts


def _check_shape(form: Form) -> None:
    """TypeError unless the draft's values have the types the editor relies on (a hand-edited or
    truncated draft would otherwise fail later, while the page is drawn)."""
    texts = ("label", "hint", "required_message", "constraint_message")
    strings = ("name", "type", "relevant", "constraint", "calculation", "choice_list")
    if not isinstance(form.form_id, str) or not isinstance(form.title, str):
        raise TypeError("form_id and title must be text")
    for _, question in form.walk():
        if not isinstance(question, Question):
            raise TypeError("questions must be objects")
        for field_name in strings:
            if not isinstance(getattr(question, field_name), str):
                raise TypeError(f"{field_name} of a question must be text")
        for field_name in texts:
            _check_texts(getattr(question, field_name))
    for choices in form.choice_lists.values():
        for choice in choices:
            if not isinstance(choice.name, str):
                raise TypeError("a choice name must be text")
            _check_texts(choice.label)


def _check_texts(texts: object) -> None:
    if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
        raise TypeError("labels must map languages to text")
