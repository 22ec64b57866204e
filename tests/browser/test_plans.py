"""Plans in Chromium (issue 9, "done when"): a plan imported from a spreadsheet through the page's
form shows its overdue tasks, on the plan and in the dashboard's count; recording a task as done
takes it off the count; the unit's scorecard downloads as a spreadsheet that reads back."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.plans import scorecards
from tests.browser.test_shell import sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser

SA_PA = "03006"
# The heading row as offices type it, and as OCR copies of the seed plans give it.
HEADINGS = {
    "with diacritics": [
        "STT",
        "Nội dung nhiệm vụ",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời hạn",
    ],
    "without diacritics": ["Stt", "Noi dung nhiem vu", "Don vi chu tri", "Phoi hop", "Thoi han"],
}


def _spreadsheet(headings: list[str], today: date) -> bytes:
    """Two tasks past their deadline (a date, a month), one regular, one far ahead."""
    late_day = today - timedelta(days=30)
    late_month = today - timedelta(days=75)
    rows = [
        ["1.1", "Phổ biến, quán triệt Chỉ thị 47-CT/TW", "Phường Sa Pa", "MTTQ; Đoàn Thanh niên",
         f"Hoàn thành trước ngày {late_day:%d/%m/%Y}"],
        ["1.2", "Kiện toàn đội ngũ cộng tác viên dư luận xã hội", "Ban Tuyên giáo và Dân vận",
         "Các đảng ủy trực thuộc", f"Trong tháng {late_month.month}/{late_month.year}"],
        ["2.1", "Tăng cường tiếp xúc, đối thoại với Nhân dân", "Ban Dân vận", "", "Thường xuyên"],
        ["2.2", "Sơ kết thực hiện Chỉ thị", "Văn phòng", "", f"Năm {today.year + 1}"],
    ]  # fmt: skip
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["KẾ HOẠCH thực hiện Chỉ thị 47-CT/TW"])  # a title row above the table
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _criteria(db: Session) -> None:
    admin = users.actor_for(make_user(db, "lc.admin", "admin", "15"))
    lao_cai = units.find_by_code(db, "15")
    year = date.today().year
    scorecards.set_criterion(
        db, admin, lao_cai, year=year, code="kiem_tra", title="Kết quả kiểm tra", weight=60
    )
    scorecards.set_criterion(
        db, admin, lao_cai, year=year, code="kien_nghi", title="Trả lời kiến nghị",
        weight=40, source="petitions_answered",
    )  # fmt: skip
    inspected = scorecards.criteria(db, lao_cai, year)[0]
    scorecards.score(db, admin, inspected, units.find_by_code(db, SA_PA), 70, "Cần bổ sung")
    db.commit()


@pytest.mark.parametrize("headings", list(HEADINGS), ids=list(HEADINGS))
def test_a_plan_imported_from_a_spreadsheet_shows_its_overdue_tasks(
    page: Page, db: Session, tmp_path: Path, headings: str
) -> None:
    _criteria(db)
    today = date.today()
    sign_in(page, "lc.admin")

    page.goto("/plans")
    form = page.locator("form[action='/plans/import']")
    form.get_by_label("Đơn vị ban hành").select_option(label="Lào Cai")
    form.get_by_label("Tên kế hoạch").fill("Kế hoạch thực hiện Chỉ thị 47-CT/TW")
    form.get_by_label("Số, ký hiệu").fill("61-KH/TU")
    form.get_by_label("Bảng nhiệm vụ (.xlsx, .csv)").set_input_files(
        {
            "name": "ke-hoach.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": _spreadsheet(HEADINGS[headings], today),
        }
    )
    form.get_by_role("button", name="Nhập kế hoạch").click()

    expect(page.get_by_role("status")).to_have_text("Đã tạo kế hoạch với 4 nhiệm vụ.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch thực hiện Chỉ thị 47-CT/TW")
    overdue = page.locator("li.task-overdue")
    expect(overdue).to_have_count(2)
    expect(overdue.first).to_contain_text("Phổ biến, quán triệt Chỉ thị 47-CT/TW")
    expect(overdue.first).to_contain_text("Quá hạn")
    expect(overdue.first).to_contain_text("MTTQ, Đoàn Thanh niên")
    expect(page.locator("li.task", has_text="Thường xuyên")).to_contain_text("thường xuyên")

    page.goto("/plans")
    overdue_kpi = page.locator(".kpi", has_text="Quá hạn").locator(".kpi-value")
    expect(overdue_kpi).to_have_text("2")
    urgent = page.get_by_role("region", name="Quá hạn và sắp đến hạn")
    expect(urgent.get_by_role("link", name="Kiện toàn đội ngũ cộng tác viên")).to_be_visible()

    # The lead records the first task as done: it leaves the overdue count.
    urgent.get_by_role("link", name="Phổ biến, quán triệt").click()
    task = page.locator("li.task", has_text="Phổ biến, quán triệt Chỉ thị 47-CT/TW")
    task.get_by_text("Cập nhật tiến độ").click()
    task.get_by_label("Trạng thái").select_option(label="Đã hoàn thành")
    task.get_by_label("Kết quả đã làm").fill("Đã tổ chức hội nghị quán triệt toàn tỉnh.")
    task.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu.")
    expect(task).to_contain_text("Đã hoàn thành")
    expect(task).to_contain_text("Đã tổ chức hội nghị quán triệt toàn tỉnh.")
    expect(page.locator("li.task-overdue")).to_have_count(1)
    page.goto("/plans")
    expect(overdue_kpi).to_have_text("1")

    # The scorecard of a ward, downloaded from the scorecards page, reads back.
    page.get_by_role("link", name="Chấm điểm, đánh giá đơn vị").click()
    page.get_by_role("combobox", name="Đơn vị được chấm").select_option(label="Phường Sa Pa")
    page.get_by_role("button", name="Xem").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bảng điểm (XLSX)").click()
    assert download.value.suggested_filename == f"bang-diem-{SA_PA}-{today.year}.xlsx"
    saved = tmp_path / "bang-diem.xlsx"
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[1][0] == "Đơn vị được đánh giá: Phường Sa Pa (mã 03006)"
    scored = {row[0]: row for row in rows[5:7]}
    assert scored["kiem_tra"][5:8] == (70, 42, "Cần bổ sung")
    assert rows[7][1] == "Tổng điểm" and rows[7][5] == 82  # 70·0.6 + 100·0.4
