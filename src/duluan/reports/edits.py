"""The analyst's edits to a report draft: section titles and text, which charts, tables and quotes
to keep, and the header fields an office fills in by hand (number, date, recipients, signer).

A stored report keeps every chart, table and quote the draft was composed with, plus the list of
those the analyst left out (`omitted`), so a box unticked by mistake can be ticked again without
composing the draft anew. `printed` is the document as DOCX and PDF show it: only what is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from duluan.errors import BadInput
from duluan.reports.document import ReportDocument, Section

MAX_TEXT = 20_000  # one section's text
MAX_LINE = 300  # a header field or a section title
MAX_RECIPIENTS = 40
ITEM_KINDS = ("chart", "table", "quote")


@dataclass(frozen=True)
class HeaderEdits:
    subject: str
    number: str
    issued_on: str  # ISO date as a browser's date field sends it
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: str  # one recipient a line, with or without the leading dash


@dataclass(frozen=True)
class SectionEdits:
    title: str
    text: str  # paragraphs separated by a blank line


@dataclass(frozen=True)
class ReportEdits:
    header: HeaderEdits
    sections: dict[str, SectionEdits]  # by section key; sections not named keep their text
    kept: frozenset[str] = field(default_factory=frozenset)  # item ids, see `item_id`


def item_id(section: Section, kind: str, index: int) -> str:
    """A stable name for a chart, table or quote of a section: `situation/chart/0`."""
    return f"{section.key}/{kind}/{index}"


def items_of(section: Section) -> list[tuple[str, str, Any]]:
    """(id, kind, item) for every chart, table and quote of a section, in that order."""
    found: list[tuple[str, str, Any]] = []
    for kind, items in (("chart", section.charts), ("table", section.tables)):
        found += [(item_id(section, kind, i), kind, item) for i, item in enumerate(items)]
    found += [(item_id(section, "quote", i), "quote", q) for i, q in enumerate(section.quotes)]
    return found


def stored(
    document: ReportDocument, omitted: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    """What the `reports.document` column holds: the full document and the ids left out."""
    return {**document.to_dict(), "omitted": sorted(omitted)}


def full(data: dict[str, Any]) -> ReportDocument:
    return ReportDocument.from_dict(data)


def omitted(data: dict[str, Any]) -> set[str]:
    return {str(i) for i in data.get("omitted", [])}


def printed(data: dict[str, Any]) -> ReportDocument:
    """The document without the charts, tables and quotes the analyst left out."""
    document, left_out = full(data), omitted(data)
    sections = []
    for section in document.sections:

        def keep(kind: str, items: list[Any], section: Section = section) -> list[Any]:
            return [x for i, x in enumerate(items) if item_id(section, kind, i) not in left_out]

        sections.append(
            replace(
                section,
                charts=keep("chart", section.charts),
                tables=keep("table", section.tables),
                quotes=keep("quote", section.quotes),
            )
        )
    return replace(document, sections=sections)


def section_text(section: Section) -> str:
    """The paragraphs as the editor shows them in one text box."""
    return "\n\n".join(section.paragraphs)


def apply(data: dict[str, Any], edits: ReportEdits) -> dict[str, Any]:
    """The stored document with `edits` applied; BadInput naming the field if one is wrong."""
    document = full(data)
    header = _header(document, edits.header)
    sections = [_section(s, edits.sections.get(s.key)) for s in document.sections]
    every_item = {i for s in document.sections for i, _, _ in items_of(s)}
    return stored(replace(document, header=header, sections=sections), every_item - edits.kept)


def _header(document: ReportDocument, edits: HeaderEdits) -> Any:
    subject = one_line(edits.subject, "subject")
    if not subject:
        raise BadInput("report_editor.errors.subject_required")
    try:
        issued_on = date.fromisoformat(edits.issued_on.strip())
    except ValueError:
        raise BadInput("report_editor.errors.issued_on", value=edits.issued_on[:20]) from None
    recipients = recipient_lines(edits.recipients)
    return replace(
        document.header,
        subject=subject,
        number=_number(edits.number),
        issued_on=issued_on,
        signer_authority=one_line(edits.signer_authority, "signer_authority"),
        signer_title=one_line(edits.signer_title, "signer_title"),
        signer_name=one_line(edits.signer_name, "signer_name"),
        recipients=recipients,
    )


def _section(section: Section, edits: SectionEdits | None) -> Section:
    if edits is None:
        return section
    title = one_line(edits.title, "title")
    if not title:
        raise BadInput("report_editor.errors.section_title_required", section=section.title)
    if len(edits.text) > MAX_TEXT:
        raise BadInput("report_editor.errors.text_too_long", section=title, limit=MAX_TEXT)
    text = edits.text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return replace(section, title=title, paragraphs=[p for p in paragraphs if p])


def _number(value: str) -> str:
    """The number line as typed: offices leave blanks for the number written by hand at
    registration ("Số    -BC/TU"), so the spaces inside are kept."""
    text = value.replace("\r", " ").replace("\n", " ").strip()
    if len(text) > MAX_LINE:
        raise BadInput("report_editor.errors.long.number", limit=MAX_LINE)
    return text


def one_line(value: str, field_name: str, limit: int = MAX_LINE) -> str:
    """One line of text, spaces collapsed; BadInput naming the field if it is too long."""
    text = " ".join(value.split())
    if len(text) > limit:
        raise BadInput(f"report_editor.errors.long.{field_name}", limit=limit)
    return text


def recipient_lines(text: str) -> list[str]:
    """The "Nơi nhận" lines typed one a line, without their leading dash."""
    lines = [line.strip().lstrip("-–•").strip() for line in text.splitlines()]
    lines = [one_line(line, "recipients") for line in lines if line]
    if len(lines) > MAX_RECIPIENTS:
        raise BadInput("report_editor.errors.recipients", limit=MAX_RECIPIENTS)
    return lines
