"""The shape of a report: the header block of the official layout and the sections of its body.

One value, `ReportDocument`, travels through the whole reports module: `compose` builds it from a
unit's data for a period, the analyst edits it in the browser, `render_docx` and `render_pdf`
print it. It is stored as JSON (`to_dict` / `from_dict`) in `reports.document`; the data it was
built from is stored beside it in `reports.snapshot`, and every number a section quotes is kept in
that section's `figures`, so a reader can check each figure against the snapshot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

# Kinds of report and the document layouts (REPORT-FORMAT.md: chosen per issuing unit).
KINDS = ("monthly", "quarterly", "half_year", "annual", "urgent")
LAYOUTS = ("party", "state")
CHART_KINDS = ("bar", "barh", "line")


@dataclass
class ChartSeries:
    name: str
    values: list[float]


@dataclass
class Chart:
    """A chart drawn as an image in DOCX and PDF and by ECharts in the browser."""

    key: str
    title: str
    kind: str  # one of CHART_KINDS
    labels: list[str]
    series: list[ChartSeries]
    unit: str = ""


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Quote:
    """A representative quote: its (masked) text and where it came from, never who said it."""

    text: str
    source: str


@dataclass
class Section:
    """One section of the body. `key` names what the section is about (`situation`,
    `hotspots`, `surveys`, `field_reports`, `petitions`, `forecast`, `proposals`, or
    `child:<unit code>` in a consolidated report); `figures` holds every number its paragraphs
    quote, by name, as read from the snapshot."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class Header:
    """The blocks around the body. `superior` and `number` may be empty; `recipients` are the
    lines under "Nơi nhận:" without their leading dash (the last is usually "Lưu …")."""

    layout: str  # one of LAYOUTS
    issuer: str
    superior: str
    number: str
    place: str
    issued_on: date
    kind_label: str  # "BÁO CÁO"
    subject: str  # "tình hình dư luận xã hội tháng 10 năm 2026"
    signer_authority: str  # "T/M BAN THƯỜNG VỤ"
    signer_title: str
    signer_name: str
    recipients: list[str] = field(default_factory=list)


@dataclass
class ReportDocument:
    header: Header
    sections: list[Section]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["header"]["issued_on"] = self.header.issued_on.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportDocument:
        head = dict(data["header"])
        head["issued_on"] = date.fromisoformat(head["issued_on"])
        return cls(header=Header(**head), sections=[_section(s) for s in data["sections"]])


def _section(data: dict[str, Any]) -> Section:
    charts = [
        Chart(**{**c, "series": [ChartSeries(**s) for s in c["series"]]}) for c in data["charts"]
    ]
    return Section(
        key=data["key"],
        title=data["title"],
        paragraphs=list(data["paragraphs"]),
        charts=charts,
        tables=[Table(**t) for t in data["tables"]],
        quotes=[Quote(**q) for q in data["quotes"]],
        figures=dict(data["figures"]),
    )
