"""The staff survey pages: the list within scope, creating a survey from an uploaded XLSForm (a
broken file explained, nothing stored), settings, versions and the audited export."""

from __future__ import annotations

import csv
import io

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.surveys import service
from duluan.surveys.models import Response, Survey
from tests.conftest import login, make_user, post_form
from tests.surveys.workbooks import opinion_form, opinion_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client: TestClient, path: str, data: bytes, **fields: str) -> object:
    token = client.get("/surveys").text.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(
        path,
        data={"csrf_token": token, **fields},
        files={"upload": ("y_kien.xlsx", data, XLSX)},
        follow_redirects=False,
    )


def _survey(db: Session, status: str = "open") -> Survey:
    analyst = users.actor_for(make_user(db, "lc.owner", "analyst", "15"))
    survey = service.create_survey(db, analyst, units.find_by_code(db, "15"), opinion_form())
    survey.status = status
    db.commit()
    return survey


def test_an_analyst_uploads_an_xlsform_and_lands_on_the_survey(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    lao_cai = units.find_by_code(db, "15")

    empty = client.get("/surveys")
    created = _upload(client, "/surveys", opinion_xlsx(), unit_id=str(lao_cai.id))

    assert "Chưa có cuộc điều tra nào" in empty.text
    assert created.status_code == 303  # type: ignore[attr-defined]
    page = client.get(created.headers["location"]).text  # type: ignore[attr-defined]
    assert "Ý kiến về dịch vụ công" in page and "Nháp" in page
    assert "/openrosa" in page and "phiên bản 1" in page
    listed = client.get("/surveys").text
    assert "y_kien_dich_vu_cong" in listed


def test_a_broken_file_is_explained_and_nothing_is_stored(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    unit_id = str(units.find_by_code(db, "15").id)

    refused = _upload(client, "/surveys", b"PK not really", unit_id=unit_id)
    other_unit = _upload(
        client, "/surveys", opinion_xlsx(), unit_id=str(units.find_by_code(db, "01").id)
    )

    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "y_kien.xlsx" in refused.text  # type: ignore[attr-defined]
    assert other_unit.status_code == 400  # type: ignore[attr-defined]
    assert db.scalar(select(func.count()).select_from(Survey)) == 0


def test_settings_are_checked_saved_and_audited(client: TestClient, db: Session) -> None:
    survey = _survey(db, status="draft")
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    fields = {
        "title": "Ý kiến về dịch vụ công 2026",
        "status": "open",
        "access": "public",
        "modes": "web",
        "fieldwork_start": "2026-11-20",
        "fieldwork_end": "2026-12-20",
        "consent_text": "Tôi đồng ý tham gia.",
        "quotas": "tinh = 15 : 300\nhai_long = co : 100",
    }

    saved = post_form(client, f"/surveys/{survey.id}/settings", fields)
    bad_quota = post_form(
        client, f"/surveys/{survey.id}/settings", {**fields, "quotas": "hai_long = co_le : 5"}
    )
    bad_dates = post_form(
        client, f"/surveys/{survey.id}/settings", {**fields, "fieldwork_end": "2026-11-01"}
    )

    assert saved.status_code == 303
    db.expire_all()
    stored = db.get(Survey, survey.id)
    assert stored is not None and stored.status == "open" and stored.access == "public"
    assert stored.quotas == [
        {"question": "tinh", "value": "15", "target": 300},
        {"question": "hai_long", "value": "co", "target": 100},
    ]
    assert bad_quota.status_code == 400 and "co_le" in bad_quota.text
    assert bad_dates.status_code == 400 and "Ngày kết thúc thực địa" in bad_dates.text
    page = client.get(f"/surveys/{survey.id}").text
    assert f"/f/{stored.access_token}" in page and "0/300" in page
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("survey.%")))
    assert list(actions).count("survey.settings_changed") == 1


def test_leaders_read_but_do_not_manage_and_other_provinces_see_nothing(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "lc.leader")
    page = client.get(f"/surveys/{survey.id}")
    assert page.status_code == 200 and 'action="/surveys/' not in page.text
    assert client.get(f"/surveys/{survey.id}/export.csv").status_code == 403
    assert post_form(client, f"/surveys/{survey.id}/settings", {"title": "x"}).status_code == 403
    login(client, "hn.analyst")
    assert client.get(f"/surveys/{survey.id}").status_code == 404
    assert client.get(f"/surveys/{survey.id}/export.csv").status_code == 404


def test_the_export_has_one_row_per_response_with_labels_and_is_audited(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    version = service.current_version(db, survey)
    answers = [
        {"tinh": "15", "xa": "03006", "tuoi": "34", "hai_long": "co"},
        {"tinh": "15", "xa": "02839", "tuoi": "61", "hai_long": "khong", "ly_do": "=HYPERLINK(1)"},
    ]
    for i, given in enumerate(answers):
        service.store_response(
            db, survey, version, given, instance_id=f"uuid:{i}", channel="web", unit_id=1
        )
    db.commit()
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    as_csv = client.get(f"/surveys/{survey.id}/export.csv")
    as_xlsx = client.get(f"/surveys/{survey.id}/export.xlsx")

    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["instance_id", "received_at", "channel", "version", "status"]
    assert rows[0][5:] == ["tinh", "xa", "tuoi", "hai_long", "ly_do", "nhom_tuoi"]
    assert [r[0] for r in rows[1:]] == ["uuid:0", "uuid:1"]
    assert rows[2][9] == "'=HYPERLINK(1)"  # never run as a formula
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    assert book.sheetnames == ["Dữ liệu", "Biến"]
    labels = {row[0]: row for row in book["Biến"].iter_rows(values_only=True)}
    assert labels["hai_long"][1] == "Ông/bà hài lòng với dịch vụ công ở địa phương?"
    assert labels["hai_long"][3] == "co = Hài lòng; khong = Chưa hài lòng"
    exported = db.scalars(select(AuditEvent.detail).where(AuditEvent.action == "survey.exported"))
    assert [d["format"] for d in exported] == ["csv", "xlsx"]


def test_a_reviewer_reads_approves_and_corrects_a_response(client: TestClient, db: Session) -> None:
    survey = _survey(db)
    version = service.current_version(db, survey)
    given = {"tinh": "15", "xa": "03006", "tuoi": "34", "hai_long": "khong", "ly_do": "<b>x</b>"}
    stored = service.store_response(
        db, survey, version, given, instance_id="uuid:r1", channel="web", unit_id=survey.unit_id
    )
    db.commit()
    rid = stored.response.id
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    base = f"/surveys/{survey.id}/responses"

    listed = client.get(base).text
    page = client.get(f"{base}/{rid}").text
    approved = post_form(client, f"{base}/{rid}/review", {"action": "approved", "note": ""})
    too_young = post_form(
        client, f"{base}/{rid}/correct", {**_fields(given, tuoi="7"), "note": "Đối chiếu"}
    )
    fixed = post_form(
        client, f"{base}/{rid}/correct", {**_fields(given, ly_do="Chờ lâu"), "note": "Gọi lại"}
    )

    assert f'href="{base}/{rid}"' in listed and "Chờ duyệt" in listed
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert approved.status_code == 303
    assert too_young.status_code == 400 and "Tuổi phải từ 16 đến 110" in too_young.text
    assert fixed.status_code == 303
    after = client.get(f"{base}/{rid}").text
    assert "Đã duyệt" in after and "Sửa câu trả lời" in after and "Gọi lại" in after
    actions = list(db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("survey.r%"))))
    assert actions.count("survey.response_read") >= 2 and "survey.response_corrected" in actions


def _fields(answers: dict[str, str], **changed: str) -> dict[str, str]:
    return {f"answer.{k}": v for k, v in {**answers, **changed}.items()}


def test_paper_questionnaires_are_keyed_in_from_the_keyboard_page(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    survey.double_entry = True
    db.commit()
    make_user(db, "lc.clerk1", "collaborator", "15")
    make_user(db, "lc.clerk2", "collaborator", "15")
    make_user(db, "lc.analyst", "analyst", "15")
    answers = {
        "answer.tinh": "15",
        "answer.xa": "03006",
        "answer.tuoi": "34",
        "answer.hai_long": "co",
    }
    path = f"/surveys/{survey.id}/paper"

    login(client, "lc.clerk1")
    page = client.get(path).text
    first = post_form(client, path, {"paper_ref": "A-17", **answers}, page=path)
    wrong = post_form(client, path, {"paper_ref": "A-18", **answers, "answer.tuoi": "9"}, page=path)
    login(client, "lc.clerk2")
    second = post_form(
        client, path, {"paper_ref": "A-17", **answers, "answer.tuoi": "43"}, page=path
    )
    login(client, "lc.analyst")
    report = client.get(f"{path}/discrepancies").text
    settled = post_form(
        client, f"{path}/resolve", {"paper_ref": "A-17", **answers}, page=f"{path}/discrepancies"
    )

    assert "co = Hài lòng · khong = Chưa hài lòng" in page and 'name="paper_ref"' in page
    assert first.status_code == 200 and "lần nhập 1 của phiếu số A-17" in first.text
    assert wrong.status_code == 400 and "Tuổi phải từ 16 đến 110" in wrong.text
    assert second.status_code == 200 and "chênh lệch" in second.text
    assert "Phiếu số A-17" in report and "34" in report and "43" in report
    assert settled.status_code == 303
    stored = db.scalars(select(Response.instance_id)).all()
    assert stored == ["paper:A-17"]
    assert "Không có chênh lệch nào" in client.get(f"{path}/discrepancies").text
