"""XLSForm expressions in Python: every case of the table shared with the browser test, the
errors a form author sees, and the limits that keep hostile input harmless."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.surveys import expressions
from duluan.surveys.expression_values import LIBRARY, answer_value, text
from duluan.surveys.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    VIETNAM_TIME,
    evaluate,
    parse,
    references,
    truthy,
)

TABLE = json.loads((Path(__file__).parent / "expression_cases.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = TABLE["cases"]
TODAY = date.fromisoformat(TABLE["today"])
NOW = datetime.fromisoformat(TABLE["now"])


def assert_same_value(result: object, expected: object) -> None:
    """Same type and value; {"number": "NaN"} stands for the numbers JSON cannot write."""
    if isinstance(expected, dict):
        assert isinstance(result, float), f"{result!r} is not a number"
        assert text(result) == expected["number"]
    elif isinstance(expected, bool):
        assert result is expected
    elif isinstance(expected, int | float):
        assert isinstance(result, float) and result == expected, f"{result!r} != {expected!r}"
    else:
        assert result == expected


def test_the_table_is_large_and_covers_every_function_and_operator() -> None:
    assert len(CASES) >= 60
    used_functions: set[str] = set()
    used_operators: set[str] = set()
    for case in CASES:
        waiting = [parse(case["expression"], choice_filter="choice" in case)]
        while waiting:
            node = waiting.pop()
            if node[0] == "fn":
                used_functions.add(node[1])
            if node[0] == "op":
                used_operators.add(node[1])
            waiting.extend(child for child in node[1:] if isinstance(child, list))
    assert used_functions == set(expressions.FUNCTIONS)
    assert used_operators == {op for level in expressions.OPERATOR_LEVELS for op in level}


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['expression']}" for i, c in enumerate(CASES)])
def test_case(case: dict[str, Any]) -> None:
    tree = parse(case["expression"], choice_filter="choice" in case)
    stored = json.loads(json.dumps(tree))  # what a questionnaire version keeps
    assert stored == tree
    result = evaluate(
        stored,
        case["answers"],
        case.get("current"),
        TODAY,
        now=NOW,
        choice=case.get("choice"),
    )
    assert_same_value(result, case["expected"])


ERRORS = [
    ("1 +", "unexpected_end", 4, "1 +"),
    ("(1 + 2", "unbalanced_open", 1, "(1 + 2"),
    ("1 + 2)", "unbalanced_close", 6, ")"),
    ("if(${a} > 1, 'x', 'y'", "unbalanced_open", 3, "if("),
    ("concat('Hà Nội, ${x})", "unterminated_string", 8, "Hà Nội"),
    ("foo(1)", "unknown_function", 1, "foo()"),
    ("${a} + bar(2)", "unknown_function", 8, "bar()"),
    ("count(${x})", "unsupported_function", 1, "count()"),
    ("jr:choice-name(${x}, '${x}')", "unsupported_function", 1, "jr:choice-name()"),
    ("if(${a}, 1)", "argument_count", 1, "cần 3 đối số, nhưng được truyền 2"),
    ("selected(${a})", "argument_count", 1, "cần 2 đối số"),
    ("round(1, 2, 3)", "argument_count", 1, "cần 1–2 đối số, nhưng được truyền 3"),
    ("${1a} = 2", "bad_reference", 1, "${…}"),
    ("${a = 2", "bad_reference", 1, "${…}"),
    ("tuoi > 18", "bare_name", 1, "viết ${tuoi}"),
    ("1 $ 2", "syntax", 3, "không hiểu “$”"),
    ("/data/age > 18", "syntax", 1, "không hiểu “/”"),
    ("1 2", "syntax", 3, "không hiểu “2”"),
    ("1 +* 2", "syntax", 4, "không hiểu “*”"),
    ("and 1", "syntax", 1, "không hiểu “and”"),
    ("regex(., '[0-9')", "bad_regex", 1, "“[0-9”"),
]


@pytest.mark.parametrize(("text", "key", "position", "named"), ERRORS)
def test_a_bad_expression_is_refused_with_its_problem_and_position(
    text: str, key: str, position: int, named: str
) -> None:
    with pytest.raises(BadInput) as refused:
        parse(text)
    assert refused.value.key == f"expressions.errors.{key}"
    assert refused.value.params["position"] == position
    message = translate(refused.value.key, "vi", **refused.value.params)
    assert f"ký tự thứ {position}" in message
    assert f"“{text}”" in message  # the author sees which expression
    assert named in message
    assert translate(refused.value.key, "en", **refused.value.params) != refused.value.key


def test_an_empty_expression_is_refused() -> None:
    with pytest.raises(BadInput) as refused:
        parse("  \t")
    assert translate(refused.value.key, "vi").startswith("Biểu thức trống")


def test_bare_names_are_choice_columns_only_in_a_choice_filter() -> None:
    assert parse("province = ${p}", choice_filter=True) == [
        "op",
        "=",
        ["col", "province"],
        ["ref", "p"],
    ]
    with pytest.raises(BadInput, match="province"):
        parse("province = ${p}")


def test_a_too_long_expression_is_refused_before_parsing() -> None:
    text = "1" + " + 1" * (MAX_LENGTH // 4)
    with pytest.raises(BadInput) as refused:
        parse(text)
    assert refused.value.key == "expressions.errors.too_long"
    message = translate(refused.value.key, "vi", **refused.value.params)
    assert f"dài {len(text)} ký tự" in message and "…" in message  # quoted, but cut short
    assert len(message) < 200


@pytest.mark.parametrize(
    "text",
    [
        "(" * 4000 + "1" + ")" * 4000,
        "-" * 5000 + "1",
        "not(" * 1500 + "1" + ")" * 1500,
        "1" + "".join(f" {op} 1" for op in ["+", "-"] * 100),
        "if(" * 40 + "1" + ", 2, 3)" * 40,
    ],
    ids=["parentheses", "minus signs", "calls", "alternating operators", "nested if"],
)
def test_deep_nesting_is_refused_without_exhausting_the_stack(text: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse(text)
    assert refused.value.key == "expressions.errors.too_deep"
    assert refused.value.params["limit"] == MAX_DEPTH


def test_long_chains_of_one_operator_stay_flat() -> None:
    """A score summing 500 questions is one node, not a tree 500 levels deep."""
    names = [f"q{i}" for i in range(500)]
    tree = parse(" + ".join(f"${{{name}}}" for name in names))
    assert tree[:2] == ["op", "+"] and len(tree) == 502
    assert evaluate(tree, dict.fromkeys(names, 2)) == 1000.0
    some = " or ".join(f"selected(${{m}}, 'c{i}')" for i in range(300))
    assert evaluate(parse(some), {"m": "c299"}) is True


def test_nesting_just_under_the_limit_is_accepted() -> None:
    text = "(" * (MAX_DEPTH - 1) + "${x}" + ")" * (MAX_DEPTH - 1)
    assert evaluate(parse(text), {"x": 3}) == 3.0


def test_references_lists_the_questions_read() -> None:
    tree = parse(
        "if(selected(${q2}, 'a'), -${age} + ${age}, concat(${ten}, .))",
    )
    assert references(tree) == {"q2", "age", "ten"}
    assert references(parse("name = ${province}", choice_filter=True)) == {"province"}
    assert references(parse("1 + 2")) == set()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", False),
        ("0", True),
        ("false", True),
        (0.0, False),
        (-0.0, False),
        (math.nan, False),
        (2.5, True),
        (True, True),
        (False, False),
    ],
)
def test_truthy_follows_xpath_boolean(value: str | float | bool, expected: bool) -> None:
    assert truthy(value) is expected


def test_answers_of_every_stored_type_become_values() -> None:
    assert answer_value(None) == ""
    assert answer_value(3) == 3.0 and isinstance(answer_value(3), float)
    assert answer_value(Decimal("2.5")) == 2.5
    assert answer_value(date(2025, 7, 1)) == "2025-07-01"
    moment = datetime(2025, 7, 1, 9, 30, tzinfo=VIETNAM_TIME)
    assert answer_value(moment) == "2025-07-01T09:30:00.000+07:00"
    assert answer_value(["a", "b", 3]) == "a b 3"
    assert answer_value(10**400) == math.inf
    with pytest.raises(BadInput) as refused:
        answer_value({"a": 1})
    assert "dict" in translate(refused.value.key, "vi", **refused.value.params)


def test_today_and_now_default_to_the_clock_in_vietnam() -> None:
    before = datetime.now(VIETNAM_TIME)
    day = evaluate(parse("today()"), {})
    moment = evaluate(parse("now()"), {})
    after = datetime.now(VIETNAM_TIME)
    assert day in {before.date().isoformat(), after.date().isoformat()}
    assert isinstance(moment, str) and moment.endswith("+07:00")
    earliest = before.replace(microsecond=before.microsecond // 1000 * 1000)  # now() keeps ms
    assert earliest <= datetime.fromisoformat(moment) <= after


def test_a_tampered_tree_is_not_evaluated() -> None:
    with pytest.raises(ValueError, match="not an expression node"):
        evaluate(["op", "+", ["num", 1], ["exec", "rm -rf /"]], {})
    with pytest.raises(ValueError, match="not a function"):
        evaluate(["fn", "__import__", ["str", "os"]], {})


def test_every_function_the_parser_accepts_has_an_implementation() -> None:
    in_context = {"if", "coalesce", "today", "now"}  # these need the context or lazy arguments
    assert set(expressions.FUNCTIONS) == set(LIBRARY) | in_context
    assert not set(expressions.FUNCTIONS) & expressions.NOT_SUPPORTED
