"""What the DOCX and the PDF printer share: the fixed words of the official layout, the number
and date lines, and the numbering of figures and tables (REPORT-FORMAT.md).

Documents are always printed in Vietnamese, whatever the reader's interface language, because
they go to offices that file them; the words still live in the translation catalogue
(`reports.printing.*`) so they are reviewed with the rest of the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from duluan.i18n import translate
from duluan.reports.document import Chart, Header, ReportDocument, Table

DOCUMENT_LOCALE = "vi"


def word(name: str, /, **params: object) -> str:
    """A fixed word of the printed layout (`nation`, `motto`, `recipients`, …)."""
    return translate(f"reports.printing.{name}", DOCUMENT_LOCALE, **params)


def date_line(place: str, issued_on: date) -> str:
    """ "Lào Cai, ngày 08 tháng 11 năm 2026". Decree 30/2020 writes days below 10 and the months
    1 and 2 with a leading zero (so "tháng 01" cannot be read as "tháng 10" after a smudge)."""
    day = f"{issued_on.day:02d}"
    month = f"{issued_on.month:02d}" if issued_on.month <= 2 else str(issued_on.month)
    text = word("date", day=day, month=month, year=issued_on.year)
    return f"{place}, {text}" if place.strip() else text[:1].upper() + text[1:]


def number_line(header: Header) -> str:
    """ "Số 12-BC/TU" (party) or "Số: 12/BC-UBND" (state); `header.number` may carry its own
    "Số"; empty when the report has no number yet."""
    number = header.number.strip()
    if not number or number.casefold().startswith("số"):
        return number
    return word("number_state" if header.layout == "state" else "number_party", number=number)


def recipient_lines(recipients: list[str]) -> list[str]:
    """The lines under "Nơi nhận:" with their dash: "- …," and the last one ending with "."."""
    cleaned = [line.strip().lstrip("-").strip().rstrip(",;.") for line in recipients]
    cleaned = [line for line in cleaned if line]
    return [f"- {line}{'.' if i == len(cleaned) - 1 else ','}" for i, line in enumerate(cleaned)]


@dataclass(frozen=True)
class Numbered:
    """Figure and table numbers running through the whole document ("Hình 2", "Bảng 1")."""

    charts: dict[int, int]
    tables: dict[int, int]


def numbering(doc: ReportDocument) -> Numbered:
    """Numbers of each chart and table by identity, in reading order."""
    charts: dict[int, int] = {}
    tables: dict[int, int] = {}
    for section in doc.sections:
        for chart in section.charts:
            charts[id(chart)] = len(charts) + 1
        for table in section.tables:
            tables[id(table)] = len(tables) + 1
    return Numbered(charts=charts, tables=tables)


def chart_caption(chart: Chart, number: int) -> str:
    unit = f" ({chart.unit})" if chart.unit else ""
    return word("figure", number=number, title=chart.title) + unit


def table_caption(table: Table, number: int) -> str:
    return word("table", number=number, title=table.title)


def quote_source(source: str) -> str:
    return word("source", source=source) if source.strip() else ""


# Characters XML 1.0 cannot hold (C0 controls other than tab and newlines); python-docx refuses
# them and a pasted quote may carry them, so both printers drop them rather than fail.
_NOT_XML = dict.fromkeys(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))


def printable(text: str) -> str:
    """`text` without the control characters a document cannot hold."""
    return text.translate(_NOT_XML)
