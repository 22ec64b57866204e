"""The OpenRosa endpoints as ODK Collect uses them (Form List API, form download, Form Submission
API): requests built from the specification, answers parsed and checked against the database."""

from __future__ import annotations

import hashlib
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from defusedxml import ElementTree as ET
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.surveys import review, service
from duluan.surveys.models import (
    Response,
    ResponseAttachment,
    ResponseEdit,
    Survey,
    SurveyVersion,
)
from duluan.surveys.openrosa import MAX_FILE_BYTES
from duluan.surveys.submission_xml import write_instance
from duluan.surveys.xlsform import read_xlsform
from tests.conftest import PASSWORD, login, make_user
from tests.surveys.workbooks import opinion_form, xlsx

XFORMS_LIST = "{http://openrosa.org/xforms/xformsList}"
RESPONSE = "{http://openrosa.org/http/response}"
OPENROSA = {"X-OpenRosa-Version": "1.0"}
COLLECTOR = ("lc.ctv", PASSWORD)
VALID = {"tinh": "15", "xa": "04465", "tuoi": "34", "hai_long": "co"}


@pytest.fixture
def survey(db: Session) -> Survey:
    """An open survey of Lào Cai (unit 15), its collaborator, and one of Hà Nội (unit 01)."""
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    created = service.create_survey(db, analyst, units.find_by_code(db, "15"), opinion_form())
    created.status = "open"
    db.commit()
    make_user(db, "lc.ctv", "collaborator", "15")
    make_user(db, "hn.ctv", "collaborator", "01")
    return created


def _submission(
    db: Session,
    survey: Survey,
    instance: str,
    answers: dict[str, Any] | None = None,
    *,
    files: dict[str, bytes] | None = None,
    auth: tuple[str, str] = COLLECTOR,
    client: TestClient,
) -> Any:
    form = service.form_of(service.current_version(db, survey))
    xml = write_instance(form, VALID if answers is None else answers, f"uuid:{instance}")
    parts: list[tuple[str, tuple[str, bytes, str]]] = [
        ("xml_submission_file", ("submission.xml", xml, "text/xml"))
    ]
    parts += [(name, (name, data, "image/jpeg")) for name, data in (files or {}).items()]
    return client.post("/openrosa/submission", files=parts, headers=OPENROSA, auth=auth)


def _message(response: Any) -> str:
    root = ET.fromstring(response.content)
    assert root.tag == f"{RESPONSE}OpenRosaResponse"
    return str(root.find(f"{RESPONSE}message").text)


def _count(db: Session, table: type[Any]) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(table)) or 0)


def test_the_form_list_names_open_forms_with_the_hash_of_what_is_downloaded(
    client: TestClient, db: Session, survey: Survey
) -> None:
    listing = client.get("/openrosa/formList", headers=OPENROSA, auth=COLLECTOR)

    assert listing.status_code == 200
    assert listing.headers["x-openrosa-version"] == "1.0"
    assert listing.headers["content-type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(listing.content)
    assert root.tag == f"{XFORMS_LIST}xforms"
    (entry,) = root.findall(f"{XFORMS_LIST}xform")
    assert entry.findtext(f"{XFORMS_LIST}formID") == "y_kien_dich_vu_cong"
    assert entry.findtext(f"{XFORMS_LIST}name") == "Ý kiến về dịch vụ công"
    assert entry.findtext(f"{XFORMS_LIST}version") == "1"
    url = str(entry.findtext(f"{XFORMS_LIST}downloadUrl"))
    assert url == "http://testserver/openrosa/forms/y_kien_dich_vu_cong/form.xml"
    download = client.get(url, headers=OPENROSA, auth=COLLECTOR)
    assert download.status_code == 200
    assert download.content == service.current_version(db, survey).xform.encode()
    md5 = hashlib.md5(download.content, usedforsecurity=False).hexdigest()
    assert entry.findtext(f"{XFORMS_LIST}hash") == f"md5:{md5}"
    assert client.head("/openrosa/formList", headers=OPENROSA, auth=COLLECTOR).status_code == 200
    other = client.get("/openrosa/formList?formID=khac", headers=OPENROSA, auth=COLLECTOR)
    assert ET.fromstring(other.content).findall(f"{XFORMS_LIST}xform") == []


def test_drafts_and_other_provinces_forms_are_not_listed(
    client: TestClient, db: Session, survey: Survey
) -> None:
    elsewhere = client.get("/openrosa/formList", headers=OPENROSA, auth=("hn.ctv", PASSWORD))
    download = client.get(
        "/openrosa/forms/y_kien_dich_vu_cong/form.xml", headers=OPENROSA, auth=("hn.ctv", PASSWORD)
    )
    survey.status = "draft"
    db.commit()
    draft = client.get("/openrosa/formList", headers=OPENROSA, auth=COLLECTOR)

    assert elsewhere.status_code == 200
    assert ET.fromstring(elsewhere.content).findall(f"{XFORMS_LIST}xform") == []
    assert download.status_code == 404
    assert ET.fromstring(draft.content).findall(f"{XFORMS_LIST}xform") == []


def test_every_endpoint_asks_for_basic_credentials_and_counts_wrong_passwords(
    client: TestClient, db: Session, survey: Survey
) -> None:
    anonymous = [
        client.get("/openrosa/formList", headers=OPENROSA),
        client.get("/openrosa/forms/y_kien_dich_vu_cong/form.xml", headers=OPENROSA),
        client.head("/openrosa/submission", headers=OPENROSA),
        client.post("/openrosa/submission", headers=OPENROSA, files={"x": ("x", b"x")}),
    ]
    wrong = client.get("/openrosa/formList", headers=OPENROSA, auth=("lc.ctv", "sai-mat-khau"))

    for answer in [*anonymous, wrong]:
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith('Basic realm="duluan"')
        assert answer.headers["x-openrosa-version"] == "1.0"
    assert "Cần đăng nhập" in _message(anonymous[0])
    assert _message(wrong) == "Tên đăng nhập hoặc mật khẩu không đúng."
    failed = select(func.count()).where(AuditEvent.action == "login.failed")
    assert db.scalar(failed) == 1
    for _ in range(3):  # the test settings throttle after 3 failures, as the login page does
        client.get("/openrosa/formList", headers=OPENROSA, auth=("lc.ctv", "sai-mat-khau"))
    throttled = client.get("/openrosa/formList", headers=OPENROSA, auth=COLLECTOR)
    assert throttled.status_code == 429
    assert "quá nhiều lần" in _message(throttled)


def test_a_leader_who_may_not_collect_is_refused(client: TestClient, db: Session) -> None:
    make_user(db, "lc.leader", "leader", "15")

    answer = client.get("/openrosa/formList", headers=OPENROSA, auth=("lc.leader", PASSWORD))

    assert answer.status_code == 403
    assert "không có quyền thu thập" in _message(answer)


def test_the_submission_probe_says_how_much_may_be_sent(client: TestClient, survey: Survey) -> None:
    probe = client.head("/openrosa/submission", headers=OPENROSA, auth=COLLECTOR)

    assert probe.status_code == 204
    assert probe.headers["x-openrosa-version"] == "1.0"
    assert int(probe.headers["x-openrosa-accept-content-length"]) == 10 * 1024 * 1024


def test_a_submission_is_stored_once_and_a_resend_is_accepted(
    client: TestClient, db: Session, survey: Survey
) -> None:
    first = _submission(db, survey, "a1", client=client)
    again = _submission(db, survey, "a1", client=client)

    assert first.status_code == 201
    assert first.headers["x-openrosa-version"] == "1.0"
    assert "x-openrosa-accept-content-length" in first.headers
    assert _message(first) == "Máy chủ đã nhận phiếu."
    assert again.status_code == 202
    assert "đã nhận phiếu này trước đó" in _message(again)
    stored = db.scalars(select(Response)).one()
    collector = users.find_by_username(db, "lc.ctv")
    assert stored.instance_id == "uuid:a1" and stored.channel == "odk"
    assert stored.collector_id == collector.id
    assert stored.unit_id == units.find_by_code(db, "15").id
    assert stored.answers["nhom_tuoi"] == "trung_nien"  # computed here, not trusted
    assert stored.version_id == service.current_version(db, survey).id


def test_attachments_are_stored_once_and_later_parts_add_new_files(
    client: TestClient, db: Session, survey: Survey
) -> None:
    photo = b"\xff\xd8\xff" + b"anh" * 1000
    first = _submission(db, survey, "b1", files={"anh.jpg": photo}, client=client)
    resend = _submission(db, survey, "b1", files={"anh.jpg": photo}, client=client)
    second_part = _submission(db, survey, "b1", files={"anh2.jpg": b"khac"}, client=client)

    assert (first.status_code, resend.status_code, second_part.status_code) == (201, 202, 202)
    names = db.scalars(select(ResponseAttachment.name).order_by(ResponseAttachment.name)).all()
    assert names == ["anh.jpg", "anh2.jpg"]
    stored = db.scalars(
        select(ResponseAttachment).where(ResponseAttachment.name == "anh.jpg")
    ).one()
    assert stored.data == photo and stored.size == len(photo)
    assert stored.sha256 == hashlib.sha256(photo).hexdigest()
    assert stored.content_type == "image/jpeg"
    assert _count(db, Response) == 1


def test_an_oversized_attachment_is_refused_and_nothing_is_stored(
    client: TestClient, db: Session, survey: Survey
) -> None:
    big = b"0" * (MAX_FILE_BYTES + 1)

    answer = _submission(db, survey, "c1", files={"video.mp4": big}, client=client)

    assert answer.status_code == 413
    assert "video.mp4" in _message(answer) and "vượt giới hạn" in _message(answer)
    assert _count(db, Response) == 0 and _count(db, ResponseAttachment) == 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<data id='y_kien_dich_vu_cong' version='1'><tuoi>3", "không phải XML"),
        (b"", "thiếu phần xml_submission_file"),
        (b"<data version='1'/>", "không có thuộc tính id"),
        (b"<data id='khong_co' version='1'/>", "Không tìm thấy bảng hỏi"),
        (b"<data id='y_kien_dich_vu_cong' version='9'/>", "không có phiên bản “9”"),
        (b"<data id='y_kien_dich_vu_cong' version='1'><tuoi>40</tuoi></data>", "instanceID"),
    ],
)
def test_unreadable_submissions_are_refused_with_a_message(
    client: TestClient, db: Session, survey: Survey, body: bytes, expected: str
) -> None:
    parts = {"xml_submission_file": ("submission.xml", body, "text/xml")} if body else {}
    answer = client.post(
        "/openrosa/submission",
        files=parts or {"anh.jpg": ("anh.jpg", b"x", "image/jpeg")},
        headers=OPENROSA,
        auth=COLLECTOR,
    )

    assert answer.status_code in (400, 404)
    assert expected in _message(answer)
    assert ET.fromstring(answer.content).find(f"{RESPONSE}message").get("nature") == "submit_error"
    assert _count(db, Response) == 0


def test_a_body_that_is_not_multipart_is_refused(client: TestClient, survey: Survey) -> None:
    answer = client.post(
        "/openrosa/submission",
        content=b"<data/>",
        headers={**OPENROSA, "Content-Type": "text/xml"},
        auth=COLLECTOR,
    )

    assert answer.status_code == 400
    assert "multipart/form-data" in _message(answer)


def test_answers_that_break_a_constraint_are_refused_in_vietnamese(
    client: TestClient, db: Session, survey: Survey
) -> None:
    answer = _submission(db, survey, "d1", {**VALID, "tuoi": "12"}, client=client)

    assert answer.status_code == 400
    assert "Tuổi phải từ 16 đến 110" in _message(answer)
    assert _count(db, Response) == 0


def test_a_closed_survey_and_another_province_refuse_new_submissions(
    client: TestClient, db: Session, survey: Survey
) -> None:
    elsewhere = _submission(db, survey, "e1", auth=("hn.ctv", PASSWORD), client=client)
    survey.status = "closed"
    db.commit()
    closed = _submission(db, survey, "e2", client=client)

    assert elsewhere.status_code == 404
    assert closed.status_code == 400 and "không còn mở" in _message(closed)
    assert _count(db, Response) == 0


def test_a_submission_to_an_earlier_version_is_accepted_and_recorded_with_it(
    client: TestClient, db: Session, survey: Survey
) -> None:
    first = service.current_version(db, survey)
    form = service.form_of(first)
    analyst = users.actor_for(users.find_by_username(db, "lc.analyst"))
    service.add_version(db, analyst, survey.id, opinion_form(version="2"))
    db.commit()
    xml = write_instance(form, VALID, "uuid:f1")

    answer = client.post(
        "/openrosa/submission",
        files={"xml_submission_file": ("f1.xml", xml, "text/xml")},
        headers=OPENROSA,
        auth=COLLECTOR,
    )
    listing = client.get("/openrosa/formList", headers=OPENROSA, auth=COLLECTOR)

    assert answer.status_code == 201
    assert db.scalars(select(Response)).one().version_id == first.id
    assert ET.fromstring(listing.content).findtext(f".//{XFORMS_LIST}version") == "2"


def test_a_flood_of_resends_stores_each_instance_exactly_once(
    client: TestClient, db: Session, survey: Survey
) -> None:
    form = service.form_of(service.current_version(db, survey))
    documents = {n: write_instance(form, VALID, f"uuid:g{n}") for n in range(50)}
    sends = list(range(50)) * 4
    random.Random(6).shuffle(sends)  # noqa: S311 - an order, not a secret

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda n: _send(client, documents[n]), sends))

    assert statuses.count(201) == 50 and statuses.count(202) == 150
    assert _count(db, Response) == 50
    instances = db.scalars(select(Response.instance_id)).all()
    assert sorted(instances) == sorted(f"uuid:g{n}" for n in range(50))


def _send(client: TestClient, xml: bytes) -> int:
    answer = client.post(
        "/openrosa/submission",
        files={"xml_submission_file": ("s.xml", xml, "text/xml")},
        headers=OPENROSA,
        auth=COLLECTOR,
    )
    return int(answer.status_code)


def test_a_disabled_account_is_refused_at_once_though_its_password_was_remembered(
    client: TestClient, db: Session, survey: Survey
) -> None:
    before = client.get("/openrosa/formList", headers=OPENROSA, auth=COLLECTOR)
    collector = users.find_by_username(db, "lc.ctv")
    users.set_active(db, actor=None, user=collector, active=False)
    db.commit()

    after = client.get("/openrosa/formList", headers=OPENROSA, auth=COLLECTOR)

    assert before.status_code == 200
    assert after.status_code == 401


def test_a_post_without_the_openrosa_header_gets_no_csrf_exemption(
    client: TestClient, db: Session, survey: Survey
) -> None:
    form = service.form_of(service.current_version(db, survey))
    xml = write_instance(form, VALID, "uuid:h1")

    answer = client.post(  # a part without a file name: csrf_guard leaves an uploaded file open
        "/openrosa/submission", files={"xml_submission_file": (None, xml)}, auth=COLLECTOR
    )

    assert answer.status_code == 403
    assert _count(db, Response) == 0


def test_behind_a_tls_proxy_the_download_address_is_https(
    client: TestClient, survey: Survey
) -> None:
    listing = client.get(
        "/openrosa/formList",
        headers={**OPENROSA, "X-Forwarded-Proto": "https"},
        auth=COLLECTOR,
    )

    url = ET.fromstring(listing.content).findtext(f".//{XFORMS_LIST}downloadUrl")
    assert url == "https://testserver/openrosa/forms/y_kien_dich_vu_cong/form.xml"


def _edit(
    db: Session,
    survey: Survey,
    instance: str,
    replaces: str,
    answers: dict[str, Any],
    *,
    client: TestClient,
    auth: tuple[str, str] = COLLECTOR,
    version: SurveyVersion | None = None,
) -> Any:
    """What ODK Collect sends for a form edited after it was sent: a new instance id, and the
    id of the copy it replaces as `meta/deprecatedID`."""
    form = service.form_of(version or service.current_version(db, survey))
    xml = write_instance(form, answers, f"uuid:{instance}", deprecated_id=f"uuid:{replaces}")
    return client.post(
        "/openrosa/submission",
        files={"xml_submission_file": (f"{instance}.xml", xml, "text/xml")},
        headers=OPENROSA,
        auth=auth,
    )


def test_an_edit_replaces_the_answers_and_the_history_keeps_the_old_ones(
    client: TestClient, db: Session, survey: Survey
) -> None:
    first = _submission(db, survey, "k1", client=client)
    edit = _edit(db, survey, "k2", "k1", {**VALID, "tuoi": "35"}, client=client)

    assert first.status_code == 201
    assert edit.status_code == 201
    assert "bản sửa" in _message(edit)
    stored = db.scalars(select(Response)).one()
    assert stored.instance_id == "uuid:k1"  # the response keeps its first id
    assert stored.answers["tuoi"] == "35" and stored.answers["nhom_tuoi"] == "trung_nien"
    changes = review.history(db, stored)
    assert [c.action for c in changes] == ["submitted", "resubmitted"]
    assert changes[1].before is not None and changes[1].before["tuoi"] == "34"
    assert changes[1].after is not None and changes[1].after["tuoi"] == "35"
    assert changes[1].user_id == users.find_by_username(db, "lc.ctv").id
    assert "uuid:k1" in changes[1].note and "uuid:k2" in changes[1].note
    audited = select(AuditEvent).where(AuditEvent.action == "survey.response_resubmitted")
    assert db.scalars(audited).one().target == f"survey_response:{stored.id}"
    login(client, "lc.analyst")
    page = client.get(f"/surveys/{survey.id}/responses/{stored.id}")
    assert "Nhận lại bản sửa từ thiết bị" in page.text and "34 → 35" in page.text


def test_resending_an_edit_or_the_copy_it_replaced_stores_nothing_new(
    client: TestClient, db: Session, survey: Survey
) -> None:
    _submission(db, survey, "k1", client=client)
    _edit(db, survey, "k2", "k1", {**VALID, "tuoi": "35"}, client=client)
    _edit(db, survey, "k3", "k2", {**VALID, "tuoi": "36"}, client=client)  # edited again

    resends = [
        _edit(db, survey, "k2", "k1", {**VALID, "tuoi": "35"}, client=client),
        _edit(db, survey, "k3", "k2", {**VALID, "tuoi": "36"}, client=client),
        _submission(db, survey, "k1", client=client),
    ]

    assert [r.status_code for r in resends] == [202, 202, 202]
    assert "đã nhận phiếu này trước đó" in _message(resends[0])
    assert _count(db, Response) == 1
    stored = db.scalars(select(Response)).one()
    assert stored.answers["tuoi"] == "36"  # the older edit, resent, did not come back
    assert [c.action for c in review.history(db, stored)] == [
        "submitted",
        "resubmitted",
        "resubmitted",
    ]
    assert _count(db, ResponseEdit) == 2


def test_an_edit_made_on_a_newer_version_of_the_form_is_recorded_with_it(
    client: TestClient, db: Session, survey: Survey
) -> None:
    _submission(db, survey, "v1", client=client)
    analyst = users.actor_for(users.find_by_username(db, "lc.analyst"))
    newer = service.add_version(db, analyst, survey.id, opinion_form(version="2"))
    db.commit()

    edit = _edit(db, survey, "v2", "v1", {**VALID, "tuoi": "50"}, client=client, version=newer)

    assert edit.status_code == 201
    stored = db.scalars(select(Response)).one()
    assert stored.version_id == newer.id and stored.answers["tuoi"] == "50"


def test_edits_from_another_collector_or_of_a_reviewed_response_are_refused(
    client: TestClient, db: Session, survey: Survey
) -> None:
    make_user(db, "lc.ctv2", "collaborator", "15")
    _submission(db, survey, "r1", client=client)
    changed = {**VALID, "tuoi": "40"}

    other = _edit(db, survey, "r2", "r1", changed, client=client, auth=("lc.ctv2", PASSWORD))
    elsewhere = _edit(db, survey, "r3", "r1", changed, client=client, auth=("hn.ctv", PASSWORD))
    invalid = _edit(db, survey, "r4", "r1", {**VALID, "tuoi": "12"}, client=client)
    analyst = users.actor_for(users.find_by_username(db, "lc.analyst"))
    stored = db.scalars(select(Response)).one()
    review.decide(db, analyst, survey.id, stored.id, "approved")
    db.commit()
    reviewed = _edit(db, survey, "r5", "r1", changed, client=client)

    assert other.status_code == 403
    assert "tài khoản khác gửi" in _message(other)
    assert elsewhere.status_code == 404  # Hà Nội's collector does not see Lào Cai's survey
    assert invalid.status_code == 400 and "Tuổi phải từ 16 đến 110" in _message(invalid)
    assert reviewed.status_code == 409
    assert "đã được người duyệt chấp nhận hoặc từ chối" in _message(reviewed)
    db.expire_all()
    assert db.scalars(select(Response)).one().answers["tuoi"] == "34"
    assert _count(db, Response) == 1 and _count(db, ResponseEdit) == 0


def test_an_edit_whose_first_copy_never_arrived_is_kept_as_a_new_response(
    client: TestClient, db: Session, survey: Survey
) -> None:
    edit = _edit(db, survey, "n2", "n1", VALID, client=client)

    assert edit.status_code == 201
    assert _message(edit) == "Máy chủ đã nhận phiếu."
    assert db.scalars(select(Response.instance_id)).one() == "uuid:n2"


def test_the_xml_may_come_as_a_plain_part_without_a_file_name(
    client: TestClient, db: Session, survey: Survey
) -> None:
    form = service.form_of(service.current_version(db, survey))
    xml = write_instance(form, VALID, "uuid:m1")

    answer = client.post(
        "/openrosa/submission",
        files={"xml_submission_file": (None, xml)},
        headers=OPENROSA,
        auth=COLLECTOR,
    )

    assert answer.status_code == 201
    assert db.scalars(select(Response.instance_id)).one() == "uuid:m1"


def test_the_interview_times_come_from_the_start_and_end_questions(
    client: TestClient, db: Session, survey: Survey
) -> None:
    rows = [
        ["type", "name", "label"],
        ["start", "bat_dau", ""],
        ["end", "ket_thuc", ""],
        ["integer", "so_nguoi", "Số người trong hộ"],
    ]
    settings = [["form_id", "version"], ["thoi_gian", "1"]]
    imported = read_xlsform(xlsx(rows, settings=settings), "thoi_gian.xlsx")
    analyst = users.actor_for(users.find_by_username(db, "lc.analyst"))
    timed = service.create_survey(db, analyst, units.find_by_code(db, "15"), imported)
    timed.status = "open"
    db.commit()
    answers = {
        "bat_dau": "2026-11-24T09:00:00.000+07:00",
        "ket_thuc": "2026-11-24T09:06:30.000+07:00",
        "so_nguoi": "4",
    }
    xml = write_instance(imported.form, answers, "uuid:t1")

    answer = client.post(
        "/openrosa/submission",
        files={"xml_submission_file": ("t1.xml", xml, "text/xml")},
        headers=OPENROSA,
        auth=COLLECTOR,
    )

    assert answer.status_code == 201
    stored = db.scalars(select(Response)).one()
    assert stored.started_at == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert stored.completed_at == datetime(2026, 11, 24, 2, 6, 30, tzinfo=UTC)
    assert stored.duration_seconds == 390


def test_a_ward_collaborator_collects_for_the_province_survey_counted_for_the_ward(
    client: TestClient, db: Session, survey: Survey
) -> None:
    ward = units.find_by_code(db, "03006")  # Phường Sa Pa, within Lào Cai
    make_user(db, "ward.ctv", "collaborator", ward.code)

    listed = client.get("/openrosa/formList", headers=OPENROSA, auth=("ward.ctv", PASSWORD))
    sent = _submission(db, survey, "w1", client=client, auth=("ward.ctv", PASSWORD))

    assert survey.form_id in listed.text
    assert sent.status_code == 201
    assert db.scalars(select(Response)).one().unit_id == ward.id


def test_the_openrosa_header_exempts_only_the_openrosa_endpoints_from_csrf(
    client: TestClient, db: Session, survey: Survey
) -> None:
    login(client, "lc.analyst")

    forged = client.post(
        f"/surveys/{survey.id}/settings",
        data={"title": "đổi tên", "status": "closed"},
        headers=OPENROSA,
        follow_redirects=False,
    )

    assert forged.status_code == 403
    db.expire_all()
    assert db.get(Survey, survey.id).status == "open"  # type: ignore[union-attr]
