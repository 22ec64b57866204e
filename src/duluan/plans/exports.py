"""Scorecards as files: one unit's scorecard for a year as a printable XLSX sheet or a CSV, and
the scorecards of all the units below a unit side by side (one row per unit), for the unit that
set the criteria.

Why both: offices print the XLSX sheet, sign it and file it with the inspection's minutes; the
CSV goes into whatever tool the inspectors already use. Figures stay numbers in the XLSX (a
spreadsheet can sum them); text that would start a formula is quoted. Words are those of the
deployment's language (`locale`), the same as the page's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.plans import scorecards
from duluan.plans.models import Criterion
from duluan.plans.scorecards import Scorecard

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
MIN_YEAR, MAX_YEAR = 2000, 2100
FONT = "Times New Roman"  # the font of Party and State documents, so the printout matches
Cell = str | float | None


def card_rows(card: Scorecard, locale: str = "vi") -> list[list[Cell]]:
    """The card's table: a heading row, one row per criterion, the total row. The weighted
    score is the criterion's share of the total (score × weight ÷ sum of weights), so the
    column adds up to the total."""
    weights = sum(line.criterion.weight for line in card.lines) or 1.0
    rows: list[list[Cell]] = [[_t(locale, f"card_{name}") for name in CARD_COLUMNS]]
    for line in card.lines:
        criterion = line.criterion
        rows.append(
            [
                criterion.code,
                criterion.title,
                criterion.weight,
                translate(f"plans.sources.{criterion.source}", locale),
                line.figure,
                None if line.value is None else round(line.value, 1),
                None if line.value is None else round(line.value * criterion.weight / weights, 2),
                line.note,
            ]
        )
    total = _round(card.total)
    pending = "" if total is not None else _t(locale, "pending")
    weight_sum = sum(line.criterion.weight for line in card.lines)
    rows.append(["", _t(locale, "total"), weight_sum, "", "", total, total, pending])
    return rows


CARD_COLUMNS = ("code", "criterion", "weight", "source", "figure", "score", "weighted", "note")


def table_rows(
    criteria: Sequence[Criterion], cards: Sequence[Scorecard], locale: str = "vi"
) -> list[list[Cell]]:
    """All units side by side: a heading row (unit code, unit, each criterion with its weight,
    total), then one row per unit; a criterion not yet scored is left empty."""
    heading: list[Cell] = [_t(locale, "unit_code"), _t(locale, "unit")]
    heading += [f"{c.title} ({c.weight:g})" for c in criteria]
    rows: list[list[Cell]] = [[*heading, _t(locale, "total")]]
    for card in cards:
        values = {line.criterion.id: line.value for line in card.lines}
        row: list[Cell] = [card.unit.code, card.unit.name]
        row += [_round(values.get(c.id)) for c in criteria]
        rows.append([*row, _round(card.total)])
    return rows


def card_csv(card: Scorecard, locale: str = "vi") -> bytes:
    return csv_bytes(card_rows(card, locale))


def table_csv(
    criteria: Sequence[Criterion], cards: Sequence[Scorecard], locale: str = "vi"
) -> bytes:
    return csv_bytes(table_rows(criteria, cards, locale))


def card_xlsx(card: Scorecard, setter: OrgUnit, today: date, locale: str = "vi") -> bytes:
    """One sheet, landscape on A4, one page wide: the heading (who is scored, by whose
    criteria, the year), the table with borders, the date the figures were computed, and room
    for the inspector's signature."""
    rows = card_rows(card, locale)
    title = _t(locale, "card_title", year=card.year)
    lines = [
        _t(locale, "scored_unit", unit=card.unit.name, code=card.unit.code),
        _t(locale, "setter", unit=setter.name),
    ]
    sheet_name = _t(locale, "card_sheet")
    widths = (12, 48, 9, 26, 12, 11, 13, 40)
    return _book(
        sheet_name, title, lines, rows, widths, _footer(locale, today, signed=True), bold_last=True
    )


def table_xlsx(
    setter: OrgUnit,
    year: int,
    criteria: Sequence[Criterion],
    cards: Sequence[Scorecard],
    today: date,
    locale: str = "vi",
) -> bytes:
    rows = table_rows(criteria, cards, locale)
    title = _t(locale, "table_title", year=year)
    lines = [_t(locale, "setter", unit=setter.name)]
    widths = (10, 34, *(16 for _ in criteria), 10)
    sheet_name = _t(locale, "table_sheet")
    return _book(
        sheet_name,
        title,
        lines,
        rows,
        widths,
        _footer(locale, today, signed=False),
        bold_last=False,
    )


def filename(unit: OrgUnit, year: int, kind: str, *, table: bool = False) -> str:
    return f"{'bang-diem-cac-don-vi' if table else 'bang-diem'}-{unit.code}-{year}.{kind}"


@dataclass(frozen=True)
class Export:
    body: bytes
    media_type: str
    filename: str


def export_card(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    year: int,
    kind: str,
    *,
    today: date,
    setter: OrgUnit | None = None,
    locale: str = "vi",
) -> Export:
    """`unit`'s scorecard for `year` on the criteria `setter` (by default its parent unit) set,
    as a file of `kind` (xlsx or csv); the export is audited."""
    setter = setter or _parent(session, unit)
    _check(kind, year)
    if unit.parent_id != setter.id:
        raise BadInput("plans.errors.not_scored_unit")
    card = scorecards.scorecard(session, actor, setter, unit, year, today)
    if kind == "xlsx":
        body, media = card_xlsx(card, setter, today, locale), XLSX_TYPE
    else:
        body, media = card_csv(card, locale), CSV_TYPE
    _audit(session, actor, unit, year, kind, criteria=len(card.lines), units=1)
    return Export(body, media, filename(unit, year, kind))


def export_table(
    session: Session,
    actor: Actor,
    setter: OrgUnit,
    year: int,
    kind: str,
    *,
    today: date,
    locale: str = "vi",
) -> Export:
    """The scorecards of every unit directly below `setter`, side by side; audited."""
    _check(kind, year)
    cards = scorecards.cards_below(session, actor, setter, year, today)
    criteria = scorecards.criteria(session, setter, year)
    if kind == "xlsx":
        body, media = table_xlsx(setter, year, criteria, cards, today, locale), XLSX_TYPE
    else:
        body, media = table_csv(criteria, cards, locale), CSV_TYPE
    _audit(session, actor, setter, year, kind, criteria=len(criteria), units=len(cards))
    return Export(body, media, filename(setter, year, kind, table=True))


def _parent(session: Session, unit: OrgUnit) -> OrgUnit:
    parent = session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
    if parent is None:
        raise BadInput("plans_export.no_parent", unit=unit.name)
    return parent


def _check(kind: str, year: int) -> None:
    if kind not in FORMATS:
        raise BadInput("plans_export.bad_format", kind=kind[:20])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadInput("plans_export.bad_year", year=year, min=MIN_YEAR, max=MAX_YEAR)


def _audit(
    session: Session, actor: Actor, unit: OrgUnit, year: int, kind: str, **counts: int
) -> None:
    audit.record(
        session,
        actor=actor,
        action="scorecard.exported",
        target=f"{unit.code}:{year}",
        unit_id=unit.id,
        detail={"format": kind, **counts},
    )


# --- Writing -------------------------------------------------------------------------------------


def _book(
    sheet_name: str,
    title: str,
    lines: list[str],
    rows: list[list[Cell]],
    widths: Sequence[int],
    footer: list[str],
    *,
    bold_last: bool,
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
    last = get_column_letter(len(rows[0]))
    sheet.append([title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(name=FONT, size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for text in lines:
        sheet.append([text])
        sheet.merge_cells(f"A{sheet.max_row}:{last}{sheet.max_row}")
        sheet.cell(sheet.max_row, 1).font = Font(name=FONT, size=12)
    sheet.append([])
    first = len(lines) + 3  # the title, the lines, a blank row, then the table
    for row in rows:
        sheet.append([text_cell(c) if isinstance(c, str) else c for c in row])
    _style_table(sheet, first, first + len(rows) - 1, len(rows[0]), bold_last=bold_last)
    sheet.append([])
    for text in footer:
        sheet.append([text])
        sheet.cell(sheet.max_row, 1).font = Font(name=FONT, size=11, italic=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{first}:{first}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _style_table(sheet: object, first: int, last: int, width: int, *, bold_last: bool) -> None:
    """Borders on every cell, a bold heading (and total), wrapped text."""
    side = Side(style="thin")
    border = Border(left=side, right=side, top=side, bottom=side)
    for row in sheet.iter_rows(min_row=first, max_row=last, max_col=width):  # type: ignore[attr-defined]
        for cell in row:
            bold = cell.row == first or (bold_last and cell.row == last)
            cell.font = Font(name=FONT, size=12, bold=bold)
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, int | float):
                cell.number_format = "0.0#"


def _footer(locale: str, today: date, *, signed: bool) -> list[str]:
    lines = [_t(locale, "computed_on", date=f"{today:%d/%m/%Y}")]
    return [*lines, _t(locale, "signature")] if signed else lines


def csv_bytes(rows: list[list[Cell]]) -> bytes:
    """UTF-8 with a BOM, so that spreadsheet programs read the Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_cell(c) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(cell: Cell) -> str:
    """Numbers as people write them (85, not 85.0); text as `text_cell` keeps it."""
    if cell is None:
        return ""
    return text_cell(cell) if isinstance(cell, str) else f"{cell:g}"


def text_cell(text: str) -> str:
    """Text a spreadsheet shows as typed: a title starting with `=`, `+`, `-` or `@` would
    otherwise run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _t(locale: str, key: str, **params: object) -> str:
    return translate(f"plans_export.{key}", locale, **params)
