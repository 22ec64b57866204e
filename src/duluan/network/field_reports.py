"""Field reports: what collaborators and units report people in their area say.

A report is periodic (for a period of a cadence) or urgent (a sudden event). Its free text is
PII-masked when stored and read by the platform's models (sentiment, topics, places, with their
versions), and it never names the citizens whose views it relays. `instance_id` comes from the
device that drafted it, so a report drafted offline and sent twice is stored once.

Who sees what: a collaborator files for their own managing unit and sees only their own reports;
staff with `network.view` see the reports of their unit and its descendants; reading a report's
full text is audited. An urgent report notifies, in the app at once, the staff of its unit and of
every unit above it, and by e-mail where their unit's delivery rule asks for e-mail (as alerts).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, String, cast, exists, select
from sqlalchemy.orm import Session

from duluan.analysis import topics as topic_table
from duluan.analysis.pipeline import default_analyzer
from duluan.analysis.rollups import day_of
from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.db.types import utcnow
from duluan.errors import BadInput, Conflict, NotFound
from duluan.i18n import stored_text
from duluan.network import periods, roster
from duluan.network.checks import masked, one_of
from duluan.network.models import (
    CADENCES,
    REPORT_KINDS,
    SPREADS,
    TONES,
    FieldReport,
    OpinionStream,
    ReportAttachment,
)
from duluan.network.territory import resolve_place
from duluan.settings import get_settings
from duluan.warning import delivery
from duluan.warning.notifications import Notification

MAX_TEXT = 20_000  # characters of one text field
MAX_STREAMS = 30
MAX_TITLE = 300
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_INSTANCE_ID = 64


@dataclass(frozen=True)
class Stream:
    """One opinion stream as the reporter writes it."""

    content: str
    spread: str = "some"
    tone: str = "neutral"
    topic: str = ""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Draft:
    """A report as a form or a device sends it."""

    instance_id: str
    kind: str
    cadence: str = ""
    period: str = ""
    title: str = ""
    occurred_on: date | None = None
    province_code: str = ""
    commune_code: str = ""
    topics: tuple[str, ...] = ()
    streams: tuple[Stream, ...] = ()
    causes: str = ""
    forecast: str = ""
    proposals: str = ""
    attachments: tuple[Attachment, ...] = field(default=())


def submit(session: Session, actor: Actor, unit: OrgUnit, draft: Draft) -> tuple[FieldReport, bool]:
    """Store a report filed to `unit`; (report, created). A resend of an instance already stored
    by the same author returns it unchanged; the same instance id from someone else is refused."""
    actor.require("network.report", unit.path)
    existing = session.scalar(
        select(FieldReport).where(FieldReport.instance_id == draft.instance_id)
    )
    if existing is not None:
        if existing.author_id != actor.user_id:
            raise Conflict("network.errors.instance_taken")
        return existing, False
    collaborator = roster.of_user(session, actor.user_id)
    if "collaborator" in actor.roles and (collaborator is None or collaborator.unit_id != unit.id):
        raise BadInput("network.errors.not_own_unit")
    report = FieldReport(
        instance_id=_instance_id(draft.instance_id),
        unit_id=unit.id,
        author_id=actor.user_id or None,
        collaborator_id=collaborator.id
        if collaborator and collaborator.unit_id == unit.id
        else None,
        kind=one_of(draft.kind, REPORT_KINDS, "network.errors.kind"),
        status="submitted",
        submitted_at=utcnow(),
    )
    _fill(session, report, unit, draft)
    session.add(report)
    session.flush()
    for position, stream in enumerate(_streams(session, draft)):
        session.add(OpinionStream(report_id=report.id, position=position, **stream))
    for attachment in _attachments(draft.attachments):
        session.add(ReportAttachment(report_id=report.id, **attachment))
    audit.record(
        session,
        actor=actor,
        action="network.report_submitted",
        target=str(report.id),
        unit_id=unit.id,
        detail={"kind": report.kind, "period": report.period},
    )
    if report.kind == "urgent":
        _notify_urgent(session, actor, report)
    session.flush()
    return report, True


def visible(actor: Actor) -> Select[FieldReport]:
    """Reports the actor may list: their own, and those of units where they have
    `network.view`."""
    in_scope = scope_filter(actor, "network.view", OrgUnit.path)
    return (
        select(FieldReport)
        .join(OrgUnit, OrgUnit.id == FieldReport.unit_id)
        .where(in_scope | (FieldReport.author_id == (actor.user_id or -1)))
    )


def listing(
    session: Session,
    actor: Actor,
    *,
    unit: OrgUnit | None = None,
    kind: str | None = None,
    period: str | None = None,
    locality: str | None = None,
    topic: str | None = None,
    tone: str | None = None,
    limit: int = 200,
) -> list[FieldReport]:
    """Reports within the actor's sight, newest first, narrowed to a unit's subtree, a kind,
    a period, a locality (a province or commune code), a topic (of the report or of one of its
    streams) or a tone (of one of its streams)."""
    query = visible(actor)
    if unit is not None:
        query = query.where(OrgUnit.path.startswith(unit.path))
    if kind is not None:
        query = query.where(FieldReport.kind == kind)
    if period is not None:
        query = query.where(FieldReport.period == period)
    if locality:
        query = query.where(
            (FieldReport.commune_code == locality) | (FieldReport.province_code == locality)
        )
    if topic:
        # Topic codes are [a-z_]; the JSON list as text holds each one quoted, on SQLite and
        # PostgreSQL alike.
        in_streams = _streams_where(OpinionStream.topic == topic)
        query = query.where(cast(FieldReport.topics, String).contains(f'"{topic}"') | in_streams)
    if tone:
        query = query.where(_streams_where(OpinionStream.tone == tone))
    query = query.order_by(FieldReport.submitted_at.desc(), FieldReport.id.desc()).limit(limit)
    return list(session.scalars(query))


def _streams_where(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Reports with at least one opinion stream meeting `condition`."""
    return exists().where(OpinionStream.report_id == FieldReport.id, condition)


def read(session: Session, actor: Actor, report_id: int) -> FieldReport:
    """A report with its full text, if within the actor's sight (NotFound otherwise); audited."""
    report = session.scalar(visible(actor).where(FieldReport.id == report_id))
    if report is None:
        raise NotFound("network.errors.report_unknown", id=report_id)
    audit.record(
        session,
        actor=actor,
        action="network.report_read",
        target=str(report.id),
        unit_id=report.unit_id,
    )
    return report


def streams_of(session: Session, report_ids: list[int]) -> dict[int, list[OpinionStream]]:
    found: dict[int, list[OpinionStream]] = {i: [] for i in report_ids}
    query = (
        select(OpinionStream)
        .where(OpinionStream.report_id.in_(report_ids))
        .order_by(OpinionStream.report_id, OpinionStream.position)
    )
    for stream in session.scalars(query):
        found[stream.report_id].append(stream)
    return found


def attachments_of(session: Session, report_id: int) -> list[ReportAttachment]:
    query = select(ReportAttachment).where(ReportAttachment.report_id == report_id)
    return list(session.scalars(query.order_by(ReportAttachment.id)))


def link_case(session: Session, actor: Actor, report: FieldReport, case_id: int | None) -> None:
    """Tie an urgent report to the hotspot case that follows the event (or untie it)."""
    from duluan.warning import cases

    unit = session.get(OrgUnit, report.unit_id)
    actor.require("cases.handle", unit.path if unit else None)
    if case_id is not None:
        cases.get_case(session, actor, case_id)  # NotFound when out of sight
    report.case_id = case_id
    audit.record(
        session,
        actor=actor,
        action="network.report_case_linked",
        target=str(report.id),
        unit_id=report.unit_id,
        detail={"case_id": case_id},
    )


# --- Checking a draft ---------------------------------------------------------------------------


def _fill(session: Session, report: FieldReport, unit: OrgUnit, draft: Draft) -> None:
    if report.kind == "periodic":
        report.cadence = one_of(draft.cadence, CADENCES, "network.errors.cadence")
        report.period = periods.check(report.cadence, draft.period)
        if not draft.streams:
            raise BadInput("network.errors.streams_required")
    else:
        report.title = masked(draft.title, MAX_TITLE)
        if not report.title:
            raise BadInput("network.errors.title_required")
        report.occurred_on = draft.occurred_on
        report.period = periods.period_of("monthly", draft.occurred_on or day_of(utcnow()))
    report.province_code, report.commune_code = resolve_place(
        session, unit, draft.province_code, draft.commune_code
    )
    known = set(topic_table.names(session, "vi"))
    unknown = [code for code in draft.topics if code not in known]
    if unknown:
        raise BadInput("network.errors.topic_unknown", code=unknown[0])
    report.topics = list(dict.fromkeys(draft.topics))
    report.causes = masked(draft.causes, MAX_TEXT)
    report.forecast = masked(draft.forecast, MAX_TEXT)
    report.proposals = masked(draft.proposals, MAX_TEXT)
    report.analysis = _analysis(report, [s.content for s in draft.streams])


def _streams(session: Session, draft: Draft) -> list[dict[str, str]]:
    if len(draft.streams) > MAX_STREAMS:
        raise BadInput("network.errors.too_many_streams", maximum=MAX_STREAMS)
    known = set(topic_table.names(session, "vi"))
    checked = []
    for stream in draft.streams:
        content = masked(stream.content, MAX_TEXT)
        if not content:
            raise BadInput("network.errors.stream_empty")
        if stream.topic and stream.topic not in known:
            raise BadInput("network.errors.topic_unknown", code=stream.topic)
        checked.append(
            {
                "content": content,
                "spread": one_of(stream.spread, SPREADS, "network.errors.spread"),
                "tone": one_of(stream.tone, TONES, "network.errors.tone"),
                "topic": stream.topic,
            }
        )
    return checked


def _attachments(attachments: tuple[Attachment, ...]) -> list[dict[str, object]]:
    if len(attachments) > MAX_ATTACHMENTS:
        raise BadInput("network.errors.too_many_attachments", maximum=MAX_ATTACHMENTS)
    names: set[str] = set()
    checked = []
    for attachment in attachments:
        name = attachment.name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "tep"
        if len(attachment.data) > MAX_ATTACHMENT_BYTES:
            raise BadInput(
                "network.errors.attachment_too_large",
                name=name,
                megabytes=MAX_ATTACHMENT_BYTES // (1024 * 1024),
            )
        if name in names:
            raise BadInput("network.errors.attachment_twice", name=name)
        names.add(name)
        checked.append(
            {
                "name": name,
                "content_type": attachment.content_type[:100] or "application/octet-stream",
                "size": len(attachment.data),
                "sha256": hashlib.sha256(attachment.data).hexdigest(),
                "data": attachment.data,
            }
        )
    return checked


def _analysis(report: FieldReport, streams: list[str]) -> dict[str, object]:
    """What the models read in the report's text: tone, topics and places, with versions."""
    text = "\n".join(filter(None, [report.title, *streams, report.causes, report.forecast]))
    if not text.strip():
        return {}
    found = default_analyzer().analyze(text)
    return {
        "sentiment": found["sentiment"],
        "topics": found["topics"],
        "places": sorted(
            {p["commune_code"] or p["province_code"] for p in found["places"]} - {None}
        ),
        "models": found["models"],
    }


def _instance_id(value: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_INSTANCE_ID:
        raise BadInput("network.errors.instance_id")
    return value


def _notify_urgent(session: Session, actor: Actor, report: FieldReport) -> None:
    """Tell the staff of the report's unit and of the units above it, at once, in the app, and by
    e-mail where the delivery rule of the unit their grant is on asks for it (as for alerts)."""
    unit = session.get(OrgUnit, report.unit_id)
    if unit is None:
        return
    unit_ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    mail_on = bool(get_settings().smtp_host)
    text = stored_text("notifications.urgent_report_text", title=report.title, unit=unit.name)
    told: set[int] = {actor.user_id}
    for grant_unit, recipients in delivery.staff(session, unit_ids).items():
        by_email = mail_on and delivery.rule_for(session, grant_unit).email
        for recipient in recipients:
            if recipient.user_id in told:
                continue
            told.add(recipient.user_id)
            session.add(
                Notification(
                    user_id=recipient.user_id,
                    unit_id=unit.id,
                    kind="report",
                    text=text[:500],
                    link=f"/network/reports/{report.id}",
                    email_state="pending" if by_email and recipient.has_email else "none",
                )
            )
