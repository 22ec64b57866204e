"""Printing a report: the DOCX read back with python-docx, the PDF read back and drawn with
pypdfium2, for both layouts, an empty report, and text that looks like markup."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from duluan.reports.document import ReportDocument
from duluan.reports.docx_render import render_docx
from duluan.reports.pdf_render import data_only_fetcher, render_pdf, report_html
from duluan.reports.print_layout import date_line, number_line, recipient_lines
from tests.reports.printed_sample import SCRIPT, party_header, party_report, state_report

A4_POINTS = (595.28, 841.89)
MM = 72 / 25.4  # points per millimetre


@pytest.fixture(scope="module")
def party_docx() -> DocxDocument:
    return Document(io.BytesIO(render_docx(party_report())))


@pytest.fixture(scope="module")
def party_pdf() -> pdfium.PdfDocument:
    return pdfium.PdfDocument(render_pdf(party_report()))


def _lines(cell: _Cell) -> list[str]:
    return [paragraph.text for paragraph in cell.paragraphs]


def _style(paragraph: Paragraph) -> tuple[float | None, bool, bool, bool]:
    """(size in points, bold, italic, underlined) of the paragraph's only run."""
    (run,) = paragraph.runs
    size = run.font.size.pt if run.font.size else None
    return size, bool(run.font.bold), bool(run.font.italic), bool(run.font.underline)


def _paragraph(document: DocxDocument, text: str) -> Paragraph:
    return next(p for p in document.paragraphs if p.text == text)


# --- DOCX -------------------------------------------------------------------------------------


def test_docx_page_is_a4_with_the_official_margins(party_docx: DocxDocument) -> None:
    page = party_docx.sections[0]
    sizes = (page.page_width, page.page_height, page.top_margin, page.bottom_margin,
             page.left_margin, page.right_margin)  # fmt: skip
    # Word keeps lengths in twentieths of a point, so compare to a tenth of a millimetre.
    assert [round(length.mm, 1) for length in sizes] == [210.0, 297.0, 20.0, 20.0, 30.0, 15.0]


def test_docx_body_is_times_new_roman_for_every_script(party_docx: DocxDocument) -> None:
    normal = party_docx.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        assert fonts.get(qn(slot)) == "Times New Roman"
    assert normal.font.size == Pt(14)
    names = {run.font.name for p in party_docx.paragraphs for run in p.runs if run.text}
    assert names == {"Times New Roman"}


def test_docx_party_header_block(party_docx: DocxDocument) -> None:
    head = party_docx.tables[0]
    issuer, nation = head.rows[0].cells
    number, dated = head.rows[1].cells
    assert _lines(issuer) == ["ĐẢNG BỘ TỈNH LÀO CAI", "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY", "*"]
    assert _style(issuer.paragraphs[0]) == (14, False, False, False)
    assert _style(issuer.paragraphs[1]) == (14, True, False, False)
    assert _lines(nation) == ["ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert _style(nation.paragraphs[0]) == (15, True, False, True)  # the rule under the name
    assert _lines(number) == ["Số 12-BC/BTGDVTU"]
    assert _lines(dated) == ["Lào Cai, ngày 08 tháng 11 năm 2026"]
    assert _style(dated.paragraphs[0]) == (14, False, True, False)
    borders = head._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_docx_title_and_sections(party_docx: DocxDocument) -> None:
    kind = _paragraph(party_docx, "BÁO CÁO")
    assert kind.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _style(kind) == (16, True, False, False)
    subject = _paragraph(party_docx, "tình hình dư luận xã hội tháng 10 năm 2026")
    assert subject.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _style(subject) == (14, True, False, False)
    for title in ("I. TÌNH HÌNH DƯ LUẬN XÃ HỘI", "II. PHẢN ÁNH CỦA CỘNG TÁC VIÊN"):
        assert _style(_paragraph(party_docx, title))[1] is True
    body = next(p for p in party_docx.paragraphs if "6.059 tin, bài" in p.text)
    assert "tăng 12,5% so với tháng 9" in body.text
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.first_line_indent > 0
    assert _style(body) == (14, False, False, False)


def test_docx_charts_are_inline_pngs_with_captions(party_docx: DocxDocument) -> None:
    shapes = party_docx.inline_shapes
    assert len(shapes) == 2
    assert shapes[0].width == Cm(15)
    image_parts = [r for r in party_docx.part.rels.values() if "image" in r.reltype]
    assert all(r.target_part.blob.startswith(b"\x89PNG") for r in image_parts)
    caption = _paragraph(party_docx, "Hình 1. Số tin, bài theo tuần (tin, bài)")
    assert _style(caption)[2] is True
    _paragraph(party_docx, "Hình 2. Các luồng ý kiến theo chủ đề")


def test_docx_table_has_borders_and_the_figures(party_docx: DocxDocument) -> None:
    _paragraph(party_docx, "Bảng 1. Các luồng ý kiến chính")
    grid = party_docx.tables[1]
    assert grid.style.name == "Table Grid"
    assert [c.text for c in grid.rows[0].cells] == ["Chủ đề", "Số ý kiến", "Tỷ lệ"]
    assert [c.text for c in grid.rows[1].cells] == ["Đất đai", "320", "41,0%"]


def test_docx_quote_is_italic_with_its_source(party_docx: DocxDocument) -> None:
    quote = next(p for p in party_docx.paragraphs if "Bà con mong" in p.text)
    said, source = quote.runs
    assert said.font.italic is True
    assert said.text == "“Bà con mong sớm có phương án bồi thường <b>rõ ràng</b>.”"
    assert source.font.italic is not True
    assert "báo cáo của cộng tác viên xã Bảo Thắng" in source.text


def test_docx_recipients_and_signature(party_docx: DocxDocument) -> None:
    recipients, signature = party_docx.tables[-1].rows[0].cells
    label = recipients.paragraphs[0]
    assert label.text == "Nơi nhận:"
    assert _style(label) == (14, True, True, True)
    assert _lines(recipients)[1:] == [
        "- Ban Tuyên giáo và Dân vận Trung ương,",
        "- Thường trực Tỉnh ủy,",
        "- Các huyện ủy, thành ủy, thị ủy,",
        "- Lưu Văn phòng Ban.",
    ]
    assert _style(recipients.paragraphs[1])[0] == 12
    lines = [line for line in _lines(signature) if line]
    assert lines == ["T/M BAN THƯỜNG VỤ", "PHÓ TRƯỞNG BAN THƯỜNG TRỰC", "Nguyễn Thị Minh Hằng"]
    assert all(_style(p)[1] for p in signature.paragraphs if p.text)
    assert signature.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_docx_page_numbers_start_on_page_two(party_docx: DocxDocument) -> None:
    page = party_docx.sections[0]
    assert page.different_first_page_header_footer is True
    assert page.first_page_header.paragraphs[0].text == ""
    header_xml = page.header._element.xml
    assert "PAGE" in header_xml and 'w:fldCharType="begin"' in header_xml
    assert page.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_docx_markup_in_text_stays_literal(party_docx: DocxDocument) -> None:
    texts = "\n".join(p.text for p in party_docx.paragraphs)
    assert SCRIPT in texts
    assert "<script>" not in party_docx.element.xml  # escaped in the XML, not an element


def test_docx_state_layout_has_the_national_motto() -> None:
    document = Document(io.BytesIO(render_docx(state_report())))
    issuer, nation = document.tables[0].rows[0].cells
    number, dated = document.tables[0].rows[1].cells
    assert _lines(issuer) == ["ỦY BAN NHÂN DÂN TỈNH LÀO CAI"]  # no star in the State layout
    assert _style(issuer.paragraphs[0]) == (13, True, False, False)
    assert _lines(nation) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert _style(nation.paragraphs[0]) == (13, True, False, False)
    assert _style(nation.paragraphs[1]) == (14, True, False, True)
    assert _lines(number) == ["Số: 15/BC-UBND"]
    assert _lines(dated) == ["Lào Cai, ngày 03 tháng 02 năm 2026"]  # Decree 30: 03, 02
    recipients = document.tables[-1].rows[0].cells[0]
    assert _style(recipients.paragraphs[0]) == (12, True, True, True)
    assert _lines(recipients)[1:] == ["- Văn phòng Chính phủ,", "- Lưu VT."]
    assert _style(recipients.paragraphs[1])[0] == 11


# --- PDF --------------------------------------------------------------------------------------


def _page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    return str(pdf[index].get_textpage().get_text_range())


def _all_text(pdf: pdfium.PdfDocument) -> str:
    return "\n".join(_page_text(pdf, i) for i in range(len(pdf)))


def _top_margin_digits(pdf: pdfium.PdfDocument, index: int) -> str:
    """The digits printed in the top margin (tone marks of the first line may reach into it)."""
    width, height = pdf[index].get_size()
    band = pdf[index].get_textpage().get_text_bounded(0, height - 20 * MM, width, height)
    return "".join(character for character in str(band) if character.isdigit())


def _pixels(pdf: pdfium.PdfDocument, index: int, scale: float = 2) -> np.ndarray[Any, Any]:
    image = pdf[index].render(scale=scale).to_pil().convert("RGB")
    return np.asarray(image, dtype=np.int32)


def _longest_dark_run(region: np.ndarray[Any, Any]) -> int:
    """The longest horizontal run of dark pixels in any row: a rule, not letters."""
    dark = region.sum(axis=2) < 200
    longest = 0
    for row in dark:
        run = 0
        for pixel in row:
            run = run + 1 if pixel else 0
            longest = max(longest, run)
    return longest


def test_pdf_pages_are_a4(party_pdf: pdfium.PdfDocument) -> None:
    assert len(party_pdf) >= 2
    for index in range(len(party_pdf)):
        width, height = party_pdf[index].get_size()
        assert width == pytest.approx(A4_POINTS[0], abs=1)
        assert height == pytest.approx(A4_POINTS[1], abs=1)


def test_pdf_text_has_header_title_sections_and_signature(party_pdf: pdfium.PdfDocument) -> None:
    first = " ".join(_page_text(party_pdf, 0).split())
    for expected in (
        "ĐẢNG BỘ TỈNH LÀO CAI",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 12-BC/BTGDVTU",
        "Lào Cai, ngày 08 tháng 11 năm 2026",
        "BÁO CÁO",
        "tình hình dư luận xã hội tháng 10 năm 2026",
        "I. TÌNH HÌNH DƯ LUẬN XÃ HỘI",
    ):
        assert expected in first
    everything = " ".join(_all_text(party_pdf).split())
    for expected in (
        "II. PHẢN ÁNH CỦA CỘNG TÁC VIÊN",
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        "6.059 tin, bài",
        "Hình 1. Số tin, bài theo tuần",
        "Bảng 1. Các luồng ý kiến chính",
        "Nơi nhận:",
        "- Lưu Văn phòng Ban.",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ TRƯỞNG BAN THƯỜNG TRỰC",
        "Nguyễn Thị Minh Hằng",
        SCRIPT,  # printed as characters
        "<b>rõ ràng</b>",
    ):
        assert expected in everything


def test_pdf_page_numbers_from_page_two_at_the_top(party_pdf: pdfium.PdfDocument) -> None:
    assert _top_margin_digits(party_pdf, 0) == ""
    assert _top_margin_digits(party_pdf, 1) == "2"


def test_pdf_first_page_drawing(party_pdf: pdfium.PdfDocument) -> None:
    pixels = _pixels(party_pdf, 0)
    height, width, _ = pixels.shape
    assert (pixels.sum(axis=2) < 600).mean() > 0.01  # not a blank page
    top = pixels[: height // 6]
    # The rule under the Party name (right) is a long dark line; the left column has none.
    assert _longest_dark_run(top[:, width // 2 :]) > 150 * 2
    assert _longest_dark_run(top[:, : width // 2]) < 60 * 2
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    accent = (red - green > 50) & (red - blue > 50)
    rows = np.nonzero(accent.any(axis=1))[0]
    assert accent.sum() > 2000  # the first chart is on page 1, in colour
    assert rows.min() > height // 3  # below the header block and the first paragraphs


def test_pdf_state_layout_has_the_motto_and_its_rule() -> None:
    pdf = pdfium.PdfDocument(render_pdf(state_report()))
    first = " ".join(_page_text(pdf, 0).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert "Số: 15/BC-UBND" in first
    assert "*" not in first
    pixels = _pixels(pdf, 0)
    height, width, _ = pixels.shape
    assert _longest_dark_run(pixels[: height // 6, width // 2 :]) > 150 * 2


def test_pdf_html_escapes_markup() -> None:
    html = report_html(party_report())
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;rõ ràng&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/logo.png", "https://example.org/a.css", "file:///etc/passwd"]
)
def test_pdf_fetcher_refuses_anything_but_embedded_data(url: str) -> None:
    with pytest.raises(ValueError, match="disallowed protocol"):
        data_only_fetcher().fetch(url)


def test_pdf_fetcher_reads_embedded_data() -> None:
    response = data_only_fetcher().fetch("data:text/plain;base64,eGlu")
    assert response.read() == b"xin"


# --- Edge cases -------------------------------------------------------------------------------


def test_an_empty_report_still_prints() -> None:
    header = party_header()
    header.superior, header.number, header.recipients = "", "", []
    empty = ReportDocument(header=header, sections=[])

    document = Document(io.BytesIO(render_docx(empty)))
    assert _paragraph(document, "BÁO CÁO")
    assert document.tables[-1].rows[0].cells[0].paragraphs[0].text == "Nơi nhận:"
    assert len(document.inline_shapes) == 0

    pdf = pdfium.PdfDocument(render_pdf(empty))
    assert len(pdf) == 1
    text = " ".join(_page_text(pdf, 0).split())
    assert "BÁO CÁO" in text and "Nguyễn Thị Minh Hằng" in text


def test_control_characters_in_pasted_text_do_not_break_printing() -> None:
    report = party_report()
    report.sections[0].paragraphs.append("Dán từ tin nhắn\x00\x07\x1b: vẫn in được")

    document = Document(io.BytesIO(render_docx(report)))
    assert any("Dán từ tin nhắn: vẫn in được" in p.text for p in document.paragraphs)
    assert "Dán từ tin nhắn" in _all_text(pdfium.PdfDocument(render_pdf(report)))


# --- The shared lines of the layout -----------------------------------------------------------


@pytest.mark.parametrize(
    ("issued_on", "line"),
    [
        (date(2026, 1, 5), "Lào Cai, ngày 05 tháng 01 năm 2026"),
        (date(2026, 3, 15), "Lào Cai, ngày 15 tháng 3 năm 2026"),
        (date(2026, 12, 31), "Lào Cai, ngày 31 tháng 12 năm 2026"),
    ],
)
def test_date_line_pads_days_and_the_first_two_months(issued_on: date, line: str) -> None:
    assert date_line("Lào Cai", issued_on) == line


def test_date_line_without_a_place_starts_with_a_capital() -> None:
    assert date_line("", date(2026, 11, 8)) == "Ngày 08 tháng 11 năm 2026"


@pytest.mark.parametrize(
    ("layout", "number", "line"),
    [
        ("party", "12-BC/TU", "Số 12-BC/TU"),
        ("state", "15/BC-UBND", "Số: 15/BC-UBND"),
        ("party", "Số 7-BC/ĐU", "Số 7-BC/ĐU"),  # already written out
        ("party", "  ", ""),  # not numbered yet
    ],
)
def test_number_line(layout: str, number: str, line: str) -> None:
    header = party_header()
    header.layout, header.number = layout, number
    assert number_line(header) == line


def test_recipient_lines_get_their_dashes_and_punctuation() -> None:
    lines = recipient_lines(["- Thường trực Tỉnh ủy;", "", "Lưu: VT, TgNc."])
    assert lines == ["- Thường trực Tỉnh ủy,", "- Lưu: VT, TgNc."]


def test_a_blank_number_keeps_its_width_for_the_clerk() -> None:
    """Letterheads leave "Số    -BC/…" for the number written by hand when the report is issued;
    HTML would fold the spaces into one."""

    def gap_after_so(number: str) -> float:
        report = party_report()
        report.header.number = number
        page = pdfium.PdfDocument(render_pdf(report))[0].get_textpage()
        start = str(page.get_text_range()).index("Số")
        return float(page.get_charbox(start + 3)[0] - page.get_charbox(start + 1)[2])

    assert gap_after_so("Số    -BC/BTGDVTU") > 2.5 * gap_after_so("Số -BC/BTGDVTU")
    report = party_report()
    report.header.number = "Số    -BC/BTGDVTU"
    document = Document(io.BytesIO(render_docx(report)))
    assert document.tables[0].rows[1].cells[0].paragraphs[0].text == "Số    -BC/BTGDVTU"
