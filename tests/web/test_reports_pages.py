"""Report pages: the list and the generate form, the editor, its buttons and the downloads, by
role and unit scope, with CSRF and bad input."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import AuditEvent
from duluan.reports import edits
from duluan.reports.models import Letterhead, Report
from duluan.web.routes.reports import SHARE_FIGURE, figure_name
from tests.conftest import csrf_of, login, make_user, post_form

PERIOD = "2026-10"


def lao_cai(db: Session) -> int:
    return units.find_by_code(db, "15").id


def generate(client: TestClient, db: Session, period: str = PERIOD) -> int:
    response = post_form(
        client,
        "/reports",
        {"unit_id": str(lao_cai(db)), "kind": "monthly", "period": period},
        "/reports",
    )
    assert response.status_code == 303, response.text
    return int(re.search(r"/reports/(\d+)", response.headers["location"]).group(1))  # type: ignore[union-attr]


def editor_form(client: TestClient, report_id: int) -> dict[str, list[str]]:
    """The editor's form fields as the browser would send them, unchanged."""
    html = client.get(f"/reports/{report_id}").text
    form = html[
        html.index('id="report-form"') : html.index("</form>", html.index('id="report-form"'))
    ]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input name="([^"]+)" (?:type="date" )?value="([^"]*)"', form):
        fields[name] = [value]
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = [
            value.replace("&#34;", '"')
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
        ]
    fields["keep"] = re.findall(r'name="keep" value="([^"]+)" checked', form)
    return fields


def test_an_analyst_generates_a_draft_and_finds_it_in_the_list(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    page = client.get("/reports").text
    assert "<h1>Báo cáo tổng hợp</h1>" in page and "sẽ hiển thị ở đây" in page
    assert "Tạo bản nháp" in page

    report_id = generate(client, db)
    editor = client.get(f"/reports/{report_id}?saved=generated").text
    assert "Đã tạo bản nháp từ số liệu của kỳ" in editor
    assert "tình hình dư luận xã hội tháng 10 năm 2026" in editor
    assert "Số liệu của mục" in editor and f'href="/reports/{report_id}.docx"' in editor
    # Each figure is named in Vietnamese; its name in the snapshot stays in the tooltip.
    assert '<dt title="documents">Số tin, bài</dt>' in editor
    listing = client.get("/reports").text
    assert f'href="/reports/{report_id}"' in listing and "Bản nháp" in listing


def test_a_wrong_period_is_named_in_vietnamese_and_the_form_keeps_it(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    response = post_form(
        client,
        "/reports",
        {"unit_id": str(lao_cai(db)), "kind": "monthly", "period": "10/2026"},
        "/reports",
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "10/2026" in response.text
    assert db.scalar(select(Report.id)) is None


def test_saving_edits_keeps_html_as_text_and_unticked_charts_out(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    report_id = generate(client, db)
    fields = editor_form(client, report_id)
    fields["text.proposals"] = ["Đề nghị <script>alert(1)</script> tăng cường đối thoại."]
    fields["number"] = ["15-BC/BTGDVTU"]
    dropped = fields["keep"].pop(0) if fields["keep"] else None
    response = client.post(
        f"/reports/{report_id}",
        data={**fields, "csrf_token": csrf_of(client, f"/reports/{report_id}")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/reports/{report_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    db.expire_all()
    report = db.get(Report, report_id)
    assert report is not None
    assert edits.full(report.document).header.number == "15-BC/BTGDVTU"
    if dropped:
        assert edits.omitted(report.document) == {dropped}


def test_a_bad_date_is_refused_and_loses_nothing_typed(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    report_id = generate(client, db)
    fields = editor_form(client, report_id)
    fields["issued_on"] = ["ngày mai"]
    response = client.post(
        f"/reports/{report_id}",
        data={**fields, "csrf_token": csrf_of(client, f"/reports/{report_id}")},
    )
    assert response.status_code == 400
    assert "Ngày ban hành “ngày mai” không đúng dạng ngày." in response.text


def test_every_form_needs_its_csrf_token(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    report_id = generate(client, db)
    for path in (
        "/reports",
        f"/reports/{report_id}",
        f"/reports/{report_id}/finalize",
        "/reports/letterhead",
    ):
        response = client.post(
            path, data={"unit_id": str(lao_cai(db)), "kind": "monthly", "period": PERIOD}
        )
        assert response.status_code == 403, path
    db.expire_all()
    assert db.get(Report, report_id).status == "draft"  # type: ignore[union-attr]


def test_finalising_makes_the_editor_read_only_and_offers_a_new_draft(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    report_id = generate(client, db)
    page = f"/reports/{report_id}"
    assert post_form(client, f"{page}/finalize", {}, page).status_code == 303
    html = client.get(page).text
    assert 'id="report-form"' not in html and "Báo cáo đã chốt nên không sửa được nữa" in html
    response = post_form(client, f"{page}/redraft", {}, page)
    assert response.status_code == 303 and response.headers["location"] != page


def test_a_leader_reads_and_downloads_but_cannot_change(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.analyst")
    report_id = generate(client, db)
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    login(client, "lc.leader")
    html = client.get(f"/reports/{report_id}").text
    assert "Tạo bản nháp" not in client.get("/reports").text and 'id="report-form"' not in html
    docx = client.get(f"/reports/{report_id}.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment" in docx.headers["content-disposition"]
    assert post_form(client, f"/reports/{report_id}/finalize", {}, "/reports").status_code == 403
    assert client.get("/reports/letterhead").status_code == 403
    assert client.get(f"/reports/{report_id}.odt").status_code == 400
    assert db.scalar(select(AuditEvent.id).where(AuditEvent.action == "report.downloaded"))


def test_another_province_and_collaborators_are_refused(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    make_user(db, "ctv.01", "collaborator", "15")
    login(client, "lc.analyst")
    report_id = generate(client, db)
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    login(client, "hn.analyst")
    assert client.get(f"/reports/{report_id}").status_code == 403
    assert client.get(f"/reports/{report_id}.pdf").status_code == 403
    assert f"/reports/{report_id}" not in client.get("/reports").text
    response = post_form(
        client,
        "/reports",
        {"unit_id": str(lao_cai(db)), "kind": "monthly", "period": PERIOD},
        "/reports",
    )
    assert response.status_code == 403
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    login(client, "ctv.01")
    assert client.get("/reports").status_code == 403


def test_the_letterhead_form_saves_and_names_a_missing_issuer(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    page = client.get("/reports/letterhead")
    assert page.status_code == 200 and "Đang dùng mẫu mặc định" in page.text
    fields = {
        "unit_id": str(lao_cai(db)),
        "layout": "party",
        "issuer": "",
        "superior": "TỈNH UỶ LÀO CAI",
        "recipients": "- Thường trực Tỉnh uỷ,\n- Lưu VP.",
    }
    refused = post_form(client, "/reports/letterhead", fields, "/reports/letterhead")
    assert refused.status_code == 400 and "Chưa nhập tên cơ quan ban hành." in refused.text
    assert "TỈNH UỶ LÀO CAI" in refused.text  # what was typed is still there
    saved = post_form(
        client,
        "/reports/letterhead",
        {**fields, "issuer": "BAN TUYÊN GIÁO VÀ DÂN VẬN"},
        "/reports/letterhead",
    )
    assert saved.status_code == 303
    row = db.scalar(select(Letterhead))
    assert row is not None and row.recipients == ["Thường trực Tỉnh uỷ,", "Lưu VP."]
    report_id = generate(client, db)
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in client.get(f"/reports/{report_id}").text


def test_a_ranked_figure_is_labelled_by_its_group_and_number() -> None:
    assert figure_name("topic_2_negative_share") == ("topic", "2", "negative_share")
    assert figure_name("negative_share") == ("", "", "negative_share")
    assert SHARE_FIGURE.search("topic_2_negative_share_low")
    assert not SHARE_FIGURE.search("topic_2_documents")
