"""Fieldwork at a glance: responses per day, per channel and per unit, progress against the
survey's quotas, the median interview length, and the responses flagged for review.

Quotas are `{"question": name, "value": choice name, "target": count}` (`Survey.quotas`): the
progress counts the responses not rejected whose answer to the question is (or, for a multiple
choice, includes) the value. Everything is counted from the stored responses of one survey, in
one pass, so the page stays as cheap as the number of responses (a survey, not the stream).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.ingest.dates import VIETNAM_TIME
from duluan.surveys.models import Response, Survey


@dataclass(frozen=True)
class QuotaProgress:
    question: str
    value: str
    target: int
    reached: int

    @property
    def share(self) -> float:
        return min(1.0, self.reached / self.target) if self.target > 0 else 0.0


@dataclass(frozen=True)
class Fieldwork:
    total: int
    by_status: dict[str, int]
    by_channel: dict[str, int]
    by_unit: dict[int, int]
    by_collector: dict[int, int]  # platform accounts (ODK, paper), never respondents
    by_day: list[tuple[date, int]]
    median_seconds: float | None
    flagged: int
    quotas: list[QuotaProgress] = field(default_factory=list)


def fieldwork(session: Session, survey: Survey) -> Fieldwork:
    """The fieldwork figures of one survey."""
    rows = session.execute(
        select(
            Response.status,
            Response.channel,
            Response.unit_id,
            Response.collector_id,
            Response.received_at,
            Response.duration_seconds,
            Response.flags,
            Response.answers,
        ).where(Response.survey_id == survey.id)
    ).all()
    by_day: Counter[date] = Counter()
    durations = []
    counted: list[dict[str, Any]] = []
    for status, _channel, _unit, _collector, received, seconds, _flags, answers in rows:
        by_day[received.astimezone(VIETNAM_TIME).date()] += 1
        if seconds is not None:
            durations.append(seconds)
        if status != "rejected":
            counted.append(answers or {})
    return Fieldwork(
        total=len(rows),
        by_status=dict(Counter(r[0] for r in rows)),
        by_channel=dict(Counter(r[1] for r in rows)),
        by_unit=dict(Counter(r[2] for r in rows)),
        by_collector=dict(Counter(r[3] for r in rows if r[3] is not None)),
        by_day=sorted(by_day.items()),
        median_seconds=statistics.median(durations) if durations else None,
        flagged=sum(1 for r in rows if r[6]),
        quotas=[_progress(quota, counted) for quota in survey.quotas or []],
    )


def _progress(quota: dict[str, Any], answers: list[dict[str, Any]]) -> QuotaProgress:
    question, value = str(quota.get("question", "")), str(quota.get("value", ""))
    reached = sum(1 for a in answers if value in str(a.get(question, "")).split())
    return QuotaProgress(question, value, int(quota.get("target", 0) or 0), reached)


def response_count(session: Session, survey: Survey) -> int:
    """How many responses the survey has (any status)."""
    statement = select(func.count()).where(Response.survey_id == survey.id)
    return session.scalar(statement) or 0
