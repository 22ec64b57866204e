"""The collaborator network pages, the network itself: overview, roster (forms, audited contact
view), coverage matrix and targets, trainings and the yearly recognition files, and the lists;
each for the right role, refused to the wrong one and to the other province (Lào Cai 15, Hà Nội
01), CSRF required, bad input answered in Vietnamese with nothing stored."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.cli import app
from duluan.network import coverage, roster
from duluan.network.models import Category, Collaborator, CoverageTarget, Training
from duluan.network.roster import Contact, Place
from duluan.web.network_view import today
from tests.conftest import login, make_user, post_form

SA_PA, BAO_YEN = "03006", "02947"  # Phường Sa Pa, Xã Bảo Yên (Lào Cai)
NAME = "Nguyễn Thị Hoa"
COMMUNES_OF_LAO_CAI = 99


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _network(db: Session, actor: Actor) -> list[Collaborator]:
    """Lào Cai: two farmers and a youth in Sa Pa, a farmer in Bảo Yên who has left."""
    lao_cai = units.find_by_code(db, "15")
    made = [
        roster.add(
            db,
            actor,
            lao_cai,
            Place("15", commune, sector, stratum),
            Contact(NAME, phone="0912 345 678", email="hoa@example.vn"),
            joined_on=date(2026, 1, 5),
        )
        for commune, sector, stratum in (
            (SA_PA, "economy", "farmers"),
            (SA_PA, "healthcare", "farmers"),
            (SA_PA, "economy", "youth"),
            (BAO_YEN, "economy", "farmers"),
        )
    ]
    roster.set_status(db, actor, made[-1], "left", on=date(2026, 8, 1))
    db.commit()
    return made


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


def _audited(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- Overview -----------------------------------------------------------------------------------


def test_the_overview_shows_the_key_figures_and_the_chart_data(
    client: TestClient, db: Session
) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    _network(db, analyst)
    coverage.set_target(db, analyst, units.find_by_code(db, "15"), stratum="farmers", minimum=1)
    db.commit()
    login(client, "lc.analyst")

    page = client.get("/network")

    assert page.status_code == 200
    tree = lxml_html.fromstring(page.text)
    assert tree.findtext(".//h1") == "Cộng tác viên & báo cáo"  # the pillar's nav title
    figure = {
        e.get("data-figure"): e.text_content().strip() for e in tree.cssselect("[data-figure]")
    }
    communes = COMMUNES_OF_LAO_CAI
    assert figure["active"] == "3" and figure["covered"] == f"1 / {communes}"
    # Every locality of the province (its own row and each commune) asks for a farmer; only Sa Pa
    # has one. All three joined in January and have sent nothing since: follow them up.
    assert figure["unmet"] == str(communes) and figure["flagged"] == "3"
    chart = json.loads(tree.get_element_by_id("network-chart-data").text)
    assert ["Nông dân", 2] in chart["strata"] and ["Kinh tế, việc làm", 2] in chart["sectors"]
    assert NAME not in page.text
    assert "/static/js/network.js" in page.text and "<script>" not in page.text


def test_the_overview_refuses_other_roles_and_the_other_province(
    client: TestClient, db: Session
) -> None:
    make_user(db, "hn.leader", "leader", "01")
    make_user(db, "lc.ctv", "collaborator", "15")
    login(client, "hn.leader")
    assert client.get("/network").status_code == 200  # their own province
    assert client.get("/network?unit=15").status_code == 403
    assert client.get("/network/roster?unit=15").status_code == 403
    assert client.get("/network/coverage?unit=15").status_code == 403
    assert client.get("/network?unit=ZZZ").status_code == 404

    ctv = TestClient(client.app)
    login(ctv, "lc.ctv")
    for path in ("/network", "/network/roster", "/network/coverage", "/network/trainings"):
        assert ctv.get(path).status_code == 403


# --- Roster -------------------------------------------------------------------------------------


def test_an_analyst_adds_a_collaborator_who_is_listed_without_a_name(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    lao_cai = units.find_by_code(db, "15")
    form = {
        "unit_id": str(lao_cai.id),
        "locality": SA_PA,
        "sector": "education",
        "stratum": "intellectuals",
        "joined_on": "2026-03-02",
        "full_name": NAME,
        "phone": "0912 345 678",
        "email": "hoa@example.vn",
    }

    response = post_form(client, "/network/roster", form, page="/network/roster")

    assert response.status_code == 303
    assert response.headers["location"] == "/network/roster?unit=15&saved=added"
    page = client.get(response.headers["location"]).text
    added = db.scalars(select(Collaborator)).one()
    assert f"CTV #{added.id}" in page and "Đã thêm cộng tác viên." in page
    assert "Phường Sa Pa" in page and "Giáo dục" in page and "Trí thức" in page
    assert "02/03/2026" in page
    assert NAME not in page and "0912" not in page
    assert "Xem liên hệ" not in page  # an analyst does not read contacts


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"locality": "00070"}, "Địa bàn “00070” không thuộc địa bàn của đơn vị."),
        ({"full_name": "  "}, "Cần nhập họ và tên của cộng tác viên."),
        ({"stratum": "astronauts"}, "Không có tầng lớp, giai cấp “astronauts” trong danh mục."),
        ({"joined_on": "31/02/2026"}, "Ngày “31/02/2026” không hợp lệ"),
    ],
)
def test_bad_roster_input_is_named_in_vietnamese_and_nothing_is_stored(
    client: TestClient, db: Session, change: dict[str, str], message: str
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    form = {
        "unit_id": str(units.find_by_code(db, "15").id),
        "locality": SA_PA,
        "sector": "economy",
        "stratum": "farmers",
        "joined_on": "2026-03-02",
        "full_name": "Lê Văn Nam",
        "phone": "0987 000 111",
        **change,
    }

    response = post_form(client, "/network/roster", form, page="/network/roster")

    assert response.status_code == 400
    assert message in response.text
    assert 'value="0987 000 111"' in response.text  # what was typed is kept
    assert _count(db, Collaborator) == 0


def test_roster_forms_need_the_csrf_token_the_role_and_the_scope(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    form = {
        "unit_id": str(units.find_by_code(db, "15").id),
        "locality": SA_PA,
        "sector": "economy",
        "stratum": "farmers",
        "full_name": "Lê Văn Nam",
    }
    login(client, "hn.analyst")
    no_token = client.post("/network/roster", data=form, follow_redirects=False)
    assert no_token.status_code == 403
    assert post_form(client, "/network/roster", form).status_code == 403  # Lào Cai's roster

    leader = TestClient(client.app)
    login(leader, "lc.leader")
    page = leader.get("/network/roster").text
    assert "Thêm cộng tác viên" not in page  # a leader reads the roster, does not keep it
    assert post_form(leader, "/network/roster", form).status_code == 403
    assert _count(db, Collaborator) == 0


def test_status_changes_filters_and_the_quiet_flag(client: TestClient, db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    made = _network(db, analyst)
    login(client, "lc.analyst")
    roster_page = "/network/roster"

    paused = post_form(
        client,
        f"/network/collaborators/{made[0].id}/status",
        {"unit_id": str(made[0].unit_id), "status": "paused", "on": "2026-10-01"},
        page=roster_page,
    )
    assert paused.status_code == 303 and "saved=status" in paused.headers["location"]
    db.refresh(made[0])
    assert made[0].status == "paused"

    bad = post_form(
        client,
        f"/network/collaborators/{made[1].id}/status",
        {"unit_id": str(made[1].unit_id), "status": "retired"},
        page=roster_page,
    )
    assert bad.status_code == 400 and "Trạng thái “retired” không hợp lệ." in bad.text

    shown = client.get("/network/roster?status=active&stratum=farmers").text
    ids = [e.text for e in lxml_html.fromstring(shown).cssselect("tbody th .mono")]
    assert ids == [f"CTV #{made[1].id}"]
    assert "Cần theo dõi" in shown  # joined in January, no report since
    in_bao_yen = client.get(f"/network/roster?locality={BAO_YEN}").text
    assert f"CTV #{made[3].id}" in in_bao_yen and "Đã thôi" in in_bao_yen


def test_an_admin_creates_a_login_and_a_bad_password_is_refused(
    client: TestClient, db: Session
) -> None:
    admin = _actor(db, "lc.admin", "admin", "15")
    made = _network(db, admin)
    login(client, "lc.admin")
    target = f"/network/collaborators/{made[0].id}/login"
    data = {"unit_id": str(made[0].unit_id), "username": "ctv.hoa"}

    short = post_form(client, target, {**data, "password": "ngan"}, page="/network/roster")
    assert short.status_code == 400 and 'role="alert"' in short.text
    db.refresh(made[0])
    assert made[0].user_id is None

    done = post_form(client, target, {**data, "password": "mat-khau-ctv-hoa-2026"}, "/network")
    assert done.status_code == 303
    db.refresh(made[0])
    assert made[0].user_id is not None
    assert "Đã có tài khoản đăng nhập." in client.get("/network/roster?saved=login").text


def test_only_the_units_admins_read_a_contact_and_each_read_is_audited(
    client: TestClient, db: Session
) -> None:
    admin = _actor(db, "lc.admin", "admin", "15")
    made = _network(db, admin)
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "hn.admin", "admin", "01")
    contact_page = f"/network/collaborators/{made[0].id}/contact"
    login(client, "lc.admin")

    assert "Xem liên hệ" in client.get("/network/roster").text
    page = client.get(contact_page)

    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert NAME in page.text and "0912 345 678" in page.text and "hoa@example.vn" in page.text
    assert "đã được ghi vào nhật ký hệ thống" in page.text
    events = _audited(db, "network.contact_read")
    assert [e.target for e in events] == [str(made[0].id)]

    analyst = TestClient(client.app)
    login(analyst, "lc.analyst")
    assert analyst.get(contact_page).status_code == 403
    other = TestClient(client.app)
    login(other, "hn.admin")
    assert other.get(contact_page).status_code == 404  # not revealed outside the scope
    assert len(_audited(db, "network.contact_read")) == 1


# --- Coverage -----------------------------------------------------------------------------------


def test_the_matrix_shows_the_same_numbers_as_the_command(
    client: TestClient, db: Session, cli_database: None
) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    _network(db, analyst)
    lao_cai = units.find_by_code(db, "15")
    coverage.set_target(db, analyst, lao_cai, locality_code=SA_PA, stratum="farmers", minimum=3)
    coverage.set_target(db, analyst, lao_cai, locality_code=SA_PA, stratum="youth", minimum=1)
    coverage.set_target(db, analyst, lao_cai, minimum=1)
    db.commit()
    printed = json.loads(
        CliRunner().invoke(app, ["network", "coverage", "--unit", "15", "--json"]).output
    )
    login(client, "lc.analyst")

    for by, key in (("stratum", "stratum"), ("sector", "sector")):
        tree = lxml_html.fromstring(client.get(f"/network/coverage?by={by}").text)
        shown = {
            c.get("data-cell"): int(c.get("data-count")) for c in tree.cssselect("[data-cell]")
        }
        totals = {
            c.get("data-total"): int(c.get("data-count")) for c in tree.cssselect("[data-total]")
        }
        expected: dict[str, int] = {}
        for cell in printed["cells"]:
            name = f"{cell['locality']}|{cell[key]}"
            expected[name] = expected.get(name, 0) + cell["count"]
        assert {k: v for k, v in shown.items() if v} == expected
        assert len(totals) == len(printed["localities"])
        assert sum(totals.values()) == printed["active_collaborators"] == 3
        assert tree.cssselect("[data-figure=gaps]")[0].text == str(printed["gaps"])
    tree = lxml_html.fromstring(client.get("/network/coverage").text)
    farmers = tree.cssselect(f'[data-cell="{SA_PA}|farmers"]')[0]
    assert "cov-short" in farmers.get("class") and farmers.get("data-count") == "2"
    assert "cov-met" in tree.cssselect(f'[data-cell="{SA_PA}|youth"]')[0].get("class")
    assert "cov-none" in tree.cssselect(f'[data-cell="{SA_PA}|women"]')[0].get("class")


def test_the_locality_search_keeps_matching_rows(client: TestClient, db: Session) -> None:
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")
    tree = lxml_html.fromstring(client.get("/network/coverage?q=bao yen").text)
    assert [r.get("data-name") for r in tree.cssselect("tbody tr[data-name]")] == ["Xã Bảo Yên"]
    assert "Đặt chỉ tiêu bao phủ" not in client.get("/network/coverage").text  # leaders read only


def test_a_target_is_set_and_removed_through_the_form_and_bad_ones_are_refused(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    base = {"unit_id": str(units.find_by_code(db, "15").id), "locality": BAO_YEN}

    saved = post_form(client, "/network/coverage/targets", {**base, "minimum": "2"})
    assert saved.status_code == 303 and "saved=target" in saved.headers["location"]
    page = client.get(saved.headers["location"]).text
    assert (
        "Đã lưu chỉ tiêu bao phủ." in page and "Xã Bảo Yên — Mọi CTV: <strong>0/2</strong>" in page
    )

    for minimum, message in (
        ("hai", "Chỉ tiêu phải là số nguyên từ 0 đến 1000."),
        ("5000", "Chỉ tiêu phải là số nguyên từ 0 đến 1000."),
    ):
        bad = post_form(client, "/network/coverage/targets", {**base, "minimum": minimum})
        assert bad.status_code == 400 and message in bad.text
    outside = post_form(
        client, "/network/coverage/targets", {**base, "locality": "00070", "minimum": "1"}
    )
    assert outside.status_code == 400 and "không thuộc địa bàn của đơn vị" in outside.text
    assert [t.minimum for t in db.scalars(select(CoverageTarget))] == [2]

    removed = post_form(client, "/network/coverage/targets", {**base, "minimum": "0"})
    assert removed.status_code == 303 and _count(db, CoverageTarget) == 0


# --- Trainings and recognition ------------------------------------------------------------------


def test_a_training_with_attendees_and_the_recognition_files(
    client: TestClient, db: Session
) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    made = _network(db, analyst)
    login(client, "lc.analyst")
    year = today().year
    data = {
        "unit_id": str(made[0].unit_id),
        "title": "Tập huấn nắm bắt dư luận",
        "held_on": f"{year}-01-01",
        "place": "Hội trường tỉnh",
        "attendees": [str(made[0].id), str(made[2].id)],
    }

    bad = post_form(client, "/network/trainings", {**data, "title": " "}, page="/network/trainings")
    assert bad.status_code == 400 and "Cần nhập tên lớp tập huấn." in bad.text
    assert _count(db, Training) == 0
    added = post_form(client, "/network/trainings", data, page="/network/trainings")
    assert added.status_code == 303
    page = client.get(added.headers["location"]).text
    assert "Tập huấn nắm bắt dư luận" in page and "Đã ghi lớp tập huấn." in page
    assert f"CTV #{made[0].id}, CTV #{made[2].id}" in page
    assert NAME not in page

    csv_file = client.get(f"/network/recognition.csv?year={year}")
    assert csv_file.status_code == 200
    assert csv_file.headers["content-disposition"] == (
        f'attachment; filename="thi-dua-ctv-15-{year}.csv"'
    )
    text = csv_file.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("CTV,Địa bàn,Lĩnh vực,Tầng lớp")
    assert len(lines) == 4  # the collaborator who left is not listed
    assert f'CTV #{made[0].id},Phường Sa Pa,"Kinh tế, việc làm",Nông dân' in text
    assert NAME not in text

    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/network/recognition.xlsx?year={year}").content)
    )
    assert workbook.sheetnames == ["Cộng tác viên", "Đơn vị"]
    units_sheet = list(workbook["Đơn vị"].values)
    assert units_sheet[2][:4] == ("Lào Cai", 3, 1, 2)  # 3 collaborators, 1 training, 2 attended
    exports = _audited(db, "network.recognition_exported")
    assert [e.detail["format"] for e in exports] == ["csv", "xlsx"]
    assert client.get("/network/recognition.pdf").status_code == 400
    assert "Năm phải là một số từ 2000" in client.get("/network/trainings?year=1999").text


def test_trainings_are_refused_outside_the_scope(client: TestClient, db: Session) -> None:
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "hn.analyst")
    assert client.get("/network/recognition.csv?unit=15").status_code == 403
    data = {"unit_id": str(units.find_by_code(db, "15").id), "title": "X", "held_on": "2026-01-01"}
    assert post_form(client, "/network/trainings", data).status_code == 403
    assert _count(db, Training) == 0


# --- Lists --------------------------------------------------------------------------------------


def test_the_root_admin_keeps_the_lists(client: TestClient, db: Session) -> None:
    make_user(db, "root.admin", "admin", "TW")
    make_user(db, "lc.admin", "admin", "15")
    login(client, "root.admin")

    page = client.get("/network/lists").text
    assert "Nông dân" in page and "Kinh tế, việc làm" in page
    added = post_form(
        client,
        "/network/lists/stratum",
        {"code": "fishers", "name_vi": "Ngư dân", "name_en": "Fishers"},
        page="/network/lists",
    )
    assert added.status_code == 303
    listed = client.get(added.headers["location"]).text
    assert "Ngư dân" in listed and "Đã thêm mục vào danh mục." in listed
    taken = post_form(
        client, "/network/lists/stratum", {"code": "fishers", "name_vi": "Ngư dân 2"}, "/"
    )
    assert taken.status_code == 400 and "Mã “fishers” đã có trong danh mục." in taken.text
    bad = post_form(client, "/network/lists/sector", {"code": "có dấu", "name_vi": "X"}, "/")
    assert bad.status_code == 400 and "không hợp lệ" in bad.text

    retired = post_form(client, "/network/lists/stratum/fishers/active", {"active": "0"}, "/")
    assert retired.status_code == 303
    fishers = db.scalars(select(Category).where(Category.code == "fishers")).one()
    db.refresh(fishers)
    assert fishers.active is False and fishers.name_vi == "Ngư dân"

    province_admin = TestClient(client.app)
    login(province_admin, "lc.admin")
    assert province_admin.get("/network/lists").status_code == 403
    refused = post_form(province_admin, "/network/lists/stratum", {"code": "x", "name_vi": "X"})
    assert refused.status_code == 403
