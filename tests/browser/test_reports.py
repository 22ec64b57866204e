"""Issue 9's done-when for reports, in Chromium: the demo province's monthly report generated in
the browser, a section edited and saved, DOCX and PDF downloaded; the DOCX read back with
python-docx and the PDF's first page rendered to an image and inspected."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from docx import Document
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from duluan.analysis.rollups import day_of
from duluan.auth import units
from duluan.demo.reports import last_full_month
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.service import store_items
from duluan.reports import service
from tests.browser.test_shell import sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser

TEXTS = [
    "Người dân phản ánh tham nhũng ở xã, cán bộ nhận hối lộ khi làm sổ đỏ, rất bức xúc.",
    "Mưa lũ gây sạt lở đất, nhiều hộ dân ở Lào Cai phải sơ tán khẩn cấp trong đêm.",
    "Giá điện tăng làm nhiều gia đình ở Lào Cai lo lắng về chi phí sinh hoạt.",
    "Đường liên xã ở Sa Pa xuống cấp, dân đề nghị sửa chữa trước mùa mưa.",
    "Sạt lở đất ở xã Bát Xát vùi nhà, người dân lo lắng khi mưa lớn kéo dài.",
    "Người dân Lào Cai phấn khởi khi cầu mới thông xe, đi lại thuận tiện hơn.",
]
EDITED = "Đề nghị các sở, ngành khẩn trương khắc phục sạt lở và công khai giá điện (đã sửa)."
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
DARK = 110  # a pixel darker than this (0-255) is ink


def seed_lao_cai(db: Session, month_start: date) -> None:
    """A small demo-like month for Lào Cai: a local newspaper's articles spread over the month,
    and the unit's letterhead as the demo keeps it."""
    source = sources.add_source(
        db, None, unit=units.find_by_code(db, "15"), kind="push", name="Báo Lào Cai"
    )
    first = datetime.combine(month_start, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
    items = [
        Item(text=text, external_id=str(i), published_at=first + timedelta(days=2 + i * 3))
        for i, text in enumerate(TEXTS)
    ]
    store_items(db, source, items, secret="k" * 40)
    from duluan.demo.reports import LETTERHEAD

    admin = make_user(db, "lc.admin", "admin", "15")
    from duluan.auth import users

    service.save_letterhead(db, users.actor_for(admin), units.find_by_code(db, "15").id, LETTERHEAD)
    db.commit()


def docx_text(path: Path) -> str:
    """Every paragraph of the body and of its tables (the header and signature blocks are
    borderless tables in the official layout)."""
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def rule_under(pdf_page: pdfium.PdfPage, image: np.ndarray, scale: float, text: str) -> bool:
    """Whether a solid horizontal line runs under `text` on the rendered page, as long as the
    words (REPORT-FORMAT.md: a rule under the party name). A row of text inks at most about 60 %
    of its width (measured), a rule all of it."""
    text_page = pdf_page.get_textpage()
    found = text_page.search(text).get_next()  # the party name is on one line
    assert found is not None, f"{text!r} is not in the PDF's text"
    start, count = found
    boxes = [text_page.get_charbox(i) for i in range(start, start + count)]
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    bottom = min(b[1] for b in boxes)  # PDF points, origin at the bottom left
    height = pdf_page.get_height()
    x0, x1 = int(left * scale), int(right * scale)
    y0 = int((height - bottom) * scale)
    for y in range(y0 + 1, min(y0 + int(20 * scale), image.shape[0])):
        ink = image[y, x0:x1] < DARK
        if ink.mean() > 0.9:
            return True
    return False


def test_monthly_report_is_generated_edited_and_downloaded(
    page: Page, db: Session, tmp_path: Path
) -> None:
    period = last_full_month(day_of(datetime.now(UTC)))
    month_start = date.fromisoformat(f"{period}-01")
    seed_lao_cai(db, month_start)
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst")

    page.goto("/reports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo tổng hợp")
    page.get_by_label("Loại báo cáo").select_option("monthly")
    page.get_by_label("Kỳ báo cáo").fill(period)
    page.get_by_role("button", name="Tạo bản nháp").click()

    words = f"tháng {month_start.month} năm {month_start.year}"
    expect(page.get_by_role("heading", level=1)).to_contain_text(words)
    expect(page.get_by_role("status")).to_contain_text("Đã tạo bản nháp")
    expect(page.locator(".report-chart canvas").first).to_be_visible()
    expect(page.locator(".report-figures").first).to_contain_text("6")

    proposals = page.locator("textarea[name='text.proposals']")
    proposals.fill(EDITED)
    page.get_by_role("button", name="Lưu chỉnh sửa").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu chỉnh sửa.")
    expect(proposals).to_have_value(EDITED)

    with page.expect_download() as docx_download:
        page.get_by_role("link", name="Tải DOCX").click()
    assert re.fullmatch(
        rf"bao-cao-monthly-15-{period}\.docx", docx_download.value.suggested_filename
    )
    docx_path = tmp_path / "report.docx"
    docx_download.value.save_as(docx_path)
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Tải PDF").click()
    pdf_path = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf_path)

    text = docx_text(docx_path)
    for expected in (
        PARTY,
        "TỈNH UỶ LÀO CAI",
        "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "BC/BTGDVTU",
        "BÁO CÁO",
        f"tình hình dư luận xã hội {words}",
        "TÌNH HÌNH DƯ LUẬN XÃ HỘI",  # the first section's title
        "KIẾN NGHỊ",
        EDITED,
        "K/T TRƯỞNG BAN",  # signature block
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Văn Mẫu (mô phỏng)",
        "Nơi nhận",
        "Lưu Văn phòng Ban",
    ):
        assert expected.casefold() in text.casefold(), expected
    assert re.search(r"\b6\b", text), "the number of articles of the month is quoted"

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        first = pdf[0]
        scale = 2.0
        image = np.asarray(first.render(scale=scale).to_pil().convert("L"))
        assert (image < DARK).mean() > 0.01, "the first page is blank"
        page_text = " ".join(first.get_textpage().get_text_range().split())  # lines wrap
        for expected in (PARTY, "BAN TUYÊN GIÁO VÀ DÂN VẬN", "BÁO CÁO", words):
            assert expected in page_text, expected
        assert rule_under(first, image, scale, PARTY), "no rule under the party name"
        assert not rule_under(first, image, scale, "BÁO CÁO")  # the check tells text from a rule
    finally:
        pdf.close()
