"""What the respondent's web form shows of a questionnaire: the tree of widgets the template
renders, and the JSON the page's script reads (expressions parsed here, once, into the trees of
`surveys/expressions.py`, so the browser never parses an expression).

Long choice lists (more than LONG_LIST choices) become a `<select>`; a list narrowed by a
`choice_filter` (the commune after the province) travels once in the JSON and the script fills
the `<select>` with the choices that pass, so 3,321 communes are never all in the page's HTML.
Types a browser cannot ask (photos, barcodes) are shown as a note saying so; the form's metadata
types (`start`, `end`, `deviceid`, …) are not asked at all, and device ids are never collected.

A `${name}` in a label or hint is drawn as an empty `<span data-ref="name">` that the script
fills with the current answer (as text, never as markup); `select_… or_other` gets the text
question pyxform adds (`{name}_other`, `answers.other_question`) right after it; a `default`
that is an expression (`today()`) travels as a tree, for the script to compute on a new
questionnaire.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.surveys import expressions
from duluan.surveys.answers import other_question
from duluan.surveys.form import GROUP, REPEAT, Choice, Form, Question

LONG_LIST = 12
# Types the form asks about the device or the session rather than the respondent: not shown,
# not answered (a web respondent is anonymous; deviceid and the like are never collected).
METADATA_TYPES = frozenset(
    {
        "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
        "username", "email", "audit", "start-geopoint", "background-audio", "background-geopoint",
        "hidden", "xml-external", "csv-external",
    }
)  # fmt: skip
WIDGETS = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "geopoint": "geopoint",
    "note": "note",
    "calculate": "calculate",
    "select_multiple": "checkboxes",
    GROUP: "group",
    REPEAT: "repeat",
}
# The script's messages: one catalogue section, sent with the form in the reader's language.
SCRIPT_MESSAGES = (
    "required", "constraint", "not_integer", "not_number", "not_geopoint", "choose",
    "progress", "sending", "outbox_waiting", "outbox_sent",
    "closed_kept", "rejected", "problems", "server_error", "locating", "location_failed",
    "location_unsupported", "instance", "no_storage",
)  # fmt: skip

Tree = list[Any]
EMPTY = Markup("")
# `${name}` inside a label, hint or message (the names pyxform accepts).
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")


@dataclass(frozen=True)
class Widget:
    """One question as the template draws it."""

    question: Question
    kind: str  # a template macro: text, textarea, integer, radios, list, checkboxes, …
    label: Markup  # escaped text, with an empty placeholder for each `${name}`
    hint: Markup = EMPTY
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (name, label), unless the script fills them
    children: tuple[Widget, ...] = ()
    follows: str = ""  # the select question an `or_other` text question belongs to

    @property
    def default(self) -> str:
        """The `default` column when it is a plain value; an expression (a dynamic default,
        `today()`) is left to ODK Collect."""
        value = self.question.default
        return "" if "${" in value or "(" in value else value

    @property
    def defaults(self) -> frozenset[str]:
        return frozenset(self.default.split())

    @property
    def name(self) -> str:
        return self.question.name


@dataclass(frozen=True)
class FormView:
    widgets: tuple[Widget, ...]
    spec: dict[str, Any] = field(default_factory=dict)
    language: str = ""  # the form language its texts are in
    languages: tuple[str, ...] = ()  # those the respondent may switch to (empty: just one)


def form_view(form: Form, locale: str, language: str = "") -> FormView:
    """The widgets and the script's JSON for `form`, its texts in `language` when the form has
    it (its default language otherwise); the script's own messages in the reader's `locale`."""
    if language not in form.languages:
        language = form.default_language
    builder = _Builder(form, locale, language)
    widgets = builder.widgets(form.questions)
    spec = {
        "questions": builder.questions,
        "groups": builder.groups,
        "lists": builder.lists,
        "messages": {
            key: translate(f"survey_form.script.{key}", locale) for key in SCRIPT_MESSAGES
        },
    }
    languages = form.languages if len(form.languages) > 1 else ()
    return FormView(widgets=widgets, spec=spec, language=language, languages=languages)


class _Builder:
    def __init__(self, form: Form, locale: str, language: str) -> None:
        self.form = form
        self.locale = locale
        self.language = language
        self.questions: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.lists: dict[str, dict[str, Any]] = {}

    def text(self, texts: dict[str, str]) -> str:
        """A label, hint or message in the chosen language, else the form's default one."""
        return texts.get(self.language) or self.form.text(texts)

    def widgets(self, questions: tuple[Question, ...]) -> tuple[Widget, ...]:
        found: list[Widget] = []
        for question in questions:
            if question.type in METADATA_TYPES or not question.name:
                continue
            found.append(self.widget(question))
            if question.or_other and self.form.find(f"{question.name}_other") is None:
                found.append(self.other_widget(question))
        return tuple(found)

    def other_widget(self, question: Question) -> Widget:
        """The "other, please say" text box of a `select_… or_other` question, asked when
        "other" is chosen; the server checks it as `answers.other_question`."""
        other = other_question(question)
        self.questions[other.name] = self.rules(other, "text")
        label = escape(translate("survey_form.more.other_specify", self.locale))
        return Widget(question=other, kind="text", label=label, follows=question.name)

    def widget(self, question: Question) -> Widget:
        kind = self.kind(question)
        choices: tuple[tuple[str, str], ...] = ()
        if question.is_select and not question.choice_filter:
            choices = tuple((c.name, self.text(c.label) or c.name) for c in self.choices(question))
        if question.is_container:
            self.groups[question.name] = {
                "repeat": question.type == REPEAT,
                "relevant": _tree(question.relevant),
            }
        else:
            self.questions[question.name] = self.rules(question, kind)
        return Widget(
            question=question,
            kind=kind,
            label=live_text(self.text(question.label)),
            hint=live_text(self.text(question.hint)),
            required=question.required,
            choices=choices,
            children=self.widgets(question.children),
        )

    def choices(self, question: Question) -> list[Choice]:
        found = list(self.form.choices(question.choice_list))
        if question.or_other and all(c.name != "other" for c in found):
            other = translate("survey_form.other", self.locale)
            found.append(Choice(name="other", label={self.form.default_language: other}))
        return found

    def kind(self, question: Question) -> str:
        if question.type == "text" and "multiline" in question.appearance:
            return "textarea"
        if question.type == "select_one":
            many = question.choice_filter or len(self.choices(question)) > LONG_LIST
            return "list" if many else "radios"
        return WIDGETS.get(question.type, "unsupported")

    def rules(self, question: Question, kind: str) -> dict[str, Any]:
        """What the script needs to check and compute one question, trees instead of text."""
        rules: dict[str, Any] = {"type": question.type, "widget": kind}
        trees = {
            "relevant": _tree(question.relevant),
            "constraint": _tree(question.constraint),
            "required_if": _tree(question.required_if),
            "calculation": _tree(question.calculation),
            "choice_filter": _tree(question.choice_filter, choice_filter=True),
        }
        rules.update({key: tree for key, tree in trees.items() if tree is not None})
        if question.required:
            rules["required"] = True
        if question.constraint_message:
            rules["constraint_message"] = self.text(question.constraint_message)
        if question.required_message:
            rules["required_message"] = self.text(question.required_message)
        if question.read_only:
            rules["read_only"] = True
        if dynamic := _dynamic_default(question.default):
            rules["default"] = dynamic
        if question.choice_filter and question.is_select:
            rules["list"] = question.choice_list
            if question.choice_list not in self.lists:
                self.lists[question.choice_list] = self.choice_table(question)
        return rules

    def choice_table(self, question: Question) -> dict[str, Any]:
        """A choice list as compact rows, `[name, label, column values…]`: the 3,321 communes
        weigh on a phone's connection, so the column names are written once."""
        choices = self.choices(question)
        columns = sorted({column for choice in choices for column in choice.extra})
        rows = [
            [c.name, self.text(c.label) or c.name, *(c.extra.get(k, "") for k in columns)]
            for c in choices
        ]
        return {"columns": columns, "rows": rows}


def live_text(text: str) -> Markup:
    """`text` escaped, each `${name}` in it an empty `<span data-ref="name">` for the script
    to fill with the answer to `name` (through textContent: an answer is never markup)."""
    parts: list[str] = []
    end = 0
    for found in REFERENCE.finditer(text):
        parts.append(escape(text[end : found.start()]))
        parts.append(Markup('<span class="sq-ref" data-ref="{}"></span>').format(found.group(1)))
        end = found.end()
    parts.append(escape(text[end:]))
    return Markup("").join(parts)


def _dynamic_default(source: str) -> Tree | None:
    """The tree of a `default` that is an expression (`today()`, `now()`, `${other} + 1`);
    None for a plain value, and for an expression the evaluators do not support (`once()`):
    the question then starts empty, as it did before, rather than the page failing."""
    if "${" not in source and "(" not in source:
        return None
    try:
        return _tree(source)
    except BadInput:
        return None


def _tree(source: str, *, choice_filter: bool = False) -> Tree | None:
    return expressions.parse(source, choice_filter=choice_filter) if source.strip() else None
