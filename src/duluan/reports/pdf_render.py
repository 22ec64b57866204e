"""A report printed as PDF: the same blocks as the DOCX, laid out by WeasyPrint from HTML.

The HTML comes from `templates/report.html` with autoescaping on, so text typed by an analyst
or quoted from a post prints as the characters it is, never as markup. Charts travel inside the
page as `data:` PNGs and WeasyPrint is given a URL fetcher that refuses everything else: a report
can never make a network request, whatever its text holds (the platform runs air-gapped).
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import weasyprint  # type: ignore[import-untyped]  # ships no type information

from duluan.reports import print_layout as layout
from duluan.reports.charts import chart_png
from duluan.reports.document import ReportDocument, Section
from duluan.reports.fonts import css_font_family

TEMPLATE_DIR = Path(__file__).parent / "templates"
CHART_WIDTH_CM = 15.0


def data_only_fetcher() -> weasyprint.URLFetcher:
    """WeasyPrint's URL fetcher for reports: embedded `data:` URLs only; anything else (http,
    file, ftp) is refused before a connection or a file is opened."""
    return weasyprint.URLFetcher(allowed_protocols=("data",), allow_redirects=False)


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_pdf(doc: ReportDocument) -> bytes:
    """The report as the bytes of a PDF file."""
    html = report_html(doc)
    pdf = weasyprint.HTML(string=html, url_fetcher=data_only_fetcher()).write_pdf()
    return bytes(pdf)


def report_html(doc: ReportDocument) -> str:
    """The HTML page WeasyPrint prints (kept apart so a test can read what is fed to it)."""
    header = doc.header
    state = header.layout == "state"
    numbers = layout.numbering(doc)
    return (
        _templates()
        .get_template("report.html")
        .render(
            header=header,
            font_family=css_font_family(),
            words={name: layout.word(name) for name in ("party", "nation", "motto", "recipients")},
            number_line=layout.number_line(header),
            date_line=layout.date_line(header.place, header.issued_on),
            sections=[_section(section, numbers) for section in doc.sections],
            recipients=layout.recipient_lines(header.recipients),
            side_pt=13 if state else 14,
            issuer_width="37%" if state else "45%",  # the national motto needs the wider right
            label_pt=12 if state else 14,
            list_pt=11 if state else 12,
        )
    )


def _section(section: Section, numbers: layout.Numbered) -> dict[str, Any]:
    """What the template shows of one section: captions numbered, charts drawn."""
    return {
        "title": section.title,
        "paragraphs": section.paragraphs,
        "charts": [
            {
                "src": _data_url(chart_png(chart, CHART_WIDTH_CM)),
                "caption": layout.chart_caption(chart, numbers.charts[id(chart)]),
            }
            for chart in section.charts
        ],
        "tables": [
            {
                "caption": layout.table_caption(table, numbers.tables[id(table)]),
                "columns": table.columns,
                "rows": table.rows,
            }
            for table in section.tables
        ],
        "quotes": [
            {"text": quote.text, "source": layout.quote_source(quote.source)}
            for quote in section.quotes
        ],
    }


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
