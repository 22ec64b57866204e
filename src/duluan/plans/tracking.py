"""A plan's tracking sheet: its tasks with lead, coordinating units, deadline, state, progress and
the latest note, as XLSX or CSV, the table offices send upward when asked how a plan stands.

The first five columns carry the headings the importer reads (`service.HEADINGS`), so the sheet
can be edited and imported again as a new plan, and serves as the template of a task table.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.plans import dashboard, service
from duluan.plans.exports import CSV_TYPE, FORMATS, XLSX_TYPE, Cell, Export, csv_bytes, text_cell
from duluan.plans.models import Plan

COLUMNS = ("code", "content", "lead", "coordinating", "deadline", "due_on", "state", "progress")
WIDTHS = (8, 60, 30, 30, 30, 12, 16, 10, 50)


def export_plan(
    session: Session, actor: Actor, plan: Plan, kind: str, *, today: date, locale: str = "vi"
) -> Export:
    """The plan's tracking sheet as `kind` (xlsx or csv); the export is audited."""
    if kind not in FORMATS:
        raise BadInput("plans_export.bad_format", kind=kind[:20])
    rows = _rows(session, plan, today, locale)
    body, media = (
        (_xlsx(plan, rows, today, locale), XLSX_TYPE)
        if kind == "xlsx"
        else (csv_bytes(rows), CSV_TYPE)
    )
    audit.record(
        session,
        actor=actor,
        action="plan.exported",
        target=str(plan.id),
        unit_id=plan.unit_id,
        detail={"format": kind, "tasks": len(rows) - 1},
    )
    return Export(body, media, f"theo-doi-ke-hoach-{plan.id}.{kind}")


def _rows(session: Session, plan: Plan, today: date, locale: str) -> list[list[Cell]]:
    def t(key: str) -> str:
        return translate(key, locale)

    rows: list[list[Cell]] = [[t(f"plans_tracking.{c}") for c in (*COLUMNS, "note")]]
    for task in service.tasks_of(session, plan):
        notes = service.notes_of(session, task)
        rows.append(
            [
                task.code,
                task.content,
                task.lead,
                "; ".join(task.coordinating),
                task.deadline_text,
                f"{task.due_on:%d/%m/%Y}" if task.due_on else "",
                t(f"plans.states.{dashboard.state_of(task, today)}"),
                task.progress,
                notes[-1].text if notes else "",
            ]
        )
    return rows


def _xlsx(plan: Plan, rows: list[list[Cell]], today: date, locale: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = translate("plans_tracking.sheet", locale)[:31]
    sheet.append([plan.title])
    sheet.append([translate("plans_tracking.as_of", locale, date=f"{today:%d/%m/%Y}")])
    sheet["A1"].font = Font(bold=True, size=13)
    for row in rows:
        sheet.append([text_cell(c) if isinstance(c, str) else c for c in row])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A4"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
