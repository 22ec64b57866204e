"""The rows of an export, read in batches: the variables a survey's versions define (its
`Layout`) and its responses turned into rows of text, a few thousand at a time.

Batches are read by keyset pagination on the response id (`id > last seen`, at most up to the
highest id there was when the export began), selecting only the columns an export writes, so
memory stays flat however many responses there are, and a caller owning the session can end the
read transaction between batches. The answers' JSON, the only large column, is read as text and
decoded one response at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import repeat
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from duluan.ingest.dates import VIETNAM_TIME
from duluan.surveys.answers import walk_with_other
from duluan.surveys.form import Form, Question
from duluan.surveys.models import Response, Survey, SurveyVersion
from duluan.surveys.service import form_of, versions
from duluan.surveys.xlsform import COMMUNE_LIST

BATCH_SIZE = 2_000  # responses per read: ~20 MB of decoded answers for a 500-question form
FACTS = ("instance_id", "received_at", "channel", "version", "status")
FACT_LABELS = {
    "instance_id": "Mã phiếu",
    "received_at": "Thời điểm nhận (giờ Việt Nam)",
    "channel": "Kênh thu thập",
    "version": "Phiên bản bảng hỏi",
    "status": "Trạng thái duyệt",
}
SKIPPED_TYPES = frozenset({"note", "group"})
_BLANKS = repeat("")  # the default of every unanswered question


@dataclass(frozen=True)
class Variable:
    """One column of an export, as the questionnaire describes it. `relevant` and `constraint`
    are the XLSForm expressions as written; `constraint_message` is the author's own words."""

    name: str
    label: str
    type: str
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) of a choice question
    relevant: str = ""
    constraint: str = ""
    constraint_message: str = ""
    calculation: str = ""

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
class Layout:
    """What every row holds: the facts and main variables (`variables`), each repeat's own
    variables, and the questionnaire version numbers by version id."""

    variables: list[Variable]
    repeats: dict[str, list[Variable]]
    version_numbers: dict[int, str]

    @property
    def main(self) -> list[Variable]:
        """The questions' variables, without the response facts."""
        return self.variables[len(FACTS) :]

    @cached_property
    def question_names(self) -> tuple[str, ...]:
        # cached_property writes the instance __dict__ directly, which a frozen dataclass allows.
        return tuple(v.name for v in self.main)


@dataclass(frozen=True)
class Batch:
    """Responses as text: one main row each and, per repeat, the rows of their items (each
    starts with its response's `instance_id` and the item's 1-based number)."""

    rows: list[list[str]]
    repeat_rows: dict[str, list[list[str]]]


def layout(session: Session, survey: Survey) -> Layout:
    """The survey's variables across all its versions, newest version first."""
    forms = [form_of(v) for v in versions(session, survey)]
    main, repeats = _variables(forms)
    numbers = {
        v.id: v.form_version
        for v in session.scalars(select(SurveyVersion).where(SurveyVersion.survey_id == survey.id))
    }
    facts = [Variable(f, FACT_LABELS[f], "meta") for f in FACTS]
    return Layout(facts + main, repeats, numbers)


def last_id(session: Session, survey: Survey) -> int:
    """The highest response id now: an export reads up to it, not what arrives meanwhile."""
    return session.scalar(select(func.max(Response.id)).where(Response.survey_id == survey.id)) or 0


def count(session: Session, survey: Survey, up_to: int) -> int:
    """The number of responses an export up to id `up_to` holds."""
    statement = select(func.count(Response.id)).where(
        Response.survey_id == survey.id, Response.id <= up_to
    )
    return session.scalar(statement) or 0


_COLUMNS = (
    Response.id,
    Response.instance_id,
    Response.received_at,
    Response.channel,
    Response.version_id,
    Response.status,
    # As text, decoded one response at a time: a batch's decoded answers (~75 kB a response
    # of 500 questions) are never all alive at once.
    cast(Response.answers, Text),
)


def batches(
    session: Session, survey: Survey, shape: Layout, up_to: int, *, size: int = BATCH_SIZE
) -> Iterator[Batch]:
    """The survey's responses up to id `up_to`, oldest first, `size` at a time. Each batch is
    one query; a caller that owns the session may end the read transaction between batches."""
    after = 0
    survey_id = survey.id
    while True:
        statement = (
            select(*_COLUMNS)
            .where(Response.survey_id == survey_id, Response.id > after, Response.id <= up_to)
            .order_by(Response.id)
            .limit(size)
        )
        found = session.execute(statement).all()
        if not found:
            return
        after = found[-1].id
        batch = Batch([], {name: [] for name in shape.repeats})
        for row in found:
            _add(batch, shape, *row[1:])
        yield batch


def _add(
    batch: Batch,
    shape: Layout,
    instance_id: str,
    received_at: datetime,
    channel: str,
    version_id: int,
    status: str,
    answers_json: str | None,
) -> None:
    answers: dict[str, Any] = json.loads(answers_json) if answers_json else {}
    facts = [
        instance_id,
        received_at.astimezone(VIETNAM_TIME).strftime("%Y-%m-%d %H:%M:%S"),
        channel,
        shape.version_numbers.get(version_id, ""),
        status,
    ]
    # Answers are stored as text: one pass in C (`map`), a conversion only for anything else.
    found = map(answers.get, shape.question_names, _BLANKS)
    batch.rows.append(facts + [v if v.__class__ is str else _cell(v) for v in found])
    for name, inner in shape.repeats.items():
        for index, item in enumerate(answers.get(name) or [], start=1):
            if isinstance(item, dict):
                cells = [_text(item.get(v.name)) for v in inner]
                batch.repeat_rows[name].append([instance_id, str(index), *cells])


def _cell(value: object) -> str:
    """A cell of the main table: a repeat's number of items, else the value as text."""
    return str(len(value)) if isinstance(value, list) else _text(value)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _variables(forms: Sequence[Form]) -> tuple[list[Variable], dict[str, list[Variable]]]:
    """The main table's variables and each repeat's, newest version first."""
    main: dict[str, Variable] = {}
    repeats: dict[str, dict[str, Variable]] = {}
    for form in forms:
        for path, question in walk_with_other(form):
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
    return Variable(
        question.name,
        form.text(question.label),
        question.type,
        choices,
        relevant=question.relevant,
        constraint=question.constraint,
        constraint_message=form.text(question.constraint_message),
        calculation=question.calculation,
    )
