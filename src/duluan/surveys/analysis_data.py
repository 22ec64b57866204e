"""A survey's responses as a table for the estimation engine: one row per response, one column per
analysable question, with the choice labels kept beside it for display.

Which responses: every response that was not rejected — those approved by a reviewer and those
submitted but not yet reviewed — or, when `approved_only` is asked for, the approved ones only.
Rejected responses are never analysed.

Columns (named by question name, questions outside repeats only, every version of the
questionnaire; a question an older version asked and the current one dropped is kept):

- `select_one` and `calculate`: the value as text (a choice name), missing when unanswered;
- `select_multiple`: one 0/1 column per choice, `q__choice` (missing when the question was not
  answered at all, so a share is "of those who answered");
- `integer` and `decimal`: a float;
- the facts, prefixed with `_` so that no question name can clash with them: `_response_id`,
  `_channel`, `_version` (the questionnaire's version), `_received_day` (ISO date in Vietnam) and
  `_unit` (the id of the unit that collected it).

Free text, dates, locations and media are left out: they are not estimated. One query reads the
needed columns (never whole rows), so 10,000 responses take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd  # type: ignore[import-untyped]  # no stubs installed
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.ingest.dates import VIETNAM_TIME
from duluan.surveys.form import REPEAT, Form
from duluan.surveys.models import Response, Survey, SurveyVersion
from duluan.surveys.service import form_of, versions

CATEGORICAL_TYPES = frozenset({"select_one", "calculate"})
MULTIPLE_TYPE = "select_multiple"
NUMERIC_TYPES = frozenset({"integer", "decimal"})
ANALYSED_TYPES = CATEGORICAL_TYPES | NUMERIC_TYPES | {MULTIPLE_TYPE}
FACTS = ("_response_id", "_channel", "_version", "_received_day", "_unit")
MULTIPLE_SEPARATOR = "__"


@dataclass(frozen=True)
class Variable:
    """An analysable question: its label and its choices `(name, label)` in questionnaire order
    (empty for numbers and for calculations, whose values are whatever the formula gives)."""

    name: str
    label: str
    type: str
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def categorical(self) -> bool:
        return self.type in CATEGORICAL_TYPES

    @property
    def multiple(self) -> bool:
        return self.type == MULTIPLE_TYPE

    def column(self, choice: str) -> str:
        """The 0/1 column of one choice of a multiple-choice question."""
        return f"{self.name}{MULTIPLE_SEPARATOR}{choice}"

    def label_of(self, level: str) -> str:
        """The label of a choice, or the value itself where the questionnaire has no label."""
        return dict(self.choices).get(level, level)


@dataclass(frozen=True)
class AnalysisData:
    """The frame the engine reads and the questions it came from."""

    frame: pd.DataFrame
    variables: dict[str, Variable]
    approved_only: bool

    @property
    def size(self) -> int:
        return len(self.frame)


def variables_of(forms: Sequence[Form]) -> dict[str, Variable]:
    """The analysable questions of every version, newest version first (its labels win), in the
    newest questionnaire's order."""
    found: dict[str, Variable] = {}
    for form in forms:
        for path, question in form.walk():
            if question.type not in ANALYSED_TYPES or question.name in found:
                continue
            if any(_is_repeat(form, name) for name in path):
                continue
            choices: tuple[tuple[str, str], ...] = ()
            if question.is_select:
                listed = form.choices(question.choice_list)
                choices = tuple((c.name, form.text(c.label) or c.name) for c in listed)
            label = form.text(question.label) or question.name
            found[question.name] = Variable(question.name, label, question.type, choices)
    return found


def _is_repeat(form: Form, name: str) -> bool:
    question = form.find(name)
    return question is not None and question.type == REPEAT


def load(session: Session, survey: Survey, *, approved_only: bool = False) -> AnalysisData:
    """The survey's responses as an `AnalysisData` (see the module docstring)."""
    variables = variables_of([form_of(v) for v in versions(session, survey)])
    numbers = dict(
        session.execute(
            select(SurveyVersion.id, SurveyVersion.form_version).where(
                SurveyVersion.survey_id == survey.id
            )
        ).all()
    )
    statuses = ("approved",) if approved_only else ("approved", "submitted")
    rows = session.execute(
        select(
            Response.id,
            Response.answers,
            Response.channel,
            Response.version_id,
            Response.received_at,
            Response.unit_id,
        )
        .where(Response.survey_id == survey.id, Response.status.in_(statuses))
        .order_by(Response.id)
    ).all()
    given = [answers or {} for _, answers, *_ in rows]
    columns: dict[str, list[Any]] = {
        "_response_id": [row[0] for row in rows],
        "_channel": [row[2] for row in rows],
        "_version": [numbers.get(row[3], "") for row in rows],
        "_received_day": [row[4].astimezone(VIETNAM_TIME).date().isoformat() for row in rows],
        "_unit": [row[5] for row in rows],
    }
    for variable in variables.values():
        columns |= _columns(variable, [_text(answers.get(variable.name)) for answers in given])
    frame = pd.DataFrame(columns)
    for variable in variables.values():
        if variable.type in NUMERIC_TYPES or variable.multiple:
            for name in _names_of(variable):
                frame[name] = frame[name].astype(float)
    return AnalysisData(frame, variables, approved_only)


def _names_of(variable: Variable) -> list[str]:
    if variable.multiple:
        return [variable.column(choice) for choice, _ in variable.choices]
    return [variable.name]


def _text(raw: Any) -> str:
    """An answer as stored (XForm text), stripped; anything else (a repeat's list) is no answer."""
    return raw.strip() if isinstance(raw, str) else ""


def _columns(variable: Variable, values: list[str]) -> dict[str, list[Any]]:
    """The column(s) of one question, built a column at a time (10,000 rows in milliseconds)."""
    if variable.multiple:
        chosen = [set(value.split()) if value else None for value in values]
        return {
            variable.column(choice): [
                None if picked is None else float(choice in picked) for picked in chosen
            ]
            for choice, _ in variable.choices
        }
    if variable.type in NUMERIC_TYPES:
        return {variable.name: [_number(value) for value in values]}
    return {variable.name: [value or None for value in values]}


def _number(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
