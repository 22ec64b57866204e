from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.geo.admin_map import data_version
from tests.conftest import login, make_user, post_form


def test_province_user_reads_own_province_but_not_another(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    lao_cai, hanoi = units.find_by_code(db, "15"), units.find_by_code(db, "01")
    login(client, "lc.analyst")
    own = client.get(f"/units/{lao_cai.id}")
    assert own.status_code == 200 and "Lào Cai" in own.text and "Xã" in own.text
    assert f"dữ liệu ngày {data_version()}" in own.text  # the map's provenance is shown
    other = client.get(f"/units/{hanoi.id}")
    assert other.status_code == 403
    assert "nằm ngoài phạm vi" in other.text and "Hoàn Kiếm" not in other.text


def test_search_stays_within_scope(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    html = client.get("/units", params={"q": "phường"}).text
    assert "Phường Hoàn Kiếm" not in html  # Hà Nội, outside the scope
    assert "Phường" in html


def test_admin_adds_a_board_and_markup_is_escaped(client: TestClient, db: Session) -> None:
    make_user(db, "lc.admin", "admin", "15")
    lao_cai = units.find_by_code(db, "15")
    login(client, "lc.admin")
    name = "<script>alert(1)</script> Ban Tuyên giáo'); DROP TABLE org_units;--"
    response = post_form(
        client,
        f"/units/{lao_cai.id}/children",
        {"code": "15-BTGDV", "name": name, "kind": "board"},
        page=f"/units/{lao_cai.id}",
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert db.scalar(select(func.count(OrgUnit.id))) == 3356 + 1


def test_bad_unit_code_gets_a_clear_error_and_nothing_is_stored(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.admin", "admin", "15")
    lao_cai = units.find_by_code(db, "15")
    login(client, "lc.admin")
    response = post_form(
        client,
        f"/units/{lao_cai.id}/children",
        {"code": "12345", "name": "Ban", "kind": "board"},
        page=f"/units/{lao_cai.id}",
    )
    assert response.status_code == 400 and "Mã đơn vị “12345” không hợp lệ" in response.text
    assert db.scalar(select(func.count(OrgUnit.id))) == 3356


def test_analyst_cannot_add_units(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    lao_cai = units.find_by_code(db, "15")
    login(client, "lc.analyst")
    response = post_form(
        client,
        f"/units/{lao_cai.id}/children",
        {"code": "15-X", "name": "Ban", "kind": "board"},
        page=f"/units/{lao_cai.id}",
    )
    assert response.status_code == 403
    assert db.scalar(select(func.count(OrgUnit.id))) == 3356


def test_province_admin_cannot_add_under_another_province(client: TestClient, db: Session) -> None:
    make_user(db, "lc.admin", "admin", "15")
    hanoi = units.find_by_code(db, "01")
    login(client, "lc.admin")
    response = post_form(
        client, f"/units/{hanoi.id}/children", {"code": "01-X", "name": "Ban", "kind": "board"}
    )
    assert response.status_code == 403


def test_units_start_at_the_single_scope_and_search_without_diacritics(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    start = client.get("/units", follow_redirects=False)
    assert start.headers["location"] == f"/units/{units.find_by_code(db, '15').id}"
    html = client.get("/units", params={"q": "sa pa"}).text
    assert "Phường Sa Pa" in html
