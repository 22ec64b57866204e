"""Printing a report: time of `render_docx` and `render_pdf` for a report of about ten A4 pages
(five sections, each with paragraphs, a chart, a table and quotes), charts drawn included.

    .venv/bin/python -m benchmarks.report_printing

The document is generated (no database): the figure is the printers' cost alone, what a user
waits for after pressing "Tải DOCX" or "Tải PDF" on top of loading the report row.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date

import pypdfium2 as pdfium

from duluan.reports.charts import forget_drawn_charts
from duluan.reports.document import (
    Chart,
    ChartSeries,
    Header,
    Quote,
    ReportDocument,
    Section,
    Table,
)
from duluan.reports.docx_render import render_docx
from duluan.reports.pdf_render import render_pdf

COMMAND = ".venv/bin/python -m benchmarks.report_printing"
RUNS = 3
SECTIONS = 5
PARAGRAPH = (
    "Trong kỳ, dư luận xã hội trên địa bàn tỉnh tập trung vào công tác bồi thường, giải phóng "
    "mặt bằng các dự án giao thông, giá cả một số mặt hàng thiết yếu và chất lượng dịch vụ y tế "
    "tuyến cơ sở; số tin, bài tăng {n},5% so với kỳ trước, sắc thái tích cực chiếm 41,0%. "
)


def ten_page_report() -> ReportDocument:
    header = Header(
        layout="party", issuer="Ban Tuyên giáo và Dân vận Tỉnh ủy", superior="Đảng bộ tỉnh Lào Cai",
        number="12-BC/BTGDVTU", place="Lào Cai", issued_on=date(2026, 11, 8),
        kind_label="Báo cáo", subject="tình hình dư luận xã hội tháng 10 năm 2026",
        signer_authority="T/M Ban Thường vụ", signer_title="Phó Trưởng ban Thường trực",
        signer_name="Nguyễn Thị Minh Hằng",
        recipients=["Ban Tuyên giáo và Dân vận Trung ương", "Thường trực Tỉnh ủy", "Lưu VP"],
    )  # fmt: skip
    sections = [
        Section(
            key=f"s{n}",
            title=f"{n}. NỘI DUNG THỨ {n}",
            paragraphs=[PARAGRAPH.format(n=n) * 3 for _ in range(3)],
            charts=[
                Chart(
                    key=f"c{n}",
                    title=f"Biểu đồ {n}",
                    kind=("bar", "barh", "line")[n % 3],
                    labels=[f"Tuần {w}" for w in range(1, 6)],
                    series=[
                        ChartSeries("Kỳ này", [100.0 * w + n for w in range(1, 6)]),
                        ChartSeries("Kỳ trước", [90.0 * w for w in range(1, 6)]),
                    ],
                )
            ],
            tables=[
                Table(
                    title=f"Bảng số liệu {n}",
                    columns=["Chủ đề", "Số ý kiến", "Tỷ lệ"],
                    rows=[[f"Chủ đề {r}", str(10 * r), f"{r},0%"] for r in range(1, 8)],
                )
            ],
            quotes=[
                Quote(
                    text="Bà con mong sớm có phương án bồi thường rõ ràng.",
                    source="báo cáo của cộng tác viên",
                )
            ]
            * 2,
        )
        for n in range(1, SECTIONS + 1)
    ]
    return ReportDocument(header=header, sections=sections)


def _median_times(
    render: Callable[[ReportDocument], bytes], report: ReportDocument, *, cold: bool
) -> tuple[float, float]:
    """Median (wall, CPU) seconds of RUNS prints; `cold` draws the charts afresh each time."""
    walls, cpus = [], []
    for _ in range(RUNS):
        if cold:
            forget_drawn_charts()
        wall, cpu = time.perf_counter(), time.process_time()
        render(report)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    report = ten_page_report()
    pages = len(pdfium.PdfDocument(render_pdf(report)))  # also warms fonts and templates
    print(f"report printing: {pages} A4 pages, {SECTIONS} charts; median of {RUNS} runs")
    for name, render in (("render_docx", render_docx), ("render_pdf", render_pdf)):
        cold_wall, cold_cpu = _median_times(render, report, cold=True)
        warm_wall, warm_cpu = _median_times(render, report, cold=False)
        print(
            f"  {name}: {cold_wall:.2f} s wall / {cold_cpu:.2f} s CPU drawing the charts, "
            f"{warm_wall:.2f} s / {warm_cpu:.2f} s with the charts already drawn"
        )
    print(f"  ({COMMAND})")


if __name__ == "__main__":
    main()
