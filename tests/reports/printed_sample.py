"""A realistic report built by hand for the printing tests: a provincial board's monthly report
in the Party layout (or a people's committee's in the State layout), with Vietnamese text,
charts, a table, quotes, recipients and text that looks like markup."""

from __future__ import annotations

from datetime import date

from duluan.reports.document import (
    Chart,
    ChartSeries,
    Header,
    Quote,
    ReportDocument,
    Section,
    Table,
)

SCRIPT = "<script>alert('x')</script>"


def party_header() -> Header:
    return Header(
        layout="party",
        issuer="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        superior="Đảng bộ tỉnh Lào Cai",
        number="12-BC/BTGDVTU",
        place="Lào Cai",
        issued_on=date(2026, 11, 8),
        kind_label="Báo cáo",
        subject="tình hình dư luận xã hội tháng 10 năm 2026",
        signer_authority="T/M Ban Thường vụ",
        signer_title="Phó Trưởng ban Thường trực",
        signer_name="Nguyễn Thị Minh Hằng",
        recipients=[
            "Ban Tuyên giáo và Dân vận Trung ương",
            "Thường trực Tỉnh ủy",
            "Các huyện ủy, thành ủy, thị ủy",
            "Lưu Văn phòng Ban",
        ],
    )


def state_header() -> Header:
    return Header(
        layout="state",
        issuer="Ủy ban nhân dân tỉnh Lào Cai",
        superior="",
        number="15/BC-UBND",
        place="Lào Cai",
        issued_on=date(2026, 2, 3),
        kind_label="Báo cáo",
        subject="kết quả nắm bắt dư luận xã hội tháng 01 năm 2026",
        signer_authority="TM. Ủy ban nhân dân",
        signer_title="Chủ tịch",
        signer_name="Trần Văn Bình",
        recipients=["Văn phòng Chính phủ", "Lưu VT"],
    )


def volume_chart() -> Chart:
    return Chart(
        key="volume",
        title="Số tin, bài theo tuần",
        kind="bar",
        labels=["Tuần 1", "Tuần 2", "Tuần 3", "Tuần 4"],
        series=[
            ChartSeries("Tháng 10", [1234, 2345.5, 980, 1500]),
            ChartSeries("Tháng 9", [1000, 2000, 1100, 1300]),
        ],
        unit="tin, bài",
    )


def topic_chart() -> Chart:
    return Chart(
        key="topics",
        title="Các luồng ý kiến theo chủ đề",
        kind="barh",
        labels=["Đất đai, giải phóng mặt bằng", "Giá cả, thị trường", "Y tế", "Giáo dục"],
        series=[ChartSeries("Số ý kiến", [320, 210, 150, 90])],
    )


def sections() -> list[Section]:
    return [
        Section(
            key="situation",
            title="I. TÌNH HÌNH DƯ LUẬN XÃ HỘI",
            paragraphs=[
                "Trong tháng 10 năm 2026, hệ thống ghi nhận 6.059 tin, bài liên quan đến tỉnh, "
                "tăng 12,5% so với tháng 9; sắc thái tích cực chiếm 41,0%.",
                f"Một số tài khoản đăng nội dung có mã {SCRIPT} nhằm phát tán đường dẫn độc hại.",
            ],
            charts=[volume_chart(), topic_chart()],
            tables=[
                Table(
                    title="Các luồng ý kiến chính",
                    columns=["Chủ đề", "Số ý kiến", "Tỷ lệ"],
                    rows=[["Đất đai", "320", "41,0%"], ["Giá cả", "210", "26,9%"]],
                )
            ],
            figures={"posts": 6059, "change_pct": 12.5},
        ),
        Section(
            key="field_reports",
            title="II. PHẢN ÁNH CỦA CỘNG TÁC VIÊN",
            paragraphs=["Cộng tác viên ở 8 xã, phường gửi 27 báo cáo trong tháng."],
            quotes=[
                Quote(
                    text="Bà con mong sớm có phương án bồi thường <b>rõ ràng</b>.",
                    source="báo cáo của cộng tác viên xã Bảo Thắng",
                )
            ],
            figures={"field_reports": 27},
        ),
        Section(
            key="proposals",
            title="III. ĐỀ XUẤT, KIẾN NGHỊ",
            paragraphs=["Đề nghị các cơ quan chức năng kịp thời thông tin về giá điện."],
        ),
    ]


def party_report() -> ReportDocument:
    return ReportDocument(header=party_header(), sections=sections())


def state_report() -> ReportDocument:
    return ReportDocument(header=state_header(), sections=sections())
