"""Reports of a unit for a period: the first draft composed from the unit's data, the analyst's
edits, finalising, consolidating the children's reports, printing, and each unit's letterhead.

Staff read the reports of the units within their scope (`reports.view`); analysts and admins of a
unit generate, edit, finalise and consolidate them and keep its letterhead (`reports.manage`).
The data snapshot a draft was composed from is stored with it and never changed, so each figure
of the text can be checked against it. Every change and every download is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.analysis.rollups import day_of
from duluan.auth import audit, units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.db.types import utcnow
from duluan.errors import BadInput, NotFound
from duluan.reports import edits
from duluan.reports.compose import compose
from duluan.reports.consolidate import consolidate as merge_children
from duluan.reports.document import KINDS, LAYOUTS
from duluan.reports.letterhead import default_letterhead, header_for
from duluan.reports.models import Letterhead, Report
from duluan.reports.periods import Period, parse_period
from duluan.reports.snapshot import take_snapshot

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
MAX_LISTED = 300


def today() -> date:
    """Today in Vietnam: the default date line of a new draft."""
    return day_of(utcnow())


def period_of(kind: str, text: str) -> Period:
    """The period a person typed for a kind of report; BadInput naming the problem if wrong."""
    if kind not in KINDS:
        raise BadInput("report_editor.errors.kind", kind=kind[:20])
    text = text.strip()
    if not text:
        raise BadInput("report_editor.errors.period_required")
    try:
        return parse_period(kind, text)
    except ValueError:
        raise BadInput("report_editor.errors.period", period=text[:40]) from None


# --- Drafts -------------------------------------------------------------------------------------


def generate(
    session: Session,
    actor: Actor,
    *,
    unit_id: int,
    kind: str,
    period_text: str,
    issued_on: date | None = None,
) -> Report:
    """A new draft of `unit_id`'s report of `kind` for the period: the unit's data is read into a
    snapshot, headed by its letterhead and composed into sections."""
    unit = units.get_visible(session, actor=actor, unit_id=unit_id, action="reports.manage")
    period = period_of(kind, period_text)
    snapshot = take_snapshot(session, unit.id, period)
    header = header_for(session, unit.id, kind, period, issued_on or today())
    document = compose(snapshot, header)
    report = Report(
        unit_id=unit.id,
        kind=kind,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        status="draft",
        snapshot=snapshot,
        document=edits.stored(document),
        consolidated_from=[],
        created_by=actor.user_id or None,
    )
    session.add(report)
    session.flush()
    _audit(session, actor, "report.generated", report, period=period.label, kind=kind)
    return report


def visible_reports(session: Session, actor: Actor, *, kind: str = "") -> list[Report]:
    """Reports of the units within the actor's scope, the latest period first."""
    query = (
        select(Report)
        .join(OrgUnit, OrgUnit.id == Report.unit_id)
        .where(scope_filter(actor, "reports.view", OrgUnit.path))
        .order_by(Report.period_start.desc(), Report.id.desc())
        .limit(MAX_LISTED)
    )
    if kind in KINDS:
        query = query.where(Report.kind == kind)
    return list(session.scalars(query))


def get_report(
    session: Session, actor: Actor, report_id: int, action: str = "reports.view"
) -> Report:
    """The report if its unit is within the actor's scope for `action` (403 if not)."""
    report = session.get(Report, report_id)
    unit = session.get(OrgUnit, report.unit_id) if report else None
    if report is None or unit is None:
        raise NotFound("report_editor.errors.not_found", id=report_id)
    actor.require(action, unit.path)
    return report


def save_edits(
    session: Session, actor: Actor, report_id: int, changes: edits.ReportEdits
) -> Report:
    """The analyst's edits, applied to a draft; a final report is read-only."""
    report = _draft(session, actor, report_id)
    report.document = edits.apply(report.document, changes)
    report.updated_at = utcnow()
    _audit(session, actor, "report.saved", report)
    return report


def finalize(session: Session, actor: Actor, report_id: int) -> Report:
    report = _draft(session, actor, report_id)
    report.status = "final"
    _audit(session, actor, "report.finalized", report)
    return report


def redraft(session: Session, actor: Actor, report_id: int) -> Report:
    """A new draft with the text, choices and snapshot of a (final) report, to be edited anew."""
    source = get_report(session, actor, report_id, "reports.manage")
    copy = Report(
        unit_id=source.unit_id,
        kind=source.kind,
        period_label=source.period_label,
        period_start=source.period_start,
        period_end=source.period_end,
        status="draft",
        spec_version=source.spec_version,
        snapshot=source.snapshot,
        document=source.document,
        consolidated_from=list(source.consolidated_from or []),
        created_by=actor.user_id or None,
    )
    session.add(copy)
    session.flush()
    _audit(session, actor, "report.redrafted", copy, source=source.id)
    return copy


def _draft(session: Session, actor: Actor, report_id: int) -> Report:
    report = get_report(session, actor, report_id, "reports.manage")
    if report.status != "draft":
        raise BadInput("report_editor.errors.final")
    return report


# --- Consolidation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildReport:
    unit: OrgUnit
    report: Report | None  # the one that would be merged: final first, then the latest draft


def child_reports(session: Session, actor: Actor, report: Report) -> list[ChildReport]:
    """Each unit directly below the report's unit, with its report of the same kind and period."""
    children = session.scalars(
        select(OrgUnit)
        .where(OrgUnit.parent_id == report.unit_id, OrgUnit.is_active.is_(True))
        .where(scope_filter(actor, "reports.view", OrgUnit.path))
        .order_by(OrgUnit.search_name)
    ).all()
    if not children:
        return []
    found = session.scalars(
        select(Report)
        .where(
            Report.unit_id.in_([c.id for c in children]),
            Report.kind == report.kind,
            Report.period_label == report.period_label,
        )
        .order_by((Report.status == "final").desc(), Report.updated_at.desc(), Report.id.desc())
    ).all()
    best: dict[int, Report] = {}
    for row in found:
        best.setdefault(row.unit_id, row)
    return [ChildReport(c, best.get(c.id)) for c in children]


def consolidate(session: Session, actor: Actor, report_id: int) -> Report:
    """A new draft of the parent's report with the child units' reports of the same kind and
    period merged in; `consolidated_from` records which ones."""
    parent = get_report(session, actor, report_id, "reports.manage")
    merged = [c for c in child_reports(session, actor, parent) if c.report is not None]
    if not merged:
        raise BadInput("report_editor.errors.no_children", period=parent.period_label)
    document = merge_children(
        edits.printed(parent.document),
        [(c.unit.code, edits.printed(c.report.document)) for c in merged if c.report],
    )
    report = Report(
        unit_id=parent.unit_id,
        kind=parent.kind,
        period_label=parent.period_label,
        period_start=parent.period_start,
        period_end=parent.period_end,
        status="draft",
        spec_version=parent.spec_version,
        snapshot=parent.snapshot,
        document=edits.stored(document),
        consolidated_from=[c.report.id for c in merged if c.report],
        created_by=actor.user_id or None,
    )
    session.add(report)
    session.flush()
    _audit(session, actor, "report.consolidated", report, children=report.consolidated_from)
    return report


# --- Printing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedFile:
    body: bytes
    media_type: str
    filename: str


def export(session: Session, actor: Actor, report_id: int, file_format: str) -> PrintedFile:
    """The report as DOCX or PDF in its unit's official layout (audited as a download)."""
    if file_format not in FORMATS:
        raise BadInput("report_editor.errors.format", format=file_format[:10])
    report = get_report(session, actor, report_id)
    document = edits.printed(report.document)
    if file_format == "docx":
        from duluan.reports.docx_render import render_docx

        body = render_docx(document)
    else:
        from duluan.reports.pdf_render import render_pdf

        body = render_pdf(document)
    unit = session.get(OrgUnit, report.unit_id)
    code = unit.code if unit else str(report.unit_id)
    _audit(session, actor, "report.downloaded", report, format=file_format)
    name = f"bao-cao-{report.kind}-{code}-{report.period_label}.{file_format}"
    return PrintedFile(body, FORMATS[file_format], name)


def _audit(session: Session, actor: Actor, action: str, report: Report, **detail: object) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        target=str(report.id),
        unit_id=report.unit_id,
        detail=dict(detail),
    )


# --- Letterheads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterheadFields:
    layout: str
    superior: str
    issuer: str
    number_code: str
    place: str
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: str  # one a line


def letterhead_of(session: Session, actor: Actor, unit_id: int) -> tuple[Letterhead, bool]:
    """The unit's letterhead and True, or the default one its drafts use until it has its own
    (not stored) and False."""
    unit = units.get_visible(session, actor=actor, unit_id=unit_id, action="reports.view")
    saved = session.scalar(select(Letterhead).where(Letterhead.unit_id == unit.id))
    if saved is not None:
        return saved, True
    return default_letterhead(session, unit), False


def save_letterhead(
    session: Session, actor: Actor, unit_id: int, fields: LetterheadFields
) -> Letterhead:
    """How the unit's reports are headed and signed from now on (drafts already made keep
    theirs); BadInput naming the field if one is wrong, and nothing is stored."""
    unit = units.get_visible(session, actor=actor, unit_id=unit_id, action="reports.manage")
    if fields.layout not in LAYOUTS:
        raise BadInput("report_editor.errors.layout")
    issuer = edits.one_line(fields.issuer, "issuer")
    if not issuer:
        raise BadInput("report_editor.errors.issuer_required")
    recipients = edits.recipient_lines(fields.recipients)
    row = session.scalar(select(Letterhead).where(Letterhead.unit_id == unit.id))
    if row is None:
        row = Letterhead(unit_id=unit.id, issuer=issuer)
        session.add(row)
    row.layout = fields.layout
    row.issuer = issuer
    row.superior = edits.one_line(fields.superior, "superior")
    row.number_code = edits.one_line(fields.number_code, "number_code", 64)
    row.place = edits.one_line(fields.place, "place", 100)
    row.signer_authority = edits.one_line(fields.signer_authority, "signer_authority")
    row.signer_title = edits.one_line(fields.signer_title, "signer_title")
    row.signer_name = edits.one_line(fields.signer_name, "signer_name")
    row.recipients = recipients
    session.flush()
    audit.record(
        session, actor=actor, action="report.letterhead_saved", target=unit.code, unit_id=unit.id
    )
    return row
