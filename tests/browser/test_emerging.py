"""The emerging-issues page in Chromium: reached from the warning tabs, a sample opens its
document."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.browser.test_shell import sign_in
from tests.conftest import make_user
from tests.web.test_emerging import _clusters

pytestmark = pytest.mark.browser


def test_the_emerging_page_lists_clusters_and_opens_a_sample(page: Page, db: Session) -> None:
    lao_cai, _ = _clusters(db)
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst")

    page.goto("/warning")
    page.get_by_role("link", name="Vấn đề mới nổi").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vấn đề mới nổi")
    expect(page.get_by_text(lao_cai.label)).to_be_visible()
    page.locator(".emerging-samples a").first.click()
    expect(page).to_have_url(re.compile(r"/listening/documents/\d+$"))
