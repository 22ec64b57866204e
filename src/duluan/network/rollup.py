"""The roll-up: what a unit's descendants reported for a period, aggregated by topic, locality
and tone, with the representative quotes its analysts pick, and the consolidated report the unit
forwards upward.

The roll-up of a unit reads the reports filed below it (not its own) whose period is the one
asked: periodic reports of the cadence, and urgent reports of the months the period spans.
Counts are of opinion streams, the unit a report relays what people say in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import NotFound
from duluan.network import field_reports, periods
from duluan.network.field_reports import Draft, Stream
from duluan.network.models import FieldReport, OpinionStream


@dataclass(frozen=True)
class Rollup:
    unit: OrgUnit
    cadence: str
    period: str
    reports: list[FieldReport]
    streams: list[OpinionStream]
    by_topic: Counter[str]
    by_locality: Counter[str]
    by_tone: Counter[str]

    @property
    def picked(self) -> list[OpinionStream]:
        return [s for s in self.streams if s.picked]


def rollup(session: Session, actor: Actor, unit: OrgUnit, cadence: str, period: str) -> Rollup:
    """The reports filed below `unit` for the period, and their streams aggregated."""
    actor.require("network.view", unit.path)
    period = periods.check(cadence, period)
    reports = _below(session, unit, cadence, period)
    by_report = field_reports.streams_of(session, [r.id for r in reports])
    streams = [s for r in reports for s in by_report[r.id]]
    report_of = {r.id: r for r in reports}
    return Rollup(
        unit=unit,
        cadence=cadence,
        period=period,
        reports=reports,
        streams=streams,
        by_topic=Counter(s.topic or _first_topic(report_of[s.report_id]) for s in streams),
        by_locality=Counter(
            report_of[s.report_id].commune_code or report_of[s.report_id].province_code
            for s in streams
        ),
        by_tone=Counter(s.tone for s in streams),
    )


def pick(session: Session, actor: Actor, stream_id: int, picked: bool) -> OpinionStream:
    """Mark (or unmark) a stream as a representative quote of the roll-up above its report."""
    stream = session.get(OpinionStream, stream_id)
    report = session.get(FieldReport, stream.report_id) if stream else None
    unit = session.get(OrgUnit, report.unit_id) if report else None
    if stream is None or unit is None or not actor.may("network.view", unit.path):
        raise NotFound("network.errors.report_unknown", id=stream_id)
    actor.require("network.manage", unit.path)
    stream.picked = picked
    audit.record(
        session,
        actor=actor,
        action="network.stream_picked",
        target=str(stream.id),
        unit_id=unit.id,
        detail={"picked": picked},
    )
    return stream


def consolidate(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    cadence: str,
    period: str,
    *,
    causes: str = "",
    forecast: str = "",
    proposals: str = "",
) -> FieldReport:
    """The unit's own report for the period, made of the picked quotes of its roll-up (each
    pointing at the stream it came from) and the analysts' causes, forecast and proposals;
    filed to the unit, so it counts on its parent's submission board. Made once per unit and
    period: asking again returns the one made."""
    found = rollup(session, actor, unit, cadence, period)
    picked = found.picked or found.streams
    draft = Draft(
        instance_id=f"consolidated:{unit.id}:{cadence}:{found.period}",
        kind="periodic",
        cadence=cadence,
        period=found.period,
        topics=tuple(code for code, _ in found.by_topic.most_common() if code),
        streams=tuple(Stream(s.content, s.spread, s.tone, s.topic) for s in picked),
        causes=causes,
        forecast=forecast,
        proposals=proposals,
    )
    report, created = field_reports.submit(session, actor, unit, draft)
    if created:
        report.consolidated = True
        made = field_reports.streams_of(session, [report.id])[report.id]
        for copy, source in zip(made, picked, strict=True):
            copy.source_stream_id = source.id
    return report


def _below(session: Session, unit: OrgUnit, cadence: str, period: str) -> list[FieldReport]:
    year, first, last = periods.months(cadence, period)
    months = [f"{year}-{m:02d}" for m in range(first, last + 1)]
    query = (
        select(FieldReport)
        .join(OrgUnit, OrgUnit.id == FieldReport.unit_id)
        .where(
            OrgUnit.path.startswith(unit.path),
            FieldReport.unit_id != unit.id,
            FieldReport.status == "submitted",
            (
                (FieldReport.kind == "periodic")
                & (FieldReport.cadence == cadence)
                & (FieldReport.period == period)
            )
            | ((FieldReport.kind == "urgent") & FieldReport.period.in_(months)),
        )
        .order_by(FieldReport.submitted_at, FieldReport.id)
    )
    return list(session.scalars(query))


def _first_topic(report: FieldReport) -> str:
    return report.topics[0] if report.topics else ""
