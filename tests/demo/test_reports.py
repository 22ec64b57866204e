"""The demo reports of Lào Cai: its letterhead, the monthly report of the last full month and
the quarterly report of the last full quarter, generated from the demo data; loading again adds
nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from duluan.db.engine import session_factory
from duluan.demo import reports as demo_reports
from duluan.demo.registry import LOADERS
from duluan.demo.service import load_demo
from duluan.reports import edits
from duluan.reports.models import Letterhead, Report

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_last_full_month_and_quarter() -> None:
    assert demo_reports.last_full_month(date(2026, 11, 24)) == "2026-10"
    assert demo_reports.last_full_month(date(2026, 1, 3)) == "2025-12"
    assert demo_reports.last_full_quarter(date(2026, 11, 24)) == "2026-Q3"
    assert demo_reports.last_full_quarter(date(2026, 2, 1)) == "2025-Q4"


def test_the_demo_has_lao_cais_reports_once(engine: Engine, db: Session) -> None:
    loaders = [loader for loader in LOADERS if loader.name in ("listening", "reports")]
    factory = session_factory(engine)
    first = load_demo(factory, now=NOW, days=45, scale=0.1, secret="s" * 48, loaders=loaders)
    again = load_demo(factory, now=NOW, days=45, scale=0.1, secret="s" * 48, loaders=loaders)

    assert first.counts["reports_new"] == 2
    assert again.counts["reports_new"] == 0
    found = list(db.scalars(select(Report).order_by(Report.id)))
    assert [(r.kind, r.period_label, r.status) for r in found] == [
        ("monthly", "2026-10", "draft"),
        ("quarterly", "2026-Q3", "draft"),
    ]
    monthly = edits.full(found[0].document)
    assert monthly.header.issuer == "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    assert monthly.header.recipients[-1] == "Lưu Văn phòng Ban."
    assert found[0].snapshot["listening"]["documents"] > 0  # the demo's October articles
    assert db.scalar(select(Letterhead.issuer)) == "BAN TUYÊN GIÁO VÀ DÂN VẬN"
