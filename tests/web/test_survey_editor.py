"""The questionnaire editor's pages: an imported survey's questionnaire edited step by step and
saved as a new version (the old one kept), a new survey from a blank form, refusals shown in
Vietnamese with nothing stored, and who may open the editor."""

from __future__ import annotations

import html
import re

import httpx2 as httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.surveys import service
from duluan.surveys.models import Survey, SurveyVersion
from tests.conftest import login, make_user
from tests.surveys.workbooks import opinion_form


def _survey(db: Session) -> Survey:
    owner = users.actor_for(make_user(db, "lc.owner", "analyst", "15"))
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), opinion_form())
    db.commit()
    return survey


def _hidden(page: str, name: str) -> str:
    """The value of the hidden field `name`."""
    found = re.findall(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, f"no field {name}"
    return html.unescape(found[0])


class Editor:
    """A person at the editor: posts the draft the last page held with one action's fields."""

    def __init__(self, client: TestClient, path: str) -> None:
        self.client, self.path = client, path
        self.page = client.get(path)
        assert self.page.status_code == 200, self.page.text

    def do(self, op: str, **fields: str) -> httpx.Response:
        text = self.page.text
        data = {
            "csrf_token": _hidden(text, "csrf_token"),
            "draft": _hidden(text, "draft"),
            "open": _hidden(text, "open"),
            "op": op,
            **fields,
        }
        response = self.client.post(self.path, data=data, follow_redirects=False)
        if response.status_code in (200, 400):
            self.page = response
        return response


def _versions(db: Session, survey: Survey) -> list[SurveyVersion]:
    db.expire_all()
    return service.versions(db, survey)


def test_a_manager_adds_a_choice_question_and_a_follow_up_and_saves_a_new_version(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    editor = Editor(client, f"/surveys/{survey.id}/editor")
    assert (
        "Chỉ hỏi khi:" in editor.page.text and "${hai_long} = &#39;khong&#39;" in editor.page.text
    )

    added = editor.do(
        "add/.",
        **{
            "new/./type": "select_one",
            "new/./name": "dung_truc_tuyen",
            "new/./label": "Ông/bà đã dùng dịch vụ công trực tuyến chưa?",
            "new/./list": "co_khong",
        },
    )
    editor.do(
        "choice-add/co_khong", **{"c/co_khong/+/name": "co", "c/co_khong/+/label/0": "Đã dùng"}
    )
    editor.do(
        "choice-add/co_khong", **{"c/co_khong/+/name": "khong", "c/co_khong/+/label/0": "Chưa"}
    )
    editor.do(
        "edit/dung_truc_tuyen",
        **{
            "q/dung_truc_tuyen/name": "dung_truc_tuyen",
            "q/dung_truc_tuyen/label/0": "Ông/bà đã dùng dịch vụ công trực tuyến chưa?",
            "q/dung_truc_tuyen/required_shown": "1",
            "q/dung_truc_tuyen/required": "1",
        },
    )
    editor.do(
        "add/.",
        **{
            "new/./type": "text",
            "new/./name": "vi_sao_chua",
            "new/./label": "Vì sao ông/bà chưa dùng?",
        },
    )
    follow_up = editor.do(
        "edit/vi_sao_chua",
        **{"q/vi_sao_chua/relevant": "${dung_truc_tuyen} = 'khong'"},
    )
    saved = editor.do("save")

    assert added.status_code == 200 and "Đã thêm câu hỏi" in added.text
    assert "Chỉ hỏi khi:" in follow_up.text and "vi_sao_chua" in follow_up.text
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/surveys/{survey.id}?saved=1"
    old, new = _versions(db, survey)[::-1]
    assert (old.number, new.number) == (1, 2) and new.form_version == "2"
    form = service.form_of(new)
    question = form.find("dung_truc_tuyen")
    assert question is not None and question.required and question.choice_list == "co_khong"
    assert [c.name for c in form.choices("co_khong")] == ["co", "khong"]
    assert form.find("vi_sao_chua").relevant == "${dung_truc_tuyen} = 'khong'"  # type: ignore[union-attr]
    assert len(form.choices("dvhc_xa")) == 3321  # the built-in lists are filled in again
    assert re.search(r'relevant=" */data/dung_truc_tuyen *= *\'khong\'"', new.xform), new.xform
    assert service.form_of(old).find("vi_sao_chua") is None  # the old version is kept as it was
    page = client.get(saved.headers["location"]).text
    assert "phiên bản 2" in page and "Trình soạn bảng hỏi" in page


def test_a_new_survey_is_created_from_a_blank_questionnaire(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    lao_cai = units.find_by_code(db, "15")
    editor = Editor(client, "/surveys/new/editor")
    settings = {
        "unit_id": str(lao_cai.id),
        "form/form_id": "tham_do_nhanh",
        "form/title": "Thăm dò nhanh về giá điện",
    }

    editor.do(
        "add/.",
        **settings,
        **{"new/./type": "integer", "new/./name": "so_nguoi", "new/./label": "Số người"},
    )
    created = editor.do("save", **settings)

    assert created.status_code == 303, created.text
    survey = db.scalars(select(Survey).where(Survey.form_id == "tham_do_nhanh")).one()
    assert survey.unit_id == lao_cai.id and survey.status == "draft"
    assert survey.title == "Thăm dò nhanh về giá điện"
    (version,) = _versions(db, survey)
    assert service.form_of(version).find("so_nguoi") is not None
    assert "<h:title>Thăm dò nhanh về giá điện</h:title>" in version.xform
    assert created.headers["location"] == f"/surveys/{survey.id}?created=1"


def test_a_broken_expression_is_refused_in_vietnamese_and_no_version_is_made(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    editor = Editor(client, f"/surveys/{survey.id}/editor")
    draft_before = _hidden(editor.page.text, "draft")

    refused = editor.do("edit/ly_do", **{"q/ly_do/relevant": "${hai_long} = = 'khong'"})
    unknown = editor.do("edit/ly_do", **{"q/ly_do/relevant": "${khong_co} = 'x'"})
    save = editor.do("save")

    assert refused.status_code == 400
    assert _hidden(refused.text, "draft") == draft_before  # the draft is unchanged
    assert 'class="alert ed-problem"' in refused.text and "ly_do" in refused.text
    # An unknown name parses, so the edit goes through; the save lists it beside the question.
    assert unknown.status_code == 200
    assert save.status_code == 400
    assert "Chưa lưu: 1 câu hỏi còn lỗi" in save.text
    assert "dùng ${khong_co} nhưng bảng hỏi không có câu hỏi tên “khong_co”" in html.unescape(
        save.text
    )
    assert len(_versions(db, survey)) == 1


def test_deleting_a_question_others_read_is_refused_with_their_names(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    editor = Editor(client, f"/surveys/{survey.id}/editor")

    refused = editor.do("delete/hai_long")
    deleted = editor.do("delete/ly_do")

    assert refused.status_code == 400
    assert (
        "Không xoá được câu hỏi “hai_long” vì các câu hỏi sau đang dùng nó trong biểu thức: ly_do"
        in refused.text
    )
    assert deleted.status_code == 200 and 'id="q-ly_do"' not in deleted.text


def test_a_malformed_or_oversized_draft_is_refused_with_a_message(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    editor = Editor(client, f"/surveys/{survey.id}/editor")
    token = _hidden(editor.page.text, "csrf_token")
    path = f"/surveys/{survey.id}/editor"

    def post(draft: str) -> httpx.Response:
        return client.post(path, data={"csrf_token": token, "draft": draft, "op": "save"})

    not_json = post('{"format": 1, "form_id": ')
    not_a_form = post('{"format": 1, "form_id": "x", "title": "t", "questions": [{"tên": 1}]}')
    # One field above Starlette's default 1 MB: the app's own limits apply (web/csrf.py).
    too_large = post('{"format": 1, "title": "' + "x" * 4_500_000 + '"}')

    assert not_json.status_code == 400 and "Bản nháp bảng hỏi gửi lên bị hỏng" in not_json.text
    assert not_a_form.status_code == 400 and "Bản nháp bảng hỏi gửi lên bị hỏng" in not_a_form.text
    assert too_large.status_code == 413 and "vượt giới hạn 4 MB" in too_large.text
    assert len(_versions(db, survey)) == 1


def test_leaders_are_refused_other_provinces_see_nothing_and_csrf_is_required(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    make_user(db, "lc.analyst", "analyst", "15")
    path = f"/surveys/{survey.id}/editor"

    login(client, "lc.leader")
    leader = (client.get(path).status_code, client.get("/surveys/new/editor").status_code)
    login(client, "hn.analyst")
    other_province = client.get(path).status_code
    login(client, "lc.analyst")
    draft = _hidden(client.get(path).text, "draft")
    no_token = client.post(path, data={"draft": draft, "op": "save"})

    assert leader == (403, 403)
    assert other_province == 404
    assert no_token.status_code == 403
    assert len(_versions(db, survey)) == 1
    assert db.scalar(select(func.count()).select_from(SurveyVersion)) == 1


def test_groups_questions_moved_in_and_out_and_typed_edits_kept_on_save(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    editor = Editor(client, f"/surveys/{survey.id}/editor")

    editor.do("add/.", **{"new/./type": "group", "new/./name": "dich_vu", "new/./label": "Dịch vụ"})
    inside = editor.do(
        "add/dich_vu",
        **{"new/dich_vu/type": "date", "new/dich_vu/name": "ngay", "new/dich_vu/label": "Ngày"},
    )
    editor.do("regroup/tuoi", **{"q/tuoi/group": "dich_vu"})
    editor.do("regroup/ngay", **{"q/ngay/group": "."})
    refused = editor.do("open/tuoi")
    refused = editor.do("edit/tuoi", **{"q/tuoi/name": "tuoi", "q/tuoi/constraint": ". >= "})
    # Typed into the open question, then "save" straight away: the typing is saved too.
    saved = editor.do("save", **{"q/tuoi/name": "tuoi", "q/tuoi/hint": "Tính theo năm dương lịch"})

    assert inside.status_code == 200
    assert inside.text.index('id="q-dich_vu"') < inside.text.index('id="q-ngay"')
    assert refused.status_code == 400
    assert 'value=". &gt;= "' in refused.text  # the field comes back as typed, to correct it
    assert saved.status_code == 303, saved.text
    form = service.form_of(_versions(db, survey)[0])
    assert [q.name for q in form.questions][-2:] == ["dich_vu", "ngay"]
    assert form.path_of("tuoi") == ("dich_vu",)
    tuoi = form.find("tuoi")
    assert tuoi is not None and tuoi.hint == {"Tiếng Việt (vi)": "Tính theo năm dương lịch"}
    assert tuoi.constraint == ". >= 16 and . <= 110"


def test_htmx_posts_get_the_editor_alone_and_a_redirect_header_on_save(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    path = f"/surveys/{survey.id}/editor"
    page = client.get(path).text
    headers = {"HX-Request": "true", "X-CSRF-Token": _hidden(page, "csrf_token")}
    draft = _hidden(page, "draft")

    moved = client.post(path, data={"draft": draft, "op": "up/tuoi"}, headers=headers)
    refused = client.post(path, data={"draft": draft, "op": "up/tinh"}, headers=headers)
    saved = client.post(path, data={"draft": draft, "op": "save"}, headers=headers)

    assert moved.status_code == 200 and moved.text.lstrip().startswith("<form")
    assert moved.text.index('id="q-tuoi"') < moved.text.index('id="q-xa"')
    assert refused.status_code == 400 and "Không di chuyển được “tinh”" in refused.text
    assert saved.status_code == 204
    assert saved.headers["HX-Redirect"] == f"/surveys/{survey.id}?saved=1"


def test_a_version_name_an_import_already_took_gets_a_suffix(
    client: TestClient, db: Session
) -> None:
    owner = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    imported = opinion_form(version="2")  # version 1 of the survey calls itself "2"
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), imported)
    db.commit()
    login(client, "lc.analyst")
    editor = Editor(client, f"/surveys/{survey.id}/editor")

    saved = editor.do("save")

    assert saved.status_code == 303, saved.text
    assert [v.form_version for v in _versions(db, survey)] == ["2.2", "2"]
    assert 'version="2.2"' in _versions(db, survey)[0].xform


def test_the_survey_pages_link_to_the_editor(client: TestClient, db: Session) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    assert f'href="/surveys/{survey.id}/editor"' in client.get(f"/surveys/{survey.id}").text
    assert 'href="/surveys/new/editor"' in client.get("/surveys").text
