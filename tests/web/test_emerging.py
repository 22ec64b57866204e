"""The emerging-issues page: clusters within scope with their figures and sample documents;
collaborators are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from duluan.analysis import emerging_store
from duluan.auth import units
from tests.analysis.test_emerging import PARKING, WATER, _noise, _post, store
from tests.conftest import login, make_user


def _clusters(db: Session) -> tuple[emerging_store.EmergingCluster, ...]:
    """A parking-fee cluster in Lào Cai and a water-cut one in Hà Nội, as of now; commit."""
    now = datetime.now(UTC)
    store(db, "15", [_post(PARKING, k) for k in range(10)], now - timedelta(hours=1))
    store(db, "01", [_post(WATER, k) for k in range(10)], now - timedelta(hours=1), province="01")
    found = []
    for code in ("15", "01"):
        _noise(db, code, now - timedelta(hours=2))
        found += emerging_store.run(db, units.find_by_code(db, code).id, now)
    db.commit()
    return tuple(found)


def test_the_page_shows_the_clusters_within_scope_with_samples(
    client: TestClient, db: Session
) -> None:
    lao_cai, hanoi = _clusters(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    page = client.get("/warning/emerging")

    assert page.status_code == 200 and "Vấn đề mới nổi" in page.text
    assert "tự gom từ những tài liệu chưa được phân loại" in page.text  # the honest note
    assert lao_cai.label in page.text and hanoi.label not in page.text
    assert "Lào Cai (10)" in page.text
    assert page.text.count('href="/listening/documents/') == emerging_store.SAMPLES
    assert 'href="/warning/emerging"' in client.get("/warning").text  # the section's tab


def test_the_page_says_when_there_is_nothing_yet(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    page = client.get("/warning/emerging")

    assert page.status_code == 200 and "Chưa có vấn đề mới nổi" in page.text


def test_collaborators_cannot_open_the_page_and_leaders_can(
    client: TestClient, db: Session
) -> None:
    _clusters(db)
    make_user(db, "lc.ctv", "collaborator", "15")
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.ctv")
    assert client.get("/warning/emerging").status_code == 403

    login(client, "lc.leader")
    assert client.get("/warning/emerging").status_code == 200
