"""The forecast panel in Chromium: the chart draws history, forecast and both bands, and a
series that is too sparse says why it has no forecast. SYNTHETIC series."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.db.engine import session_factory
from duluan.warning import forecast
from duluan.warning.forecast_fit import synthetic_series
from tests.browser.test_shell import sign_in
from tests.conftest import make_user
from tests.warning.test_forecast import LAST_DAY, NOW, TOPIC, _cycle_with_trend, _write

pytestmark = pytest.mark.browser


def test_the_forecast_panel_draws_the_bands_and_explains_a_missing_forecast(
    page: Page, db: Session
) -> None:
    lao_cai = units.find_by_code(db, "15").id
    _write(db, _cycle_with_trend(lao_cai))
    _write(db, synthetic_series(unit_id=lao_cai, topic="education", last_day=LAST_DAY,
                                days=91, level=0.3))  # fmt: skip
    forecast.run(session_factory(db.get_bind()), NOW)  # type: ignore[arg-type]
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst")

    page.goto(f"/warning/forecast/{TOPIC}")

    expect(page.get_by_role("heading", name="Dự báo 7 ngày tới")).to_be_visible()
    charts = page.locator(".forecast-chart canvas")
    expect(charts).to_have_count(2)  # volume and negative share
    expect(page.get_by_text("Kiểm định ngược: sai số tuyệt đối trung bình").first).to_be_visible()
    if os.environ.get("DULUAN_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['DULUAN_SCREENSHOTS']}/forecast.png", full_page=True)

    page.goto("/warning/forecast/education")
    expect(page.get_by_text("số liệu quá thưa").first).to_be_visible()
    expect(page.locator(".forecast-chart")).to_have_count(0)
    if os.environ.get("DULUAN_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['DULUAN_SCREENSHOTS']}/no-forecast.png")
