"""The people's-voice part of a report's snapshot: surveys whose fieldwork ended or whose results
were published in the period, what collaborators and units reported (counts and a few
representative quotes), and the petitions raised at dialogue sessions with their status.

Quotes are the opinion streams' text, masked at filing; each carries the unit and commune it
came from and the day, never who filed it. Consolidated field reports (a unit's roll-up of its
descendants') are left out: their streams are copies of reports already counted here.
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from duluan.analysis.rollups import day_of
from duluan.auth.models import OrgUnit
from duluan.geo import admin_map
from duluan.network import field_reports as filed
from duluan.network import periods as cadences
from duluan.network.models import (
    CADENCES,
    Collaborator,
    DialogueSession,
    FieldReport,
    OpinionStream,
    Petition,
)
from duluan.reports.periods import Period
from duluan.reports.snapshot_warning import instants
from duluan.surveys.models import Response, Survey
from duluan.surveys.publication_models import SurveyPublication

QUOTES = 6  # representative quotes kept in the snapshot
QUOTE_CHARS = 600
SPREAD_RANK = {"widespread": 0, "many": 1, "some": 2, "few": 3}


def surveys(session: Session, unit: OrgUnit, period: Period) -> list[dict[str, Any]]:
    """Surveys owned at or below `unit` whose fieldwork ended, or whose results were published,
    in the period: their responses, fieldwork dates and, when the results are published, the
    published margin of error, sample size and headline findings."""
    first, after = instants(period)
    published_in_period = select(SurveyPublication.survey_id).where(
        SurveyPublication.withdrawn_at.is_(None),
        SurveyPublication.published_at >= first,
        SurveyPublication.published_at < after,
    )
    found = session.scalars(
        select(Survey)
        .join(OrgUnit, OrgUnit.id == Survey.unit_id)
        .where(OrgUnit.path.startswith(unit.path))
        .where(
            or_(
                and_(Survey.fieldwork_end >= period.start, Survey.fieldwork_end <= period.end),
                Survey.id.in_(published_in_period),
            )
        )
        .order_by(Survey.fieldwork_end, Survey.id)
    ).all()
    ids = [survey.id for survey in found]
    counts = dict(
        session.execute(
            select(Response.survey_id, func.count())
            .where(Response.survey_id.in_(ids), Response.status != "rejected")
            .group_by(Response.survey_id)
        ).all()
    )
    published = {
        row.survey_id: row
        for row in session.scalars(
            select(SurveyPublication).where(
                SurveyPublication.survey_id.in_(ids), SurveyPublication.withdrawn_at.is_(None)
            )
        )
    }
    return [
        _survey_row(survey, int(counts.get(survey.id, 0)), published.get(survey.id))
        for survey in found
    ]


def _survey_row(
    survey: Survey, responses: int, publication: SurveyPublication | None
) -> dict[str, Any]:
    items = publication.transparency if publication is not None else {}
    return {
        "title": survey.title,
        "fieldwork_start": survey.fieldwork_start.isoformat() if survey.fieldwork_start else None,
        "fieldwork_end": survey.fieldwork_end.isoformat() if survey.fieldwork_end else None,
        "responses": responses,
        "published": publication is not None,
        "sample_size": _number(items.get("sample_size")),
        "margin_of_error": _number(items.get("margin_of_error")),
        "findings": _findings(publication) if publication is not None else [],
    }


def _findings(publication: SurveyPublication, limit: int = 3) -> list[dict[str, Any]]:
    """The headline of each published frequency table (the first `limit`): the answer most
    chosen among the cells shown, with its 95 % interval. Suppressed cells never count."""
    found = []
    for table in (publication.results or {}).get("tables", []):
        if table.get("kind") != "frequency":
            continue
        shown = [row[0] for row in table["rows"] if not row[0]["suppressed"]]
        shown = [cell for cell in shown if cell["share"] is not None]
        if not shown:
            continue
        top = max(shown, key=lambda cell: cell["share"])
        found.append(
            {
                "question": table["wording"],
                "answer": top["label"],
                "share": top["share"],
                "ci_low": top["ci_low"],
                "ci_high": top["ci_high"],
            }
        )
    return found[:limit]


def _number(value: Any) -> float | None:
    """A transparency item as a number (a margin of error may be stored as 0.031 or "3,1")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace("%", "").replace(",", ".").strip())
        except ValueError:
            return None
    return None


def _periods_within(period: Period) -> Any:
    """The condition on (cadence, period) of periodic field reports whose period lies within
    `period`: the months of a quarter report, the quarters of a year, and so on."""
    labels: dict[str, set[str]] = {cadence: set() for cadence in CADENCES}
    month = date(period.start.year, period.start.month, 1)
    while month <= period.end:
        for cadence in CADENCES:
            label = cadences.period_of(cadence, month)
            year, first, last = cadences.months(cadence, label)
            ends = date(year, last, calendar.monthrange(year, last)[1])
            if date(year, first, 1) >= period.start and ends <= period.end:
                labels[cadence].add(label)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return or_(
        *(
            and_(FieldReport.cadence == cadence, FieldReport.period.in_(sorted(found)))
            for cadence, found in labels.items()
            if found
        ),
        false(),
    )


def field_reports(
    session: Session, unit: OrgUnit, period: Period, topics: dict[str, str]
) -> dict[str, Any]:
    """Field reports filed at or below `unit` for the period (periodic reports of periods within
    it, urgent reports of events in it), their opinion streams counted, and a few quotes."""
    first, after = instants(period)
    urgent_in_period = or_(
        FieldReport.occurred_on.between(period.start, period.end),
        FieldReport.occurred_on.is_(None)
        & (FieldReport.submitted_at >= first)
        & (FieldReport.submitted_at < after),
    )
    rows = session.execute(
        select(FieldReport, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == FieldReport.unit_id)
        .where(OrgUnit.path.startswith(unit.path))
        .where(FieldReport.status == "submitted", FieldReport.consolidated.is_(False))
        .where(
            ((FieldReport.kind == "periodic") & _periods_within(period))
            | ((FieldReport.kind == "urgent") & urgent_in_period)
        )
        .order_by(FieldReport.submitted_at, FieldReport.id)
    ).all()
    reports = {report.id: (report, name) for report, name in rows}
    streams = [s for found in filed.streams_of(session, list(reports)).values() for s in found]
    by_topic = Counter(s.topic or _first_topic(reports[s.report_id][0]) for s in streams)
    collaborators = session.scalar(
        select(func.count())
        .select_from(Collaborator)
        .join(OrgUnit, OrgUnit.id == Collaborator.unit_id)
        .where(OrgUnit.path.startswith(unit.path), Collaborator.status == "active")
    )
    return {
        "reports": len(reports),
        "urgent": sum(report.kind == "urgent" for report, _ in reports.values()),
        "units_reporting": len({report.unit_id for report, _ in reports.values()}),
        "collaborators_active": int(collaborators or 0),
        "streams": len(streams),
        "by_tone": dict(Counter(s.tone for s in streams)),
        "by_topic": [
            {"topic": code, "name": topics.get(code, code or "—"), "streams": n}
            for code, n in sorted(by_topic.items(), key=lambda item: (-item[1], item[0]))
        ],
        "quotes": [_quote(s, *reports[s.report_id], topics) for s in _representative(streams)],
    }


def _first_topic(report: FieldReport) -> str:
    return report.topics[0] if report.topics else ""


def _representative(streams: list[OpinionStream]) -> list[OpinionStream]:
    """Up to QUOTES streams: those the analysts picked first, then the most widespread; one per
    topic before a second of any topic, so the quotes show the range of what is said."""
    ranked = sorted(streams, key=lambda s: (not s.picked, SPREAD_RANK.get(s.spread, 9), s.id))
    chosen: list[OpinionStream] = []
    seen: set[str] = set()
    for stream in ranked:
        if stream.topic not in seen and len(chosen) < QUOTES:
            chosen.append(stream)
            seen.add(stream.topic)
    for stream in ranked:
        if stream not in chosen and len(chosen) < QUOTES:
            chosen.append(stream)
    return sorted(chosen, key=ranked.index)


def _quote(
    stream: OpinionStream, report: FieldReport, unit_name: str, topics: dict[str, str]
) -> dict[str, Any]:
    commune = admin_map.commune_names().get(report.commune_code, "") if report.commune_code else ""
    when = report.occurred_on or (day_of(report.submitted_at) if report.submitted_at else None)
    return {
        "text": stream.content[:QUOTE_CHARS],
        "unit": unit_name,
        "commune": commune if commune != unit_name else "",
        "date": when.isoformat() if when else None,
        "topic": topics.get(stream.topic, stream.topic),
        "tone": stream.tone,
        "spread": stream.spread,
    }


def petitions(
    session: Session, unit: OrgUnit, period: Period, topics: dict[str, str]
) -> dict[str, Any]:
    """Dialogue sessions held in the period; petitions received in it (raised at a session of
    the period, or recorded in it when raised outside a session) by status and topic; answers
    given in the period; petitions received by the end of the period, due before its last day
    and still open when the snapshot is taken (statuses are current, not as they were then)."""
    first, after = instants(period)
    in_scope = OrgUnit.path.startswith(unit.path)
    held = session.execute(
        select(func.count(), func.coalesce(func.sum(DialogueSession.attendees), 0))
        .join(OrgUnit, OrgUnit.id == DialogueSession.unit_id)
        .where(in_scope, DialogueSession.held_on.between(period.start, period.end))
    ).one()
    received = session.execute(
        select(Petition.status, Petition.topic)
        .join(OrgUnit, OrgUnit.id == Petition.unit_id)
        .outerjoin(DialogueSession, DialogueSession.id == Petition.session_id)
        .where(in_scope)
        .where(
            DialogueSession.held_on.between(period.start, period.end)
            | (
                DialogueSession.id.is_(None)
                & (Petition.created_at >= first)
                & (Petition.created_at < after)
            )
        )
    ).all()
    answered = session.scalar(
        select(func.count())
        .select_from(Petition)
        .join(OrgUnit, OrgUnit.id == Petition.unit_id)
        .where(in_scope, Petition.answered_on.between(period.start, period.end))
    )
    overdue = session.scalar(
        select(func.count())
        .select_from(Petition)
        .join(OrgUnit, OrgUnit.id == Petition.unit_id)
        .outerjoin(DialogueSession, DialogueSession.id == Petition.session_id)
        .where(in_scope, Petition.status == "open", Petition.due_on < period.end)
        .where(
            (DialogueSession.held_on <= period.end)
            | (DialogueSession.id.is_(None) & (Petition.created_at < after))
        )
    )
    by_topic = Counter(topic for _, topic in received)
    return {
        "sessions": int(held[0]),
        "attendees": int(held[1]),
        "received": len(received),
        "by_status": dict(Counter(status for status, _ in received)),
        "by_topic": [
            {"topic": code, "name": topics.get(code, code or "—"), "petitions": n}
            for code, n in sorted(by_topic.items(), key=lambda item: (-item[1], item[0]))
        ],
        "answered_in_period": int(answered or 0),
        "overdue": int(overdue or 0),
    }
