"""Server-side checking of a respondent's answers against their questionnaire, never trusting the
browser or the collecting app: types, choices, skip logic, constraints, required questions and
calculations, with one Vietnamese message per question at fault.

THE ANSWER FORMAT (a contract: the web form, the OpenRosa endpoints, paper entry, storage and the
exports all read and write it):

- A submission's answers are a JSON object `{question name: value}` holding every question outside
  repeats. Groups do not nest in it: question names are unique in a form, so a question inside a
  group is a top-level key.
- A repeat is `{repeat name: [ {name: value, …}, … ]}`: one object per repeat instance, in order,
  with the same rules inside (a repeat inside a repeat is a list inside each instance object).
- Every value is a STRING in XForm text form, as ODK sends it: integer "12", decimal "3.5", date
  "2026-11-24", select_one "choice_name", select_multiple the choice names separated by one space
  "a c", geopoint "lat lon alt accuracy" ("21.0285 105.8542 12 5", altitude and accuracy
  optional), text as typed. Other types (time, dateTime, start, end, barcode, media file names, …)
  are kept as text.
- An unanswered question is absent (or ""). Notes have no answer. `calculation` fields are computed
  here from the other answers, whatever the client sent.

`validate` returns a `Checked`: the cleaned answers in the same format (surrounding spaces
stripped, text in Unicode NFC, "012" → "12", "03.50" → "3.5", answers to questions that are not
relevant dropped, calculations computed, unknown names dropped and listed) and `problems`, at most
one `Problem` per question (per repeat instance), in form order. When `problems` is empty every
value is valid; otherwise an invalid text answer stays in the cleaned answers as typed (so a
draft can be shown back to the respondent), while a value of the wrong JSON type or over the
length limit is left out.

Relevance follows what a browser shows: a question is relevant when its own `relevant` and those
of every group and repeat around it are true, and a question that is not relevant counts as
unanswered in every other expression. Values are settled in dependency order (a question's value
depends on the questions its relevance and calculation read; ties and cycles keep form order),
then required, choices and constraints are checked against the settled answers, `.` standing for
the question's own value. Expressions inside a repeat read the answers of the same instance and
of the questions outside it; an expression outside a repeat that names a question inside one sees
it unanswered (count(), sum() are not supported by `surveys/expressions.py`). A calculation that
gives NaN or an infinity leaves its question unanswered.

Each expression is parsed once per form: `compile_form(form)` builds a `CompiledForm` holding the
parsed expressions and the evaluation order, and keeps the last few built.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import ChainMap, OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.surveys import expressions
from duluan.surveys.answer_values import (
    MAX_TEXT_LENGTH,
    SHOWN_VALUE,
    Found,
    clean,
    kind_of,
    shown,
)
from duluan.surveys.expression_values import Value, text
from duluan.surveys.expressions import Expression, evaluate, references, truthy
from duluan.surveys.form import GROUP, REPEAT, Choice, Form, Question

__all__ = [
    "MAX_REPEAT_INSTANCES",
    "MAX_TEXT_LENGTH",
    "Checked",
    "CompiledForm",
    "Problem",
    "compile_form",
    "other_question",
    "raise_if_invalid",
    "validate",
    "walk_with_other",
]

MAX_REPEAT_INSTANCES = 500  # instances of one repeat (household members, plots, …)
MAX_LISTED_UNKNOWN = 100  # unknown names listed in `Checked.unknown`; the rest are only counted
_SHOWN_LABEL = 80
_MULTIPLE_CHOICE_TYPES = frozenset({"select_multiple", "rank"})
_OTHER_CHOICE = "other"  # what `or_other` adds to a list, as pyxform does


@dataclass(frozen=True)
class Problem:
    """What is wrong with the answer to one question: a message key of `[answers.errors]` and its
    parameters (`label` is the question's label in the form's default language). `repeat_path`
    says which repeat instance it is in: (repeat name, 1-based position), outermost first."""

    name: str
    key: str
    params: dict[str, object] = field(default_factory=dict)
    repeat_path: tuple[tuple[str, int], ...] = ()
    repeat_labels: tuple[str, ...] = ()

    def message(self, locale: str) -> str:
        """The message to show, prefixed with the repeat instances it is in."""
        result = translate(self.key, locale, **self.params)
        for label, (_, position) in reversed(
            list(zip(self.repeat_labels, self.repeat_path, strict=True))
        ):
            result = translate(
                "answers.errors.in_repeat", locale, repeat=label, position=position, message=result
            )
        return result


@dataclass(frozen=True)
class Checked:
    """The cleaned answers (THE ANSWER FORMAT), the problems found, the names given that the form
    does not ask at that place (`member[2]/x` inside a repeat), and the answered questions dropped
    because they were not relevant."""

    answers: dict[str, Any]
    problems: tuple[Problem, ...] = ()
    unknown: tuple[str, ...] = ()
    unknown_count: int = 0
    not_relevant: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


# --- the compiled form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """One question of a scope (the top of the form, or one repeat instance), ready to check."""

    question: Question
    index: int  # position in the form, for ordering problems
    groups: tuple[str, ...]  # the groups around it inside its scope, outermost first
    label: str
    relevant: Expression | None
    calculation: Expression | None
    constraint: Expression | None
    required_if: Expression | None
    choice_filter: Expression | None
    scope: _Scope | None  # a repeat's questions


@dataclass(frozen=True)
class _Scope:
    nodes: tuple[_Node, ...]  # in evaluation order
    by_name: dict[str, _Node]
    group_relevant: dict[str, Expression | None]


class CompiledForm:
    """A form with every expression parsed and each scope's evaluation order worked out: built
    once per form (`compile_form`), then used for every answer set. Raises BadInput for an
    expression of the form that does not parse."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self._index = 0
        self.choices: dict[str, dict[str, Choice]] = {
            list_name: {choice.name: choice for choice in choices}
            for list_name, choices in form.choice_lists.items()
        }
        self.scope = self._scope(form.questions)

    def label(self, question: Question) -> str:
        """The question's label in the form's default language, else any label, else its name."""
        found = question.label.get(self.form.default_language) or next(
            (text for text in question.label.values() if text.strip()), ""
        )
        return shown(found.strip() or question.name, _SHOWN_LABEL)

    def message(self, texts: dict[str, str]) -> str:
        """A message written in the form (constraint, required) in its default language."""
        return texts.get(self.form.default_language) or next(iter(texts.values()), "")

    def _scope(self, questions: Sequence[Question]) -> _Scope:
        nodes: list[_Node] = []
        group_relevant: dict[str, Expression | None] = {}
        self._collect(questions, (), nodes, group_relevant)
        by_name = {node.question.name: node for node in nodes}
        return _Scope(tuple(_ordered(nodes, by_name, group_relevant)), by_name, group_relevant)

    def _collect(
        self,
        questions: Sequence[Question],
        groups: tuple[str, ...],
        nodes: list[_Node],
        group_relevant: dict[str, Expression | None],
    ) -> None:
        for question in questions:
            self._index += 1
            if question.type == GROUP:
                group_relevant[question.name] = _parsed(question.relevant)
                self._collect(question.children, (*groups, question.name), nodes, group_relevant)
                continue
            index = self._index
            nodes.append(
                _Node(
                    question=question,
                    index=index,
                    groups=groups,
                    label=self.label(question),
                    relevant=_parsed(question.relevant),
                    calculation=_parsed(question.calculation),
                    constraint=_parsed(question.constraint),
                    required_if=_parsed(question.required_if),
                    choice_filter=_parsed(question.choice_filter, choice_filter=True),
                    scope=self._scope(question.children) if question.type == REPEAT else None,
                )
            )
            if question.or_other and self.form.find(f"{question.name}_other") is None:
                self._collect((other_question(question),), groups, nodes, group_relevant)


def walk_with_other(form: Form) -> Iterator[tuple[tuple[str, ...], Question]]:
    """`form.walk()` with the text question of each `or_other` choice right after its question
    (where the form has no question of that name itself): every question an answer may hold."""
    for path, question in form.walk():
        yield path, question
        if question.or_other and form.find(f"{question.name}_other") is None:
            yield path, other_question(question)


def other_question(question: Question) -> Question:
    """The text question pyxform adds after a `select_one list or_other`: `{name}_other`, asked
    when "other" is chosen. ODK Collect sends it and the web form asks it, so it is checked and
    kept like a question of the form (unless the form has its own question of that name)."""
    return Question(
        name=f"{question.name}_other",
        type="text",
        label=question.label,
        relevant=f"selected(${{{question.name}}}, '{_OTHER_CHOICE}')",
        row=question.row,
    )


def _parsed(source: str, *, choice_filter: bool = False) -> Expression | None:
    return expressions.parse(source, choice_filter=choice_filter) if source.strip() else None


def _ordered(
    nodes: list[_Node],
    by_name: dict[str, _Node],
    group_relevant: dict[str, Expression | None],
) -> list[_Node]:
    """The nodes so that each comes after the questions of its scope that its relevance (and its
    groups') and its calculation read; form order among equals, and for any cycle."""
    position = {node.question.name: n for n, node in enumerate(nodes)}
    needs: dict[str, set[str]] = {}
    for node in nodes:
        read: set[str] = set()
        for expression in (
            node.relevant,
            node.calculation,
            *(group_relevant[g] for g in node.groups),
        ):
            if expression is not None:
                read |= references(expression)
        needs[node.question.name] = {n for n in read if n in by_name} - {node.question.name}
    waiting_on = {name: len(wanted) for name, wanted in needs.items()}
    readers: dict[str, list[str]] = {}
    for name, wanted in needs.items():
        for needed in wanted:
            readers.setdefault(needed, []).append(name)
    ready = [position[name] for name, count in waiting_on.items() if count == 0]
    heapq.heapify(ready)
    order: list[_Node] = []
    while ready:
        node = nodes[heapq.heappop(ready)]
        order.append(node)
        for reader in readers.get(node.question.name, ()):
            waiting_on[reader] -= 1
            if waiting_on[reader] == 0:
                heapq.heappush(ready, position[reader])
    placed = {node.question.name for node in order}
    return order + [node for node in nodes if node.question.name not in placed]  # cycles


_CACHE_SIZE = 32
_cache: OrderedDict[int, CompiledForm] = OrderedDict()
_cache_lock = threading.Lock()


def compile_form(form: Form) -> CompiledForm:
    """The compiled form, from a small cache keyed by the form object (a cached entry holds the
    form, so its id cannot be reused while it is cached)."""
    with _cache_lock:
        cached = _cache.get(id(form))
        if cached is not None and cached.form is form:
            _cache.move_to_end(id(form))
            return cached
    compiled = CompiledForm(form)
    with _cache_lock:
        _cache[id(form)] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


# --- validation ----------------------------------------------------------------------------------


def validate(
    form: Form | CompiledForm,
    answers: Mapping[str, Any],
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> Checked:
    """Check one answer set (THE ANSWER FORMAT above); `today` and `now` pin the clock of
    today() and now() for tests, and default to Vietnam's. BadInput if `answers` is not an
    object at all, or if an expression of the form does not parse."""
    compiled = form if isinstance(form, CompiledForm) else compile_form(form)
    if not isinstance(answers, Mapping):
        raise BadInput("answers.errors.not_an_object", kind=kind_of(answers))
    moment = now or datetime.now(expressions.VIETNAM_TIME)
    run = _Run(compiled, today or moment.astimezone(expressions.VIETNAM_TIME).date(), moment)
    cleaned, problems = run.scope(compiled.scope, answers, {}, ())
    return Checked(
        answers=cleaned,
        problems=tuple(problems),
        unknown=tuple(run.unknown[:MAX_LISTED_UNKNOWN]),
        unknown_count=len(run.unknown),
        not_relevant=tuple(run.not_relevant),
    )


def raise_if_invalid(checked: Checked) -> None:
    """BadInput summarising the problems (their number and the first question at fault), with the
    problems themselves in `params["problems"]`; nothing when the answers are valid."""
    if checked.problems:
        first = checked.problems[0]
        raise BadInput(
            "answers.errors.invalid",
            count=len(checked.problems),
            first=first.params.get("label", first.name),
            problems=checked.problems,
        )


@dataclass
class _Settled:
    """The state of one scope while its values are settled."""

    values: dict[str, str]  # what expressions read: the settled answers of this scope
    outer: Mapping[str, str]  # the settled answers around it (outside the repeat)
    cleaned: dict[str, Any] = field(default_factory=dict)
    wrong: list[tuple[_Node, Found]] = field(default_factory=list)  # answers of the wrong type
    to_check: list[_Node] = field(default_factory=list)
    repeats: list[_Node] = field(default_factory=list)
    groups_shown: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.context: Mapping[str, str] = (
            ChainMap(self.values, self.outer) if self.outer else self.values  # type: ignore[arg-type]
        )


class _Run:
    """One call of `validate`: the clock, and what is found across scopes."""

    def __init__(self, compiled: CompiledForm, today: date, now: datetime) -> None:
        self.compiled = compiled
        self.today = today
        self.now = now
        self.unknown: list[str] = []
        self.not_relevant: list[str] = []

    def value(
        self,
        expression: Expression,
        context: Mapping[str, str],
        current: str | None = None,
        choice: Mapping[str, str] | None = None,
    ) -> Value:
        return evaluate(expression, context, current, self.today, now=self.now, choice=choice)

    def scope(
        self,
        scope: _Scope,
        given: Mapping[str, Any],
        outer: Mapping[str, str],
        where: tuple[tuple[str, int], ...],
    ) -> tuple[dict[str, Any], list[Problem]]:
        """The cleaned answers of one scope and its problems in form order. Values are settled
        first (relevance, calculations, types) in evaluation order, repeats next (they read the
        settled values around them), checks against the settled answers last."""
        prefix = "".join(f"{name}[{position}]/" for name, position in where)
        self.unknown.extend(
            prefix + str(key)
            for key in given
            if not (isinstance(key, str) and key in scope.by_name)
        )
        settled = _Settled(values={}, outer=outer)
        for node in scope.nodes:
            self._settle(node, scope, given, settled, prefix)
        found = {
            node.index: [self._problem(node, problem, where)] for node, problem in settled.wrong
        }
        for node in settled.repeats:
            instances, problems = self._repeat(
                node, given.get(node.question.name), settled.context, where
            )
            if instances:
                settled.cleaned[node.question.name] = instances
            if problems:
                found[node.index] = problems
        for node in settled.to_check:
            if node.index not in found:
                value = settled.values.get(node.question.name)
                problem = self._check(node, value, settled.context)
                if problem is not None:
                    found[node.index] = [self._problem(node, problem, where)]
        return settled.cleaned, [problem for index in sorted(found) for problem in found[index]]

    def _settle(
        self,
        node: _Node,
        scope: _Scope,
        given: Mapping[str, Any],
        settled: _Settled,
        prefix: str,
    ) -> None:
        """Settle one question: dropped when not relevant, computed, or its answer cleaned."""
        name = node.question.name
        if not self._relevant(node, scope, settled):
            if _answered(given.get(name)):
                self.not_relevant.append(prefix + name)
        elif node.scope is not None:
            settled.repeats.append(node)
        elif node.calculation is not None:
            if computed := _computed_text(self.value(node.calculation, settled.context)):
                settled.values[name] = settled.cleaned[name] = computed
        elif node.question.type != "note":
            value, problem = clean(node.question.type, given.get(name))
            if problem is not None:
                settled.wrong.append((node, problem))
            if value is not None:
                settled.values[name] = settled.cleaned[name] = value
            settled.to_check.append(node)

    def _relevant(self, node: _Node, scope: _Scope, settled: _Settled) -> bool:
        # A group's relevance is worked out once per scope: every question inside it comes after
        # the questions the group's expression reads, so they are settled by then.
        for group in node.groups:
            shown_now = settled.groups_shown.get(group)
            if shown_now is None:
                expression = scope.group_relevant[group]
                shown_now = expression is None or truthy(self.value(expression, settled.context))
                settled.groups_shown[group] = shown_now
            if not shown_now:
                return False
        return node.relevant is None or truthy(self.value(node.relevant, settled.context))

    def _repeat(
        self,
        node: _Node,
        given: Any,
        outer: Mapping[str, str],
        where: tuple[tuple[str, int], ...],
    ) -> tuple[list[dict[str, Any]], list[Problem]]:
        if node.scope is None or given is None or given == "":
            return [], []
        if not isinstance(given, list):
            problem: Found = ("answers.errors.repeat_not_list", {"kind": kind_of(given)})
            return [], [self._problem(node, problem, where)]
        problems: list[Problem] = []
        if len(given) > MAX_REPEAT_INSTANCES:
            too_many: dict[str, object] = {"count": len(given), "limit": MAX_REPEAT_INSTANCES}
            problems.append(
                self._problem(node, ("answers.errors.too_many_instances", too_many), where)
            )
        instances: list[dict[str, Any]] = []
        for position, instance in enumerate(given[:MAX_REPEAT_INSTANCES], start=1):
            inside = (*where, (node.question.name, position))
            if not isinstance(instance, Mapping):
                wrong: dict[str, object] = {"kind": kind_of(instance), "position": position}
                problems.append(
                    self._problem(node, ("answers.errors.instance_not_object", wrong), where)
                )
                continue
            cleaned, found = self.scope(node.scope, instance, outer, inside)
            instances.append(cleaned)
            problems.extend(found)
        return instances, problems

    def _check(self, node: _Node, value: str | None, context: Mapping[str, str]) -> Found | None:
        """The problem of a relevant question whose value has the right type, if any."""
        question = node.question
        if value is None:
            if question.required or (
                node.required_if is not None and truthy(self.value(node.required_if, context))
            ):
                if question.required_message:
                    message = self.compiled.message(question.required_message)
                    return "answers.errors.required_message", {"message": message}
                return "answers.errors.required", {}
            return None
        if question.is_select and question.choice_list in self.compiled.choices:
            problem = self._choice_problem(node, value, context)
            if problem is not None:
                return problem
        if node.constraint is not None and not truthy(
            self.value(node.constraint, context, current=value)
        ):
            if question.constraint_message:
                message = self.compiled.message(question.constraint_message)
                return "answers.errors.constraint_message", {"message": message}
            return "answers.errors.constraint", {}
        return None

    def _choice_problem(self, node: _Node, value: str, context: Mapping[str, str]) -> Found | None:
        question = node.question
        names = value.split(" ")
        if question.type not in _MULTIPLE_CHOICE_TYPES and len(names) > 1:
            return "answers.errors.several_choices", {"count": len(names)}
        known = self.compiled.choices[question.choice_list]
        for name in names:
            choice = known.get(name)
            if choice is None:
                if question.or_other and name == _OTHER_CHOICE:
                    continue
                return "answers.errors.not_a_choice", {"value": shown(name, SHOWN_VALUE)}
            if node.choice_filter is not None:
                row = {"name": choice.name, **choice.extra}
                if not truthy(self.value(node.choice_filter, context, choice=row)):
                    return "answers.errors.choice_filtered", {"value": _choiceshown(choice, self)}
        return None

    def _problem(
        self,
        node: _Node,
        problem: Found,
        where: tuple[tuple[str, int], ...],
    ) -> Problem:
        key, params = problem
        labels = tuple(self._repeat_label(name) for name, _ in where)
        return Problem(node.question.name, key, {"label": node.label, **params}, where, labels)

    def _repeat_label(self, name: str) -> str:
        question = self.compiled.form.find(name)
        return self.compiled.label(question) if question else name


def _choiceshown(choice: Choice, run: _Run) -> str:
    label = run.compiled.message(choice.label) if choice.label else ""
    return shown(label or choice.name, SHOWN_VALUE)


def _computed_text(value: Value) -> str:
    """A calculation's result as an answer; NaN and infinities (an unanswered operand) as none."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return text(value)


def _answered(raw: Any) -> bool:
    return raw is not None and raw != "" and raw != []
