"""XLSForm expressions (relevant, constraint, calculation, choice_filter, required): one parser,
and an evaluator that the browser mirrors in static/js/survey-expressions.js.

The server parses each expression once into a small JSON tree and stores it; Python evaluates the
tree to check submitted answers (never trusting the browser), and the browser evaluates the same
tree as the respondent types. The JavaScript side has no parser, so the two cannot disagree on
syntax; tests/surveys/expression_cases.json holds the cases both evaluators must agree on.

The tree (stable: stored with questionnaire versions; change it only with a migration):

    ["num", 1.5]                 a number literal (always a JSON number)
    ["str", "Hà Nội"]            a string literal, 'single' or "double" quoted, stored NFC
    ["ref", "age"]               ${age}: the answer to question `age`
    ["cur"]                      . : the answer being checked (in a constraint)
    ["col", "province"]          a bare name, only in a choice_filter: that column of the choice
                                 being filtered (`province = ${province}`, `selected(${x}, name)`)
    ["neg", node]                unary minus
    ["op", OP, node, node, ...]  OP in  or and = != < <= > >= + - * div mod ; two or more
                                 operands folded from the left: a - b - c is ["op", "-", a, b, c]
    ["fn", NAME, node, ...]      a function call, NAME from FUNCTIONS

Values are strings, numbers (floats) and booleans, with XPath 1.0 rules: an unanswered question
is the empty string; in arithmetic a string that is not a number is NaN; `=` and `!=` compare as
booleans if either side is one, else as numbers if either side is one, else as strings; `<`,
`<=`, `>`, `>=` compare numbers. Dates are ISO strings ("2025-07-01", or with a time and offset,
as now() gives): as numbers they are days since 1970-01-01 (UTC), as ODK does, so
`today() - ${dob}` is an age in days and `${end} >= ${start}` compares dates. A select_multiple
answer is its choice names separated by spaces. Numbers turn into text as JavaScript writes them.

Not supported (parse() says so): paths (/data/x, ../x), count(), sum() and other functions over
repeats, position(), indexed-repeat(), jr:choice-name(), pulldata(), decimal-date-time().
round(x) rounds halves up (XPath 1.0: round(-2.5) = -2); round(x, n) rounds halves away from zero
(ODK Collect: round(-2.5, 0) = -3). regex() uses the shared subset of Python and JavaScript
regular expressions; \\w, \\d, \\b are ASCII-only on both sides, so write Vietnamese letters as a
class such as [a-zà-ỹ]. Characters outside the Basic Multilingual Plane (emoji) count as two in
JavaScript's regex `.`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from duluan.errors import BadInput
from duluan.surveys.expression_values import (
    LIBRARY,
    Value,
    answer_value,
    number,
    text,
    truthy,
)

__all__ = ["Expression", "Value", "evaluate", "parse", "references", "truthy"]

Expression = list[Any]  # a node of the tree described above

MAX_LENGTH = 10_000  # characters: room for long skip logic, a bound on hostile input
MAX_DEPTH = 32  # levels of the tree; keeps both evaluators' recursion shallow
VIETNAM_TIME = ZoneInfo("Asia/Ho_Chi_Minh")

# name -> (fewest, most) arguments; None: any number
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "selected-at": (2, 2),
    "string-length": (0, 1),
    "concat": (0, None),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "ends-with": (2, 2),
    "substr": (2, 3),
    "regex": (2, 2),
    "if": (3, 3),
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "boolean": (1, 1),
    "number": (1, 1),
    "string": (1, 1),
    "int": (1, 1),
    "round": (1, 2),
    "floor": (1, 1),
    "ceiling": (1, 1),
    "abs": (1, 1),
    "coalesce": (2, 2),
    "today": (0, 0),
    "now": (0, 0),
    "date": (1, 1),
    "format-date": (2, 2),
}
NOT_SUPPORTED = {
    "count",
    "sum",
    "max",
    "min",
    "position",
    "indexed-repeat",
    "jr:choice-name",
    "pulldata",
    "decimal-date-time",
    "last",
}
OPERATOR_LEVELS = (
    ("or",),
    ("and",),
    ("=", "!="),
    ("<", "<=", ">", ">="),
    ("+", "-"),
    ("*", "div", "mod"),
)
WORD_OPERATORS = {"or", "and", "div", "mod"}

_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
      | (?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
      | (?P<ref>\$\{)
      | (?P<string>'|")
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:[-:][A-Za-z_][A-Za-z0-9_]*)*)
      | (?P<symbol>!=|<=|>=|[-+*=<>(),.])
    """,
    re.VERBOSE,
)
_NAME = re.compile(r"[^\W\d][\w.-]*")  # an XLSForm question name


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, ref, word, symbol, end
    text: str
    position: int  # 1-based, as people count characters


# --- parsing -------------------------------------------------------------------------------------


def parse(text: str, *, choice_filter: bool = False) -> Expression:
    """The tree of one expression; BadInput naming the problem and its character position.

    With `choice_filter`, bare names are columns of the choices sheet, as XLSForm reads them.
    """
    if len(text) > MAX_LENGTH:
        raise BadInput(
            "expressions.errors.too_long", expression=_shown(text), length=len(text),
            limit=MAX_LENGTH,
        )  # fmt: skip
    if not text.strip():
        raise BadInput("expressions.errors.empty")
    parser = _Parser(unicodedata.normalize("NFC", text), choice_filter=choice_filter)
    node, _ = parser.expression(0)
    parser.finish()
    return node


def _shown(text: str) -> str:
    """The expression as quoted in a message: hostile input must not flood the page."""
    return text if len(text) <= 80 else text[:79] + "…"


class _Parser:
    """Recursive descent over the operator levels; every method returns (node, depth)."""

    def __init__(self, text: str, *, choice_filter: bool) -> None:
        self.text = text
        self.choice_filter = choice_filter
        self.tokens = self._tokenize()
        self.index = 0
        self.open = 0  # parentheses and calls being parsed: bounds the parser's own recursion

    def fail(self, key: str, position: int, **params: object) -> BadInput:
        return BadInput(
            f"expressions.errors.{key}", expression=_shown(self.text), position=position, **params
        )

    def _tokenize(self) -> list[_Token]:
        tokens: list[_Token] = []
        at = 0
        while at < len(self.text):
            match = _TOKEN.match(self.text, at)
            if match is None:
                raise self.fail("syntax", at + 1, found=self.text[at])
            kind = match.lastgroup or ""
            if kind == "string":
                end = self.text.find(match.group(), at + 1)
                if end < 0:
                    raise self.fail("unterminated_string", at + 1)
                tokens.append(_Token("string", self.text[at + 1 : end], at + 1))
                at = end + 1
                continue
            if kind == "ref":
                end = self.text.find("}", at)
                name = self.text[at + 2 : end].strip() if end >= 0 else ""
                if end < 0 or not _NAME.fullmatch(name):
                    raise self.fail("bad_reference", at + 1)
                tokens.append(_Token("ref", name, at + 1))
                at = end + 1
                continue
            if kind != "space":
                tokens.append(_Token(kind, match.group(), at + 1))
            at = match.end()
        tokens.append(_Token("end", "", len(self.text) + 1))
        return tokens

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def _is_operator(self, token: _Token, level: int) -> bool:
        return token.kind in ("symbol", "word") and token.text in OPERATOR_LEVELS[level]

    def finish(self) -> None:
        token = self.token
        if token.kind == "end":
            return
        if token.text == ")":
            raise self.fail("unbalanced_close", token.position)
        raise self.fail("syntax", token.position, found=token.text)

    def expression(self, level: int) -> tuple[Expression, int]:
        if level == len(OPERATOR_LEVELS):
            return self.unary()
        left, depth = self.expression(level + 1)
        while self._is_operator(self.token, level):
            operator = self.tokens[self.index]
            self.index += 1
            right, right_depth = self.expression(level + 1)
            if left[0] == "op" and left[1] == operator.text:
                left = [*left, right]  # a chain of one operator stays one node: 100 + terms fit
                depth = max(depth - 1, right_depth)
            else:
                left = ["op", operator.text, left, right]
                depth = max(depth, right_depth)
            depth = self._deeper(depth, operator.position)
        return left, depth

    def _deeper(self, depth: int, position: int) -> int:
        if depth + 1 > MAX_DEPTH:
            raise self.fail("too_deep", position, limit=MAX_DEPTH)
        return depth + 1

    def unary(self) -> tuple[Expression, int]:
        minuses = []
        while self.token.kind == "symbol" and self.token.text == "-":
            minuses.append(self.token.position)
            self.index += 1
            if len(minuses) > MAX_DEPTH:  # checked before recursing into the operand
                raise self.fail("too_deep", minuses[-1], limit=MAX_DEPTH)
        node, depth = self.primary()
        for position in reversed(minuses):
            node, depth = ["neg", node], self._deeper(depth, position)
        return node, depth

    def primary(self) -> tuple[Expression, int]:
        token = self.token
        self.index += 1
        if token.kind == "number":
            return ["num", float(token.text)], 1
        if token.kind == "string":
            return ["str", token.text], 1
        if token.kind == "ref":
            return ["ref", token.text], 1
        if token.kind == "symbol" and token.text == ".":
            return ["cur"], 1
        if token.kind == "symbol" and token.text == "(":
            return self._parenthesised(token)
        if token.kind == "word" and self.token.text == "(":
            return self._call(token)
        if token.kind == "word" and token.text not in WORD_OPERATORS:
            if self.choice_filter:
                return ["col", token.text], 1
            raise self.fail("bare_name", token.position, name=token.text)
        if token.kind == "end":
            raise self.fail("unexpected_end", token.position)
        if token.text == ")":
            raise self.fail("unbalanced_close", token.position)
        raise self.fail("syntax", token.position, found=token.text)

    def _parenthesised(self, opening: _Token) -> tuple[Expression, int]:
        self._enter(opening)
        node, depth = self.expression(0)
        self._close(opening)
        return node, depth

    def _enter(self, opening: _Token) -> None:
        self.open += 1
        if self.open > MAX_DEPTH:
            raise self.fail("too_deep", opening.position, limit=MAX_DEPTH)

    def _close(self, opening: _Token) -> None:
        if self.token.text == ")":
            self.index += 1
            self.open -= 1
            return
        if self.token.kind == "end":
            raise self.fail("unbalanced_open", opening.position)
        raise self.fail("syntax", self.token.position, found=self.token.text)

    def _call(self, name: _Token) -> tuple[Expression, int]:
        opening = self.token
        self.index += 1
        if name.text in NOT_SUPPORTED:
            raise self.fail("unsupported_function", name.position, name=name.text)
        if name.text not in FUNCTIONS:
            raise self.fail("unknown_function", name.position, name=name.text)
        self._enter(opening)
        arguments: list[Expression] = []
        depth = 0
        if self.token.text != ")":
            while True:
                argument, argument_depth = self.expression(0)
                arguments.append(argument)
                depth = max(depth, argument_depth)
                if self.token.text != ",":
                    break
                self.index += 1
        self._close(opening)
        self._check_arguments(name, arguments)
        return ["fn", name.text, *arguments], self._deeper(depth, name.position)

    def _check_arguments(self, name: _Token, arguments: list[Expression]) -> None:
        fewest, most = FUNCTIONS[name.text]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            expected = str(fewest) if fewest == most else f"{fewest}–{most}"
            raise self.fail(
                "argument_count", name.position, name=name.text, expected=expected,
                given=len(arguments),
            )  # fmt: skip
        if name.text == "regex" and arguments[1][0] == "str":
            try:
                re.compile(arguments[1][1], re.ASCII)
            except re.error:
                raise self.fail("bad_regex", name.position, pattern=arguments[1][1]) from None


def references(expression: Expression) -> set[str]:
    """The question names an expression reads: for dependency order and to check they exist."""
    names: set[str] = set()
    waiting = [expression]
    while waiting:
        node = waiting.pop()
        if node[0] == "ref":
            names.add(node[1])
        elif node[0] == "neg":
            waiting.append(node[1])
        elif node[0] in ("op", "fn"):
            waiting.extend(node[2:])
    return names


# --- evaluation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    answers: Mapping[str, Any]
    current: Any
    today: date
    now: datetime
    choice: Mapping[str, Any]


def evaluate(
    expression: Expression,
    answers: Mapping[str, Any],
    current: Any = None,
    today: date | None = None,
    *,
    now: datetime | None = None,
    choice: Mapping[str, Any] | None = None,
) -> Value:
    """The value of a parsed expression over the answers given so far.

    `current` is the answer `.` stands for (in a constraint); `choice` is the row of the choices
    sheet a choice_filter is asked about; `today` and `now` default to the clock in Vietnam's
    time zone, and tests pin them.
    """
    moment = now or datetime.now(VIETNAM_TIME)
    day = today or moment.astimezone(VIETNAM_TIME).date()
    return _evaluate(expression, _Context(answers, current, day, moment, choice or {}))


def _evaluate(node: Expression, context: _Context) -> Value:
    kind = node[0]
    if kind == "num":
        return float(node[1])
    if kind == "str":
        return str(node[1])
    if kind == "ref":
        return answer_value(context.answers.get(node[1]))
    if kind == "cur":
        return answer_value(context.current)
    if kind == "col":
        return answer_value(context.choice.get(node[1]))
    if kind == "neg":
        return -number(_evaluate(node[1], context))
    if kind == "op":
        return _operate(node[1], node[2:], context)
    if kind == "fn":
        return _call(node[1], node[2:], context)
    raise ValueError(f"not an expression node: {node!r}")  # a stored tree was tampered with


def _operate(operator: str, operands: Sequence[Expression], context: _Context) -> Value:
    if operator in ("and", "or"):  # short-circuit, as XPath does
        stop = operator == "or"
        for operand in operands:
            if truthy(_evaluate(operand, context)) == stop:
                return stop
        return not stop
    result = _evaluate(operands[0], context)
    for operand in operands[1:]:
        result = _binary(operator, result, _evaluate(operand, context))
    return result


def _binary(operator: str, left: Value, right: Value) -> Value:
    if operator in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            same = truthy(left) == truthy(right)
        elif isinstance(left, float) or isinstance(right, float):
            same = number(left) == number(right)
        else:
            same = left == right
        return same if operator == "=" else not same
    a, b = number(left), number(right)
    if operator in _COMPARISONS:
        return _COMPARISONS[operator](a, b)
    return _ARITHMETIC[operator](a, b)


def _divide(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


def _modulo(a: float, b: float) -> float:
    """XPath mod: the remainder keeps the sign of the dividend (math.fmod, JavaScript %)."""
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return a if math.isinf(b) else math.fmod(a, b)


_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "div": _divide,
    "mod": _modulo,
}


def _call(name: str, arguments: Sequence[Expression], context: _Context) -> Value:
    if name == "if":  # only the branch taken is evaluated
        chosen = arguments[1] if truthy(_evaluate(arguments[0], context)) else arguments[2]
        return _evaluate(chosen, context)
    if name == "coalesce":
        first = _evaluate(arguments[0], context)
        return first if text(first) != "" else _evaluate(arguments[1], context)
    if name == "string-length" and not arguments:
        return float(len(text(answer_value(context.current))))
    if name == "today":
        return context.today.isoformat()
    if name == "now":
        return context.now.isoformat(timespec="milliseconds")
    if name not in LIBRARY:
        raise ValueError(f"not a function of expressions: {name!r}")  # a tampered tree
    return LIBRARY[name](*(_evaluate(argument, context) for argument in arguments))
