"""Plans and their tasks: creating a plan, importing its task table from a spreadsheet, and
following each task (status, progress notes, evidence).

A plan belongs to the unit that issued it; staff of that unit and the units above see it
(`plans.view`), its analysts and admins keep it (`plans.manage`). A task's lead unit, when it is a
platform unit, reads the plan and reports progress on its own tasks. Every change is audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date

import openpyxl  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.db.types import utcnow
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.plans import deadlines
from duluan.plans.models import TASK_STATUSES, Plan, Task, TaskEvidence, TaskNote
from duluan.text.fold import fold

MAX_TEXT = 10_000
MAX_ROWS = 2_000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
# What a damaged workbook makes zipfile and openpyxl raise (see surveys/xlsform.py).
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    InvalidFileException,
    SyntaxError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    OSError,
)
# Column headings a task table may use, folded (no diacritics, lower case), by field.
HEADINGS: dict[str, tuple[str, ...]] = {
    "code": ("stt", "so tt", "ma", "ma nhiem vu", "muc"),
    "content": ("noi dung", "nhiem vu", "noi dung nhiem vu", "ten nhiem vu", "cong viec"),
    "lead": (
        "don vi chu tri",
        "chu tri",
        "co quan chu tri",
        "trach nhiem thuc hien",
        "trach nhiem tham muu",
        "don vi thuc hien",
    ),
    "coordinating": ("don vi phoi hop", "phoi hop", "co quan phoi hop", "trach nhiem phoi hop"),
    "deadline": ("thoi han", "thoi gian thuc hien", "thoi gian hoan thanh", "thoi gian", "han"),
}


@dataclass(frozen=True)
class TaskDraft:
    content: str
    code: str = ""
    lead: str = ""
    coordinating: tuple[str, ...] = ()
    deadline: str = ""


# --- Plans --------------------------------------------------------------------------------------


def create_plan(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    *,
    title: str,
    number: str = "",
    issued_on: date | None = None,
    source_document: str = "",
    tasks: list[TaskDraft] = (),  # type: ignore[assignment]
) -> Plan:
    """A plan of `unit` with its tasks."""
    actor.require("plans.manage", unit.path)
    title = " ".join(title.split())
    if not title:
        raise BadInput("plans.errors.title_required")
    plan = Plan(
        unit_id=unit.id,
        title=title[:500],
        number=" ".join(number.split())[:64],
        issued_on=issued_on,
        source_document=_text(source_document),
    )
    session.add(plan)
    session.flush()
    for draft in tasks:
        _add_task(session, plan, unit, draft)
    audit.record(
        session,
        actor=actor,
        action="plan.created",
        target=str(plan.id),
        unit_id=unit.id,
        detail={"tasks": len(tasks)},
    )
    return plan


def add_task(session: Session, actor: Actor, plan: Plan, draft: TaskDraft) -> Task:
    unit = _plan_unit(session, plan, actor, "plans.manage")
    task = _add_task(session, plan, unit, draft)
    audit.record(
        session, actor=actor, action="plan.task_added", target=str(task.id), unit_id=unit.id
    )
    return task


def visible(actor: Actor) -> Select[Plan]:
    """Plans of units within the actor's scope, and plans with a task their unit leads (a lead
    unit reads the plan it carries out, and reports progress on its own tasks)."""
    lead = aliased(OrgUnit)
    leads_a_task = (
        select(Task.id)
        .join(lead, lead.id == Task.lead_unit_id)
        .where(Task.plan_id == Plan.id, scope_filter(actor, "plans.view", lead.path))
        .exists()
    )
    return (
        select(Plan)
        .join(OrgUnit, OrgUnit.id == Plan.unit_id)
        .where(scope_filter(actor, "plans.view", OrgUnit.path) | leads_a_task)
    )


def plans(session: Session, actor: Actor) -> list[Plan]:
    query = visible(actor).order_by(Plan.issued_on.desc(), Plan.id.desc())
    return list(session.scalars(query))


def get_plan(session: Session, actor: Actor, plan_id: int) -> Plan:
    plan = session.scalar(visible(actor).where(Plan.id == plan_id))
    if plan is None:
        raise NotFound("plans.errors.plan_unknown", id=plan_id)
    return plan


def tasks_of(session: Session, plan: Plan) -> list[Task]:
    query = select(Task).where(Task.plan_id == plan.id).order_by(Task.position, Task.id)
    return list(session.scalars(query))


# --- Following a task ---------------------------------------------------------------------------


def get_task(session: Session, actor: Actor, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("plans.errors.task_unknown", id=task_id)
    get_plan(session, actor, task.plan_id)
    return task


def may_update(session: Session, actor: Actor, task: Task) -> bool:
    """The plan's keepers, and the staff of the task's lead unit, report progress."""
    plan = session.get(Plan, task.plan_id)
    ids = [i for i in (plan.unit_id if plan else None, task.lead_unit_id) if i is not None]
    units = [session.get(OrgUnit, i) for i in ids]
    return any(u is not None and actor.may("plans.manage", u.path) for u in units)


def update_task(
    session: Session,
    actor: Actor,
    task: Task,
    *,
    status: str,
    progress: int,
    note: str,
    today: date,
) -> TaskNote:
    """Record progress on a task: its new status and percentage, with what was done."""
    if not may_update(session, actor, task):
        raise PermissionDenied("errors.permission_denied")
    if status not in TASK_STATUSES:
        raise BadInput("plans.errors.status", status=status)
    if not 0 <= progress <= 100:
        raise BadInput("plans.errors.progress")
    text = _text(note)
    if not text:
        raise BadInput("plans.errors.note_required")
    progress = 100 if status == "done" else progress
    task.status, task.progress, task.updated_at = status, progress, utcnow()
    task.done_on = today if status == "done" else None
    entry = TaskNote(
        task_id=task.id,
        author_id=actor.user_id or None,
        text=text,
        status=status,
        progress=progress,
    )
    session.add(entry)
    audit.record(
        session,
        actor=actor,
        action="plan.task_updated",
        target=str(task.id),
        detail={"status": status, "progress": progress},
    )
    return entry


def notes_of(session: Session, task: Task) -> list[TaskNote]:
    query = select(TaskNote).where(TaskNote.task_id == task.id).order_by(TaskNote.id)
    return list(session.scalars(query))


def add_evidence(
    session: Session, actor: Actor, task: Task, name: str, content_type: str, data: bytes
) -> TaskEvidence:
    if not may_update(session, actor, task):
        raise PermissionDenied("errors.permission_denied")
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
    if not name or not data:
        raise BadInput("plans.errors.evidence_empty")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise BadInput("plans.errors.evidence_too_large", megabytes=MAX_EVIDENCE_BYTES >> 20)
    taken = select(TaskEvidence.id).where(
        TaskEvidence.task_id == task.id, TaskEvidence.name == name
    )
    if session.scalar(taken) is not None:
        raise BadInput("plans.errors.evidence_twice", name=name)
    evidence = TaskEvidence(
        task_id=task.id,
        name=name,
        content_type=content_type[:100] or "application/octet-stream",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    session.add(evidence)
    audit.record(
        session,
        actor=actor,
        action="plan.evidence_added",
        target=str(task.id),
        detail={"name": name},
    )
    return evidence


# --- Importing a task table ---------------------------------------------------------------------


def read_task_table(data: bytes, filename: str) -> list[TaskDraft]:
    """The tasks of a spreadsheet (.xlsx or .csv): a heading row naming at least the content
    column (see HEADINGS), then one task per row; blank rows are skipped. BadInput names the row
    and column at fault."""
    if len(data) > MAX_FILE_BYTES:
        raise BadInput("plans.errors.file_too_large", megabytes=MAX_FILE_BYTES >> 20)
    rows = _xlsx_rows(data) if filename.lower().endswith(".xlsx") else _csv_rows(data)
    header_at, columns = _find_header(rows)
    drafts: list[TaskDraft] = []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = {field: _cell(row, index) for field, index in columns.items()}
        if not any(cells.values()):
            continue
        if not cells.get("content"):
            raise BadInput("plans.errors.row_no_content", row=number)
        if len(drafts) >= MAX_ROWS:
            raise BadInput("plans.errors.too_many_rows", maximum=MAX_ROWS)
        drafts.append(
            TaskDraft(
                content=cells["content"],
                code=cells.get("code", ""),
                lead=cells.get("lead", ""),
                coordinating=tuple(_split(cells.get("coordinating", ""))),
                deadline=cells.get("deadline", ""),
            )
        )
    if not drafts:
        raise BadInput("plans.errors.no_tasks")
    return drafts


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The first sheet's cells as text (refusing a file that unzips to more than 50 MB)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise BadInput("plans.errors.file_too_large", megabytes=MAX_UNPACKED_BYTES >> 20)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [
            [_cell_text(v) for v in row]
            for row, _ in zip(sheet.iter_rows(values_only=True), range(MAX_ROWS + 20), strict=False)
        ]
        book.close()
    except _UNREADABLE:
        raise BadInput("plans.errors.not_a_workbook") from None
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("plans.errors.not_utf8") from None
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The first row (of the first ten) naming the content column, and each field's column."""
    for at, row in enumerate(rows[:10]):
        names = [fold(c.replace(".", " ")) for c in row]
        columns: dict[str, int] = {}
        for field, aliases in HEADINGS.items():
            for index, name in enumerate(names):
                if name in aliases and field not in columns and index not in columns.values():
                    columns[field] = index
        if "content" in columns:
            return at, columns
    raise BadInput("plans.errors.no_header")


def _cell(row: list[str], index: int) -> str:
    return " ".join(row[index].split()) if index < len(row) and row[index] else ""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value).strip()


def _split(text: str) -> list[str]:
    parts = [p.strip(" .") for p in text.replace(";", ",").replace("\n", ",").split(",")]
    return [p for p in parts if p]


# --- Helpers ------------------------------------------------------------------------------------


def _add_task(session: Session, plan: Plan, unit: OrgUnit, draft: TaskDraft) -> Task:
    content = _text(draft.content)
    if not content:
        raise BadInput("plans.errors.task_content")
    deadline = deadlines.read(draft.deadline)
    position = len(tasks_of(session, plan))
    task = Task(
        plan_id=plan.id,
        position=position,
        code=" ".join(draft.code.split())[:32],
        content=content,
        lead=" ".join(draft.lead.split())[:500],
        lead_unit_id=_unit_named(session, unit, draft.lead),
        coordinating=[c[:255] for c in draft.coordinating],
        deadline_text=deadline.text[:500],
        deadline_kind=deadline.kind,
        due_on=deadline.due_on,
        status="todo",
        progress=0,
    )
    session.add(task)
    session.flush()
    return task


def _unit_named(session: Session, unit: OrgUnit, name: str) -> int | None:
    """The unit of `unit`'s subtree whose name is exactly `name` (accents and case aside)."""
    folded = fold(name)
    if not folded:
        return None
    found = session.scalars(
        select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path), OrgUnit.search_name == folded)
    ).all()
    return found[0] if len(found) == 1 else None


def _plan_unit(session: Session, plan: Plan, actor: Actor, action: str) -> OrgUnit:
    unit = session.get(OrgUnit, plan.unit_id)
    if unit is None:
        raise NotFound("plans.errors.plan_unknown", id=plan.id)
    actor.require(action, unit.path)
    return unit


def _text(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise BadInput("plans.errors.text_too_long", maximum=MAX_TEXT)
    return text
