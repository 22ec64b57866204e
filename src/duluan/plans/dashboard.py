"""Where a unit's tasks stand: due soon, overdue, done, by lead; and the reminders sent to a
task's lead unit before its deadline.

A task is overdue when its deadline has a last day that has passed and it is neither done nor
cancelled; "regular" tasks and those waiting on guidance are never overdue.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.i18n import stored_text
from duluan.plans.models import Plan, Task
from duluan.warning import delivery

DUE_SOON_DAYS = 30
REMIND_DAYS = 7
OPEN = ("todo", "in_progress")


def state_of(task: Task, today: date) -> str:
    """done, cancelled, overdue, due_soon, open (with a later or no last day)."""
    if task.status in ("done", "cancelled"):
        return task.status
    if task.due_on is not None and today > task.due_on:
        return "overdue"
    if task.due_on is not None and task.due_on - today <= timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "open"


@dataclass(frozen=True)
class Summary:
    tasks: list[Task]
    states: dict[int, str]  # task id -> state
    counts: Counter[str]
    by_lead: dict[str, Counter[str]]  # lead as written -> state counts


def summary(session: Session, actor: Actor, today: date, unit: OrgUnit | None = None) -> Summary:
    """The tasks of the plans of units within the actor's scope and the tasks their units lead
    (narrowed to plans of `unit` and below, or to tasks led there), with their states."""
    lead = aliased(OrgUnit)
    query = (
        select(Task)
        .join(Plan, Plan.id == Task.plan_id)
        .join(OrgUnit, OrgUnit.id == Plan.unit_id)
        .outerjoin(lead, lead.id == Task.lead_unit_id)
        .where(
            scope_filter(actor, "plans.view", OrgUnit.path)
            | scope_filter(actor, "plans.view", lead.path)
        )
    )
    if unit is not None:
        query = query.where(OrgUnit.path.startswith(unit.path) | lead.path.startswith(unit.path))
    tasks = list(session.scalars(query.order_by(Task.due_on.is_(None), Task.due_on, Task.id)))
    states = {t.id: state_of(t, today) for t in tasks}
    by_lead: dict[str, Counter[str]] = {}
    for task in tasks:
        by_lead.setdefault(task.lead or "—", Counter())[states[task.id]] += 1
    return Summary(tasks, states, Counter(states.values()), by_lead)


def remind(session: Session, today: date) -> int:
    """Notify the staff of each open task's lead unit once, `REMIND_DAYS` or fewer days before
    its last day; the number of notifications made."""
    due = session.scalars(
        select(Task).where(
            Task.status.in_(OPEN),
            Task.lead_unit_id.is_not(None),
            Task.due_on >= today,
            Task.due_on <= today + timedelta(days=REMIND_DAYS),
        )
    )
    made = 0
    for task in due:
        assert task.lead_unit_id is not None  # noqa: S101 - filtered above
        text = stored_text(
            "notifications.task_reminder_text",
            task=task.content[:200],
            due=f"{task.due_on:%d/%m/%Y}",
        )
        link = f"/plans/{task.plan_id}#task-{task.id}"
        made += delivery.remind_once(session, task.lead_unit_id, link, text)
    return made
