"""The hourly reminders job: deadlines coming for reports (network) and plan tasks (plans).

Each domain decides whom to remind and remembers whom it has told, so running this job again the
same day (a restart, two schedulers) notifies no one twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from duluan.analysis.rollups import day_of
from duluan.db.engine import transaction
from duluan.db.types import utcnow
from duluan.ingest.service import Progress
from duluan.network import deadlines
from duluan.plans import dashboard


def remind_job(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Job step: the reminders due on the Vietnamese day of `payload["at"]` (default now)."""
    at = datetime.fromisoformat(payload["at"]) if payload.get("at") else utcnow()
    today = day_of(at)
    with transaction(factory, write=True) as session:
        reports = deadlines.remind(session, today)
        tasks = dashboard.remind(session, today)
    progress(1, 1)
    return {"report_reminders": reports, "task_reminders": tasks}
