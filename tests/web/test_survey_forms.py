"""The respondent's web form: the page draws every question type with its parsed expressions,
and the submit endpoint checks the answers on the server and stores each questionnaire once."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.surveys import service
from duluan.surveys.models import Response, Survey
from duluan.surveys.xlsform import read_xlsform
from duluan.web.routes.survey_forms import MAX_SUBMISSION_BYTES
from tests.conftest import login, make_user
from tests.surveys.workbooks import VI, opinion_form, xlsx

ANSWERS = {"tinh": "15", "xa": "04456", "tuoi": "42", "hai_long": "co"}

EVERY_TYPE = [
    ["type", "name", f"label::{VI}", f"hint::{VI}", "required", "relevant", "calculation"],
    ["note", "gioi_thieu", "Xin chào ông/bà", "", "", "", ""],
    ["text", "ho_ten", "Tên gọi", "Không bắt buộc", "", "", ""],
    ["integer", "so_nguoi", "Số người trong hộ", "", "yes", "", ""],
    ["decimal", "dien_tich", "Diện tích (ha)", "", "", "", ""],
    ["date", "ngay", "Ngày phỏng vấn", "", "", "", ""],
    ["select_one co_khong", "co_dat", "Hộ có đất nông nghiệp?", "", "yes", "", ""],
    ["select_one dvhc_tinh", "tinh", "Tỉnh", "", "", "", ""],
    ["select_multiple kenh", "kenh", "Kênh thông tin", "", "", "", ""],
    ["geopoint", "vi_tri", "Vị trí", "", "", "", ""],
    ["begin group", "nha_o", "Nhà ở", "", "", "${co_dat} = 'co'", ""],
    ["text", "loai_nha", "Loại nhà", "", "", "", ""],
    ["end group", "", "", "", "", "", ""],
    ["begin repeat", "thanh_vien", "Thành viên", "", "", "", ""],
    ["integer", "tuoi_tv", "Tuổi thành viên", "", "", "", ""],
    ["end repeat", "", "", "", "", "", ""],
    ["calculate", "gap_doi", "", "", "", "", "${so_nguoi} * 2"],
    ["deviceid", "may", "", "", "", "", ""],
]
EVERY_TYPE_CHOICES = [
    ["list_name", "name", f"label::{VI}"],
    ["co_khong", "co", "Có"],
    ["co_khong", "khong", "Không"],
    ["kenh", "bao", "Báo chí"],
    ["kenh", "mxh", "Mạng xã hội"],
]


def _owner(db: Session) -> users.Actor:
    return users.actor_for(make_user(db, "lc.owner", "analyst", "15"))


def _open_survey(db: Session, status: str = "open", access: str = "token", **extra: Any) -> Survey:
    survey = service.create_survey(db, _owner(db), units.find_by_code(db, "15"), opinion_form())
    survey.status, survey.access = status, access
    for key, value in extra.items():
        setattr(survey, key, value)
    db.commit()
    return survey


def _token(client: TestClient, survey: Survey) -> str:
    html = client.get(f"/f/{survey.access_token}").text
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def _submit(client: TestClient, survey: Survey, answers: dict[str, Any], **extra: Any) -> Any:
    body = {"instance_id": "uuid:6f1c1a52-0000-4000-8000-000000000001", "answers": answers}
    body.update(extra)
    headers = {"X-CSRF-Token": _token(client, survey), "Accept": "application/json"}
    return client.post(f"/f/{survey.access_token}/submit", json=body, headers=headers)


def _spec(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="sf-spec">(.*?)</script>', html, re.S)
    assert found
    spec: dict[str, Any] = json.loads(found.group(1))
    return spec


def test_the_page_draws_every_question_type_and_embeds_parsed_expressions(
    client: TestClient, db: Session
) -> None:
    settings = [["form_id", "form_title", "default_language"], ["moi_loai", "Mọi loại câu", VI]]
    imported = read_xlsform(xlsx(EVERY_TYPE, EVERY_TYPE_CHOICES, settings), "moi_loai.xlsx")
    survey = service.create_survey(db, _owner(db), units.find_by_code(db, "15"), imported)
    survey.status = "open"
    db.commit()

    page = client.get(f"/f/{survey.access_token}")

    html = page.text
    assert page.status_code == 200 and page.headers["cache-control"] == "private, no-cache"
    assert 'data-widget="note"' in html and "Xin chào ông/bà" in html
    assert '<label class="sq-label" for="q-ho_ten">Tên gọi' in html and "Không bắt buộc" in html
    assert 'id="q-so_nguoi" name="so_nguoi" inputmode="numeric"' in html
    assert 'id="q-dien_tich" name="dien_tich" inputmode="decimal"' in html
    assert 'type="date"' in html
    assert html.count('type="radio" name="co_dat"') == 2  # a short list: radio buttons
    assert '<select id="q-tinh"' in html and html.count("<option") >= 35  # 34 provinces: a list
    assert html.count('type="checkbox" name="kenh"') == 2
    assert "data-locate" in html and 'data-part="lat"' in html
    assert '<fieldset class="sg" data-group="nha_o">' in html
    assert (
        'data-repeat="thanh_vien"' in html and "<template>" in html and "data-add-instance" in html
    )
    assert 'data-widget="calculate" hidden' in html
    assert 'data-name="may"' not in html  # device ids are never asked
    spec = _spec(html)
    assert spec["groups"]["nha_o"]["relevant"] == ["op", "=", ["ref", "co_dat"], ["str", "co"]]
    assert spec["questions"]["gap_doi"]["calculation"] == [
        "op",
        "*",
        ["ref", "so_nguoi"],
        ["num", 2],
    ]
    assert spec["questions"]["so_nguoi"]["required"] is True
    assert spec["submit_url"] == f"/f/{survey.access_token}/submit"
    assert "sq-required" in html and "aria-live" in html


def test_the_commune_list_travels_once_as_data_with_its_filter(
    client: TestClient, db: Session
) -> None:
    survey = _open_survey(db, consent_text="Phiếu ẩn danh. Ông/bà đồng ý tham gia?")

    html = client.get(f"/f/{survey.access_token}").text

    spec = _spec(html)
    assert spec["questions"]["xa"]["choice_filter"] == ["op", "=", ["col", "tinh"], ["ref", "tinh"]]
    assert spec["lists"]["dvhc_xa"]["columns"] == ["tinh"]
    assert len(spec["lists"]["dvhc_xa"]["rows"]) == 3321
    assert ["04456", "Xã Mù Cang Chải", "15"] in spec["lists"]["dvhc_xa"]["rows"]
    assert "dvhc_tinh" not in spec["lists"]  # unfiltered: drawn as <option>s instead
    assert html.count("<option") < 100  # the communes are not in the HTML
    assert spec["questions"]["ly_do"]["relevant"] == [
        "op",
        "=",
        ["ref", "hai_long"],
        ["str", "khong"],
    ]
    assert spec["consent"] is True and "Phiếu ẩn danh. Ông/bà đồng ý tham gia?" in html


def test_a_questionnaire_sent_twice_is_stored_once(client: TestClient, db: Session) -> None:
    survey = _open_survey(db)
    times = {"started_at": "2026-11-24T02:00:00.000Z", "completed_at": "2026-11-24T02:04:10Z"}

    first = _submit(client, survey, ANSWERS, version="1", **times)
    again = _submit(client, survey, ANSWERS, version="1", **times)

    assert first.status_code == 200 and first.json() == {"stored": True, "created": True}
    assert again.status_code == 200 and again.json() == {"stored": True, "created": False}
    stored = db.scalars(select(Response).where(Response.survey_id == survey.id)).all()
    assert len(stored) == 1
    response = stored[0]
    assert response.channel == "web" and response.collector_id is None
    assert response.answers == {**ANSWERS, "nhom_tuoi": "trung_nien"}  # computed on the server
    assert response.duration_seconds == 250 and response.unit_id == survey.unit_id


def test_problems_come_back_in_vietnamese_and_nothing_is_stored(
    client: TestClient, db: Session
) -> None:
    survey = _open_survey(db)

    too_young = _submit(client, survey, {**ANSWERS, "tuoi": "9"})
    no_reason = _submit(client, survey, {**ANSWERS, "hai_long": "khong"})
    other_province = _submit(client, survey, {**ANSWERS, "xa": "00070"})  # a Hà Nội ward

    assert too_young.status_code == 422
    assert too_young.json()["problems"] == [
        {"name": "tuoi", "message": "Tuổi: Tuổi phải từ 16 đến 110"}
    ]
    assert no_reason.status_code == 422
    assert no_reason.json()["problems"][0]["name"] == "ly_do"
    assert "bắt buộc" in no_reason.json()["problems"][0]["message"]
    assert other_province.status_code == 422
    assert "không nằm trong các lựa chọn" in other_province.json()["problems"][0]["message"]
    assert db.scalar(select(func.count()).select_from(Response)) == 0


def test_markup_in_a_text_answer_is_stored_as_text_and_escaped_when_shown(
    client: TestClient, db: Session
) -> None:
    survey = _open_survey(db)
    hostile = '<script>alert("x")</script><b>to</b>'

    sent = _submit(client, survey, {**ANSWERS, "hai_long": "khong", "ly_do": hostile})

    assert sent.status_code == 200
    response = db.scalars(select(Response)).one()
    assert response.answers["ly_do"] == hostile
    login(client, "lc.owner")
    page = client.get(f"/surveys/{survey.id}/responses/{response.id}").text
    assert "&lt;script&gt;" in page and hostile not in page


def test_closed_and_draft_surveys_and_unknown_links_are_refused(
    client: TestClient, db: Session
) -> None:
    survey = _open_survey(db, status="closed")
    closed_page = client.get(f"/f/{survey.access_token}")
    sent = client.post(
        f"/f/{survey.access_token}/submit",
        json={"instance_id": "uuid:1", "answers": ANSWERS},
        headers={"X-CSRF-Token": _csrf(client), "Accept": "application/json"},
    )
    survey.status = "draft"
    db.commit()
    draft_page = client.get(f"/f/{survey.access_token}")
    unknown = client.get("/f/khong-co-duong-dan-nay")

    assert closed_page.status_code == 410 and "Cuộc điều tra đã kết thúc" in closed_page.text
    assert closed_page.headers["cache-control"] == "no-store"  # or "closed" outlives a reopening
    assert sent.status_code == 410 and sent.json()["closed"] is True
    assert "đã kết thúc" in sent.json()["message"]
    assert draft_page.status_code == 410 and "Cuộc điều tra chưa mở" in draft_page.text
    assert unknown.status_code == 404 and "Không tìm thấy phiếu hỏi" in unknown.text
    assert db.scalar(select(func.count()).select_from(Response)) == 0


def _csrf(client: TestClient) -> str:
    html = client.get("/login").text
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def test_accounts_surveys_need_a_signed_in_collector_and_the_csrf_token(
    client: TestClient, db: Session
) -> None:
    survey = _open_survey(db, access="accounts")
    collector = make_user(db, "lc.ctv", "collaborator", "15")
    make_user(db, "hn.ctv", "collaborator", "01")
    url = f"/f/{survey.access_token}"

    anonymous = client.get(url, follow_redirects=False)
    anonymous_post = client.post(
        f"{url}/submit",
        json={"instance_id": "uuid:a", "answers": ANSWERS},
        headers={"X-CSRF-Token": _csrf(client), "Accept": "application/json"},
    )
    login(client, "hn.ctv")
    other_unit = client.get(url)
    login(client, "lc.ctv")
    without_token = client.post(
        f"{url}/submit",
        json={"instance_id": "uuid:a", "answers": ANSWERS},
        headers={"Accept": "application/json"},
    )
    with_token = _submit(client, survey, ANSWERS)

    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    assert anonymous_post.status_code == 401
    assert other_unit.status_code == 403
    assert without_token.status_code == 403
    assert with_token.status_code == 200
    assert db.scalars(select(Response)).one().collector_id == collector.id


def test_bad_bodies_are_refused_with_a_reason(client: TestClient, db: Session) -> None:
    survey = _open_survey(db)
    headers = {"X-CSRF-Token": _token(client, survey), "Accept": "application/json"}
    url = f"/f/{survey.access_token}/submit"
    padding = "x" * MAX_SUBMISSION_BYTES

    oversized = client.post(
        url, json={"instance_id": "uuid:b", "answers": {"ly_do": padding}}, headers=headers
    )
    not_json = client.post(url, content=b"{not json", headers=headers)
    no_id = client.post(url, json={"answers": ANSWERS}, headers=headers)
    wrong_version = client.post(
        url, json={"instance_id": "uuid:c", "answers": ANSWERS, "version": "99"}, headers=headers
    )

    assert oversized.status_code == 413 and "KB" in oversized.json()["message"]
    assert not_json.status_code == 400 and "JSON" in not_json.json()["message"]
    assert no_id.status_code == 400 and "instance_id" in no_id.json()["message"]
    assert wrong_version.status_code == 400 and "99" in wrong_version.json()["message"]
    assert db.scalar(select(func.count()).select_from(Response)) == 0


def test_plain_defaults_are_filled_in_and_read_only_questions_cannot_be_changed(
    client: TestClient, db: Session
) -> None:
    rows = [
        ["type", "name", f"label::{VI}", "default", "read_only"],
        ["integer", "nam", "Năm", "2026", "yes"],
        ["select_one co_khong", "dong_y", "Đồng ý?", "co", ""],
        ["date", "ngay", "Ngày", "today()", ""],
    ]
    settings = [["form_id", "form_title", "default_language"], ["mac_dinh", "Mặc định", VI]]
    imported = read_xlsform(xlsx(rows, EVERY_TYPE_CHOICES, settings), "mac_dinh.xlsx")
    survey = service.create_survey(db, _owner(db), units.find_by_code(db, "15"), imported)
    survey.status = "open"
    db.commit()

    html = client.get(f"/f/{survey.access_token}").text

    assert re.search(r'id="q-nam"[^>]* value="2026" readonly>', html)
    assert 'value="co" id="q-dong_y-1" checked>' in html
    assert re.search(r'id="q-ngay"[^>]*type="date"[^>]*>', html)
    assert "today()" not in html.split('id="sf-spec"')[0]  # an expression is no value


def test_a_form_in_two_languages_offers_both(client: TestClient, db: Session) -> None:
    english = "English (en)"
    rows = [
        ["type", "name", f"label::{VI}", f"label::{english}", f"constraint_message::{english}"],
        ["integer", "tuoi", "Tuổi", "Age", "Between 16 and 110"],
    ]
    settings = [["form_id", "form_title", "default_language"], ["hai_thu_tieng", "Song ngữ", VI]]
    imported = read_xlsform(xlsx(rows, (), settings), "hai_thu_tieng.xlsx")
    survey = service.create_survey(db, _owner(db), units.find_by_code(db, "15"), imported)
    survey.status = "open"
    db.commit()

    vietnamese = client.get(f"/f/{survey.access_token}").text
    chosen = client.get(f"/f/{survey.access_token}", params={"lang": english}).text
    unknown = client.get(f"/f/{survey.access_token}", params={"lang": "Klingon"}).text

    assert 'for="q-tuoi">Tuổi' in vietnamese and "?lang=English%20%28en%29" in vietnamese
    assert 'for="q-tuoi">Age' in chosen
    assert _spec(chosen)["questions"]["tuoi"]["constraint_message"] == "Between 16 and 110"
    assert 'for="q-tuoi">Tuổi' in unknown


def test_contact_data_is_offered_after_sending_and_kept_apart(
    client: TestClient, db: Session
) -> None:
    survey = _contact_survey(db)
    page = client.get(f"/f/{survey.access_token}")
    token = page.text.split('name="csrf-token" content="')[1].split('"')[0]
    headers = {"X-CSRF-Token": token}
    body = {
        "instance_id": "uuid:lien-he",
        "answers": {"tinh": "15", "xa": "03006", "tuoi": "40", "hai_long": "co"},
    }
    assert client.post(f"/f/{survey.access_token}/submit", json=body, headers=headers).json()[
        "stored"
    ]

    left = {"instance_id": "uuid:lien-he", "contact": {"name": "Lò Văn A", "phone": "0912"}}
    sent = client.post(f"/f/{survey.access_token}/contact", json=left, headers=headers)
    other = client.post(
        f"/f/{survey.access_token}/contact",
        json={"instance_id": "uuid:none", "contact": {"name": "B"}},
        headers=headers,
    )

    assert 'id="sf-contact"' in page.text
    assert sent.status_code == 200 and sent.json() == {"stored": True}
    assert other.status_code == 404
    response = db.scalars(select(Response)).one()
    assert "Lò Văn A" not in str(response.answers)
    admin = users.actor_for(make_user(db, "lc.admin", "admin", "15"))
    assert service.contact_of(db, admin, survey, response) == {"name": "Lò Văn A", "phone": "0912"}


def _contact_survey(db: Session) -> Survey:
    analyst = users.actor_for(make_user(db, "lc.owner2", "analyst", "15"))
    survey = service.create_survey(db, analyst, units.find_by_code(db, "15"), opinion_form())
    survey.status, survey.collects_contact = "open", True
    db.commit()
    return survey


def _survey_of(db: Session, rows: list[list[str]], choices: Any = EVERY_TYPE_CHOICES) -> Survey:
    settings = [["form_id", "form_title", "default_language"], ["phieu_thu", "Phiếu thử", VI]]
    imported = read_xlsform(xlsx(rows, choices, settings), "phieu_thu.xlsx")
    survey = service.create_survey(db, _owner(db), units.find_by_code(db, "15"), imported)
    survey.status = "open"
    db.commit()
    return survey


def test_the_offline_worker_is_served_under_the_form_links(client: TestClient, db: Session) -> None:
    survey = _open_survey(db)

    worker = client.get("/f/survey-sw.js")
    page = client.get(f"/f/{survey.access_token}")

    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["cache-control"] == "no-cache"  # a new worker reaches phones at once
    assert "script-src 'self'" in worker.headers["content-security-policy"]
    assert 'const CACHE = "duluan-forms-v1"' in worker.text
    assert page.status_code == 200 and "/static/js/survey-form.js" in page.text


def test_references_in_labels_hints_and_messages_are_placeholders_never_markup(
    client: TestClient, db: Session
) -> None:
    rows = [
        ["type", "name", f"label::{VI}", f"hint::{VI}", "constraint", f"constraint_message::{VI}"],
        ["select_one co_khong", "hai_long", "Ông/bà <b>hài lòng</b>?", "", "", ""],
        ["text", "ly_do", "Vì sao bạn chọn ${hai_long}?", "Bạn đã chọn ${hai_long}", "", ""],
        ["integer", "tuoi", "Tuổi", "", ". > 15", "Tuổi ${tuoi} chưa đủ 16"],
        ["calculate", "gap_doi", "", "", "", ""],
        ["note", "ket_qua", "Gấp đôi tuổi: ${gap_doi}", "", "", ""],
    ]
    rows[0].append("calculation")
    for row in rows[1:]:
        row.append("${tuoi} * 2" if row[1] == "gap_doi" else "")
    survey = _survey_of(db, rows)

    html = client.get(f"/f/{survey.access_token}").text

    placeholder = '<span class="sq-ref" data-ref="hai_long"></span>'
    assert f'for="q-ly_do">Vì sao bạn chọn {placeholder}?' in html
    assert f'<p class="sq-hint" id="h-ly_do">Bạn đã chọn {placeholder}</p>' in html
    assert 'Gấp đôi tuổi: <span class="sq-ref" data-ref="gap_doi"></span>' in html
    assert "Ông/bà &lt;b&gt;hài lòng&lt;/b&gt;?" in html and "<b>hài lòng" not in html
    assert _spec(html)["questions"]["tuoi"]["constraint_message"] == "Tuổi ${tuoi} chưa đủ 16"


OR_OTHER = [
    ["type", "name", f"label::{VI}", "required"],
    ["select_one kenh or_other", "nguon", "Ông/bà biết tin qua đâu?", "yes"],
    ["integer", "tuoi", "Tuổi", ""],
]


def test_or_other_adds_a_text_box_that_the_server_checks_and_keeps(
    client: TestClient, db: Session
) -> None:
    survey = _survey_of(db, OR_OTHER)

    html = client.get(f"/f/{survey.access_token}").text
    other = _submit(client, survey, {"nguon": "other", "nguon_other": " Loa phường "})
    chosen = _submit(
        client,
        survey,
        {"nguon": "bao", "nguon_other": "bỏ đi"},
        instance_id="uuid:6f1c1a52-0000-4000-8000-000000000002",
    )
    unknown = _submit(
        client, survey, {"nguon": "khac"}, instance_id="uuid:6f1c1a52-0000-4000-8000-000000000003"
    )

    assert 'name="nguon" value="other"' in html and "<span>Khác</span>" in html
    assert 'data-name="nguon_other" data-widget="text" data-follows="nguon"' in html
    assert 'for="q-nguon_other">Khác (ghi rõ)' in html
    relevant = _spec(html)["questions"]["nguon_other"]["relevant"]
    assert relevant == ["fn", "selected", ["ref", "nguon"], ["str", "other"]]
    assert other.status_code == 200 and chosen.status_code == 200
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["name"] == "nguon"
    stored = {r.instance_id: r.answers for r in db.scalars(select(Response))}
    assert stored["uuid:6f1c1a52-0000-4000-8000-000000000001"] == {
        "nguon": "other",
        "nguon_other": "Loa phường",
    }
    assert stored["uuid:6f1c1a52-0000-4000-8000-000000000002"] == {"nguon": "bao"}
    # The staff see and export the text too.
    login(client, "lc.owner")
    exported = client.get(f"/surveys/{survey.id}/export.csv").content.decode("utf-8-sig")
    header = exported.splitlines()[0].split(",")
    assert header[header.index("nguon") + 1] == "nguon_other" and "Loa phường" in exported
    response_id = next(r.id for r in db.scalars(select(Response)) if r.answers.get("nguon_other"))
    page = client.get(f"/surveys/{survey.id}/responses/{response_id}").text
    assert "Loa phường" in page


def test_expression_defaults_travel_as_trees_and_unsupported_ones_leave_the_question_empty(
    client: TestClient, db: Session
) -> None:
    rows = [
        ["type", "name", f"label::{VI}", "default"],
        ["date", "ngay", "Ngày phỏng vấn", "today()"],
        ["time", "gio", "Giờ bắt đầu", "now()"],
        ["text", "ma", "Mã phiếu", "once(concat('A', ${gio}))"],
        ["integer", "so", "Số", "7"],
    ]
    survey = _survey_of(db, rows)

    page = client.get(f"/f/{survey.access_token}")

    questions = _spec(page.text)["questions"]
    assert page.status_code == 200
    assert questions["ngay"]["default"] == ["fn", "today"]
    assert questions["gio"]["default"] == ["fn", "now"]
    assert "default" not in questions["ma"] and "default" not in questions["so"]
    assert re.search(r'id="q-so"[^>]* value="7"', page.text)
