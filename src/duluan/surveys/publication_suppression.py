"""Suppression of small cells in published tables, so that no respondent can be singled out.

A cell resting on fewer than `minimum` respondents (but at least one: an empty cell reveals
nobody) is suppressed, and so is a whole column whose base is under `minimum`. A single suppressed
cell in a line could be given back by subtraction — the column's base minus the cells shown, or,
across a crosstab's row, the question's own frequency minus the cells shown — so where a column
(or a crosstab's row) holds exactly one suppressed non-empty cell, the smallest other non-empty
cell of that line is suppressed too (the complementary cell), until no line has a lone one.
(A small column's empty cells are suppressed with it and count as suppressed: without them a
single small group, e.g. one respondent answering "Khác" to sex, would cascade through every
row and column of a two-group crosstab.)

What this does not guarantee: differences between two published tables that slice the same
respondents in other ways (two crosstabs of one question by different questions) are not
checked against each other; the page says cells are suppressed, not that every combination is.
"""

from __future__ import annotations

from typing import Any

Cell = dict[str, Any]
HIDDEN = ("n", "share", "se", "ci_low", "ci_high", "moe")


def suppress(rows: list[list[Cell]], columns: list[dict[str, Any]], minimum: int) -> None:
    """Mark, in place, the cells (rows × columns) and columns to suppress, and blank their
    numbers, so that nothing suppressed is ever stored."""
    for index, column in enumerate(columns):
        if column["n"] < minimum:
            column["suppressed"] = True
            for row in rows:
                row[index]["suppressed"] = True
    for row in rows:
        for cell in row:
            if 0 < cell["n"] < minimum:
                cell["suppressed"] = True
    lines = [[row[i] for row in rows] for i in range(len(columns))]
    if len(columns) > 1:
        lines += rows
    while any(_complement(line) for line in lines):
        pass
    for index, column in enumerate(columns):
        cells = [row[index] for row in rows]
        if not column["suppressed"] and _gives_back_base(cells):
            column["suppressed"] = True
    for row in rows:
        for cell in row:
            if cell["suppressed"]:
                cell.update(dict.fromkeys(HIDDEN))
    for column in columns:
        if column["suppressed"]:
            column["n"] = None


def _complement(line: list[Cell]) -> bool:
    """Suppress the smallest shown non-empty cell of a line holding one lone suppressed cell;
    True when a cell was suppressed. An empty suppressed cell counts: it is suppressed only with
    its whole column, whose base is not shown, so a reader cannot tell it is empty."""
    hidden = [c for c in line if c["suppressed"]]
    if len(hidden) != 1:
        return False
    shown = [c for c in line if not c["suppressed"] and c["n"]]
    if not shown:
        return False
    min(shown, key=lambda c: c["n"])["suppressed"] = True
    return True


def _gives_back_base(cells: list[Cell]) -> bool:
    """A column whose only non-empty cell is suppressed: its base would be that cell."""
    filled = [c for c in cells if c["n"]]
    return len(filled) == 1 and filled[0]["suppressed"]
