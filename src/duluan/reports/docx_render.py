"""A report printed as DOCX in the official layout of Party and State documents.

The layout follows REPORT-FORMAT.md (Hướng dẫn 36-HD/VPTW for Party bodies, Decree 30/2020 for
State bodies): A4, Times New Roman, the header block as a borderless two-column table, the body
justified at 14 pt, "Nơi nhận" and the signature side by side at the end, page numbers from
page 2 at the top. Offices edit the file further in Word, so the layout uses plain paragraphs,
tables and one inline picture per chart rather than text boxes or drawn shapes.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from duluan.reports import print_layout as layout
from duluan.reports.charts import chart_png
from duluan.reports.document import Chart, Header, Quote, ReportDocument, Section, Table

FONT = "Times New Roman"
BODY_PT = 14
TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5  # A4 less the left and right margins
CHART_WIDTH_CM = 15.0
FIRST_LINE_INDENT_CM = 1.27
# Header block: the issuer's column is narrower than the national one, as in the seeds; the
# State motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" needs about 10 cm at 13 pt bold.
HEADER_COLUMNS_CM = {"party": (7.5, TEXT_WIDTH_CM - 7.5), "state": (6.0, TEXT_WIDTH_CM - 6.0)}
CLOSING_COLUMNS_CM = (7.5, TEXT_WIDTH_CM - 7.5)


def render_docx(doc: ReportDocument) -> bytes:
    """The report as the bytes of a .docx file."""
    document = Document()
    _page_setup(document)
    _default_font(document)
    numbers = layout.numbering(doc)
    _header_block(document, doc.header)
    _title(document, doc.header)
    for section in doc.sections:
        _section(document, section, numbers)
    _closing_block(document, doc.header)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document: DocxDocument) -> None:
    """A4 portrait with the official margins; the page number centred at the top from page 2
    (a different, empty first-page header)."""
    page = document.sections[0]
    page.orientation = WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = Cm(21.0), Cm(29.7)
    page.top_margin = page.bottom_margin = Cm(2.0)
    page.left_margin, page.right_margin = Cm(3.0), Cm(1.5)
    page.header_distance = Cm(1.0)
    page.different_first_page_header_footer = True
    number = page.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word fills in the number of each page."""
    run = paragraph.add_run()
    _font(run, size=BODY_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind is None:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
        else:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)


def _default_font(document: DocxDocument) -> None:
    """Times New Roman at 14 pt for every script slot, so Vietnamese letters that Word files
    under another slot (complex script, East Asian) do not fall back to another face."""
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _every_script(normal.element.get_or_add_rPr())
    spacing = normal.paragraph_format
    spacing.space_before, spacing.space_after = Pt(0), Pt(0)
    spacing.line_spacing = 1.0


def _every_script(run_properties: CT_RPr) -> None:
    """FONT in all four font slots of Word (Latin, high ANSI, complex script, East Asian)."""
    fonts = run_properties.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def _font(run: Run, *, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    _every_script(run._r.get_or_add_rPr())


def _line(
    container: DocxDocument | _Cell,
    text: str,
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
) -> Paragraph:
    """One paragraph of one run in the given style (a line of the header or closing blocks)."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(layout.printable(text))
    _font(run, size=size, bold=bold, italic=italic)
    run.font.underline = underline
    return paragraph


def _borderless_table(document: DocxDocument, widths: tuple[float, float], rows: int) -> DocxTable:
    table: DocxTable = document.add_table(rows=rows, cols=2)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "nil")
        borders.append(line)
    table._tbl.tblPr.append(borders)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, read by LibreOffice; Word reads the cells' widths
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
            _drop_empty_first_paragraph(cell)
    return table


def _drop_empty_first_paragraph(cell: _Cell) -> None:
    """A new cell holds one empty paragraph; the lines added after it would start one line low."""
    cell._tc.remove(cell.paragraphs[0]._p)


def _header_block(document: DocxDocument, header: Header) -> None:
    """Issuer on the left, Party name or national motto on the right; number and date below."""
    widths = HEADER_COLUMNS_CM["state" if header.layout == "state" else "party"]
    table = _borderless_table(document, widths, rows=2)
    issuer, nation = table.rows[0].cells
    number, dated = table.rows[1].cells
    state = header.layout == "state"
    side_pt = 13 if state else 14
    if header.superior.strip():
        _line(issuer, header.superior.upper(), size=side_pt)
    _line(issuer, header.issuer.upper(), size=side_pt, bold=True)
    if state:
        _line(nation, layout.word("nation").upper(), size=13, bold=True)
        _line(nation, layout.word("motto"), size=14, bold=True, underline=True)
    else:
        _line(issuer, "*", size=BODY_PT)
        _line(nation, layout.word("party").upper(), size=15, bold=True, underline=True)
    number_line = _line(number, layout.number_line(header), size=side_pt)
    date_line = _line(dated, layout.date_line(header.place, header.issued_on), italic=True)
    for line in (number_line, date_line):
        line.paragraph_format.space_before = Pt(6)


def _title(document: DocxDocument, header: Header) -> None:
    """ "BÁO CÁO", the subject under it, and the short dashes that close the title (HD 36)."""
    kind = _line(document, header.kind_label.upper(), size=16, bold=True)
    kind.paragraph_format.space_before = Pt(18)
    _line(document, header.subject, bold=True)
    _line(document, "-----", bold=False).paragraph_format.space_after = Pt(12)


def _body_paragraph(document: DocxDocument) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    form = paragraph.paragraph_format
    form.first_line_indent = Cm(FIRST_LINE_INDENT_CM)
    form.space_before, form.space_after = Pt(6), Pt(0)
    form.line_spacing = 1.15
    return paragraph


def _section(document: DocxDocument, section: Section, numbers: layout.Numbered) -> None:
    heading = _body_paragraph(document)
    heading.paragraph_format.keep_with_next = True
    _font(heading.add_run(layout.printable(section.title)), size=BODY_PT, bold=True)
    for text in section.paragraphs:
        _font(_body_paragraph(document).add_run(layout.printable(text)), size=BODY_PT)
    for chart in section.charts:
        _chart(document, chart, numbers.charts[id(chart)])
    for table in section.tables:
        _table(document, table, numbers.tables[id(table)])
    for quote in section.quotes:
        _quote(document, quote)


def _chart(document: DocxDocument, chart: Chart, number: int) -> None:
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.space_before = Pt(8)
    picture.paragraph_format.keep_with_next = True
    png = chart_png(chart, CHART_WIDTH_CM)
    picture.add_run().add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH_CM))
    caption = _line(document, layout.chart_caption(chart, number), size=12, italic=True)
    caption.paragraph_format.space_after = Pt(6)


def _table(document: DocxDocument, table: Table, number: int) -> None:
    caption = _line(document, layout.table_caption(table, number), size=13, bold=True)
    caption.paragraph_format.space_before = Pt(8)
    caption.paragraph_format.keep_with_next = True
    grid = document.add_table(rows=1 + len(table.rows), cols=max(len(table.columns), 1))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, table.columns, strict=False):
        _cell_text(cell, text, bold=True)
    for row, values in zip(grid.rows[1:], table.rows, strict=True):
        for cell, text in zip(row.cells, values, strict=False):
            _cell_text(cell, text, bold=False)
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def _cell_text(cell: _Cell, text: str, *, bold: bool) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT
    _font(paragraph.add_run(layout.printable(text)), size=12, bold=bold)


def _quote(document: DocxDocument, quote: Quote) -> None:
    """The quote in italic between quotation marks, its source upright after it."""
    paragraph = _body_paragraph(document)
    paragraph.paragraph_format.left_indent = Cm(1.0)
    _font(paragraph.add_run(f"“{layout.printable(quote.text)}”"), size=BODY_PT, italic=True)
    source = layout.quote_source(quote.source)
    if source:
        _font(paragraph.add_run(f" {layout.printable(source)}"), size=12)


def _closing_block(document: DocxDocument, header: Header) -> None:
    """ "Nơi nhận" at the bottom left, the signature at the bottom right."""
    document.add_paragraph().paragraph_format.space_after = Pt(6)
    table = _borderless_table(document, CLOSING_COLUMNS_CM, rows=1)
    recipients, signature = table.rows[0].cells
    state = header.layout == "state"
    label = _line(
        recipients, layout.word("recipients"), size=12 if state else 14,
        bold=True, italic=True, underline=True, align=WD_ALIGN_PARAGRAPH.LEFT,
    )  # fmt: skip
    label.paragraph_format.keep_with_next = True
    for text in layout.recipient_lines(header.recipients):
        _line(recipients, text, size=11 if state else 12, align=WD_ALIGN_PARAGRAPH.LEFT)
    if header.signer_authority.strip():
        _line(signature, header.signer_authority.upper(), bold=True)
    if header.signer_title.strip():
        _line(signature, header.signer_title.upper(), bold=True)
    for _ in range(4):  # room for the signature and the seal
        _line(signature, "")
    _line(signature, header.signer_name, bold=True)
