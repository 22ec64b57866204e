"""The browser's expression evaluator (static/js/survey-expressions.js) in Chromium, on the trees
the server's parser makes: every case of tests/surveys/expression_cases.json must give the value
the Python evaluator gives, so the respondent's screen and the server never disagree."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from duluan.surveys.expression_values import text
from duluan.surveys.expressions import parse
from tests.surveys.test_expressions import CASES, TABLE

pytestmark = pytest.mark.browser

SCRIPT = "/static/js/survey-expressions.js"

EVALUATE_ALL = """([cases, today, now]) => cases.map((c) => {
  const { tree, answers, current, choice } = c;
  const value = window.duluanExpressions.evaluate(tree, answers, current, today, now, choice);
  return [typeof value, typeof value === "number" ? String(value) : value];
})"""


def load_evaluator(page: Page) -> None:
    """The script as the app serves it, under the app's Content-Security-Policy."""
    page.goto("/healthz")
    page.add_script_tag(url=SCRIPT)
    assert page.evaluate("typeof window.duluanExpressions.evaluate") == "function"


def expected_in_javascript(expected: Any) -> tuple[str, Any]:
    """(typeof, value) as the page reports it; numbers as the text both sides write."""
    if isinstance(expected, dict):
        return "number", expected["number"]
    if isinstance(expected, bool):
        return "boolean", expected
    if isinstance(expected, int | float):
        return "number", text(float(expected))
    return "string", expected


def test_every_case_gives_the_same_value_in_the_browser(page: Page) -> None:
    load_evaluator(page)
    payload = [
        {
            "tree": parse(case["expression"], choice_filter="choice" in case),
            "answers": case["answers"],
            "current": case.get("current"),
            "choice": case.get("choice"),
        }
        for case in CASES
    ]
    results = page.evaluate(EVALUATE_ALL, [payload, TABLE["today"], TABLE["now"]])
    differences = [
        f"{case['expression']} with {case['answers']}: browser {kind} {value!r}, "
        f"expected {expected_in_javascript(case['expected'])}"
        for case, (kind, value) in zip(CASES, results, strict=True)
        if (kind, value) != expected_in_javascript(case["expected"])
    ]
    assert differences == []
    assert len(results) == len(CASES) >= 60


def test_the_clock_defaults_to_the_device_and_bad_trees_are_refused(page: Page) -> None:
    load_evaluator(page)
    today, now = page.evaluate(
        """() => [window.duluanExpressions.evaluate(["fn", "today"], {}),
                  window.duluanExpressions.evaluate(["fn", "now"], {})]"""
    )
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", today)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}", now)
    assert now.startswith(today)
    refused = page.evaluate(
        """() => { try { window.duluanExpressions.evaluate(["exec", "x"], {}); return "";
                   } catch (error) { return String(error); } }"""
    )
    assert "not an expression node" in refused
