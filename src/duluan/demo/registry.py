"""The demo loaders, in the order `duluan demo` runs them.

A capability that has demo data of its own (cases, surveys, reports, …) writes a module
`demo/<capability>.py` with a `load(plan) -> dict[str, int]` (counts for the summary; idempotent:
a second run stores nothing twice) and adds it here, after what it builds on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from duluan.demo import cases, detection, emerging, listening, network, plans, reports, surveys
from duluan.demo.plan import DemoPlan


@dataclass(frozen=True)
class DemoLoader:
    name: str  # stable; shown with the progress
    label: str  # what the terminal says while it runs
    load: Callable[[DemoPlan], dict[str, int]]


LOADERS: tuple[DemoLoader, ...] = (
    DemoLoader("listening", "Tài liệu mô phỏng qua quy trình thu thập", listening.load),
    DemoLoader("warning", "Phát hiện điểm nóng (cảnh báo sớm)", detection.load),
    DemoLoader("cases", "Hồ sơ điểm nóng đã xử lý", cases.load),
    DemoLoader("emerging", "Gom nhóm vấn đề mới nổi", emerging.load),
    DemoLoader("surveys", "Cuộc điều tra mô phỏng và phiếu trả lời", surveys.load),
    DemoLoader("network", "Mạng lưới cộng tác viên, báo cáo và kiến nghị", network.load),
    DemoLoader("plans", "Kế hoạch, nhiệm vụ và bảng điểm đánh giá", plans.load),
    DemoLoader("reports", "Báo cáo tháng, quý soạn sẵn cho Lào Cai", reports.load),
)
