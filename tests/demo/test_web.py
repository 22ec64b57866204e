"""The demo in the web interface: the "synthetic data" strip, and the page about the demo."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from duluan.db.engine import session_factory
from duluan.demo import accounts, listening
from duluan.demo.plan import DemoPlan
from tests.conftest import login

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def _demo_sources_and_accounts(engine: Engine, db: Session) -> None:
    listening.ensure_sources(DemoPlan(session_factory(engine), NOW))
    accounts.ensure_accounts(db)
    db.commit()


def test_no_strip_without_demo_data(client: TestClient) -> None:
    assert 'class="demo-strip"' not in client.get("/login").text


def test_every_page_says_the_data_is_synthetic(
    client: TestClient, engine: Engine, db: Session
) -> None:
    _demo_sources_and_accounts(engine, db)

    assert "Dữ liệu mô phỏng" in client.get("/login").text
    login(client, "demo-analyst", accounts.PASSWORD)
    page = client.get("/demo")

    assert page.status_code == 200
    assert 'class="demo-strip"' in page.text
    assert "phường Cam Đường" in page.text  # the hotspot manifest
    assert "[Mô phỏng] Trang cộng đồng Lào Cai" in page.text
    assert accounts.PASSWORD not in page.text


def test_the_demo_page_needs_a_staff_account(client: TestClient) -> None:
    response = client.get("/demo", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
