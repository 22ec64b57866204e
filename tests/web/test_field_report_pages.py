"""The field-report pages: a collaborator files a report (plain form and the page's script, stored
once), staff read the reports of their unit and below (urgent first, reads audited, names never
shown), the roll-up with picked quotes and the consolidated report, the submission board with
its schedules, and the petitions with their answers; roles, provinces and CSRF as elsewhere."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.network import roster
from duluan.network.models import FieldReport, OpinionStream, Petition, ReportSchedule
from duluan.network.roster import Contact, Place
from duluan.warning.notifications import Notification
from tests.conftest import csrf_of, login, make_user, post_form

SA_PA = "03006"  # Phường Sa Pa, Lào Cai
NAME = "Hoàng Văn Cường"
CTV_PASSWORD = "mat-khau-ctv-2026"


def _collaborator(db: Session) -> int:
    """A collaborator of Phường Sa Pa with the login `ctv.cuong`; their roster id."""
    admin = users.actor_for(make_user(db, "sapa.admin", "admin", SA_PA))
    collaborator = roster.add(
        db,
        admin,
        units.find_by_code(db, SA_PA),
        Place("15", SA_PA, "economy", "farmers"),
        Contact(NAME, phone="0912345678"),
        joined_on=date(2026, 1, 1),
    )
    roster.create_login(db, admin, collaborator, "ctv.cuong", CTV_PASSWORD)
    db.commit()
    return collaborator.id


def _monthly(period: str = "2026-10", **extra: str) -> dict[str, str]:
    return {
        "instance_id": f"uuid:thang-{period}",
        "unit_id": "",
        "kind": "periodic",
        "cadence": "monthly",
        "period": period,
        "locality": f"15/{SA_PA}",
        "topics": "economy_livelihood",
        "stream_content": "Bà con phấn khởi vì giá thảo quả tăng nhưng lo đường lên thôn sạt lở.",
        "stream_spread": "many",
        "stream_tone": "mixed",
        "stream_topic": "economy_livelihood",
        "causes": "Mưa lớn kéo dài.",
        **extra,
    }


def _file(client: TestClient, db: Session, data: dict[str, str], **headers: str) -> object:
    """Post the report form as the browser does (unit from the collaborator's roster entry)."""
    sa_pa = units.find_by_code(db, SA_PA)
    token = csrf_of(client, "/network/reports/new")
    return client.post(
        "/network/reports",
        data={**data, "unit_id": data["unit_id"] or str(sa_pa.id), "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )


def _count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count(FieldReport.id))) or 0


def test_a_collaborator_files_a_report_from_the_home_page_stored_once(
    client: TestClient, db: Session
) -> None:
    ctv = _collaborator(db)
    login(client, "ctv.cuong", CTV_PASSWORD)

    home = client.get("/").text
    assert "/network/reports/new" in home and "Báo cáo của tôi" in home
    form = client.get("/network/reports/new?cadence=monthly&period=2026-10")
    assert form.status_code == 200
    assert 'name="period" value="2026-10"' in form.text
    assert "không ghi họ tên" in form.text  # the privacy notice
    assert f'value="15/{SA_PA}" selected' in form.text  # the collaborator's own commune

    sent = _file(client, db, _monthly())
    assert sent.status_code == 303, sent.text  # type: ignore[attr-defined]
    location = sent.headers["location"]  # type: ignore[attr-defined]
    assert location.endswith("?sent=new")
    again = _file(client, db, _monthly())
    assert again.headers["location"].endswith("?sent=again")  # type: ignore[attr-defined]
    assert _count(db) == 1

    page = client.get(location).text
    assert "Đã nhận và lưu báo cáo" in page and "giá thảo quả" in page
    assert f"CTV #{ctv}" in page and NAME not in page
    mine = client.get("/network/reports").text
    assert "Báo cáo của tôi" in mine and location.split("?")[0] in mine and NAME not in mine


def test_the_page_script_gets_json_and_a_resend_answers_already_stored(
    client: TestClient, db: Session
) -> None:
    _collaborator(db)
    login(client, "ctv.cuong", CTV_PASSWORD)
    urgent = {
        **_monthly(),
        "instance_id": "uuid:sat-lo",
        "kind": "urgent",
        "title": "Sạt lở vùi hai nhà tại phường Sa Pa",
        "occurred_on": "2026-11-20",
        "stream_tone": "negative",
    }

    first = _file(client, db, urgent, accept="application/json")
    second = _file(client, db, urgent, accept="application/json")

    assert first.status_code == 201 and first.json()["created"] is True  # type: ignore[attr-defined]
    assert second.status_code == 200 and second.json()["created"] is False  # type: ignore[attr-defined]
    assert first.json()["url"] == second.json()["url"]  # type: ignore[attr-defined]
    assert _count(db) == 1
    refused = _file(
        client, db, {**urgent, "instance_id": "uuid:x", "title": ""}, accept="application/json"
    )
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert refused.json()["message"] == "Báo cáo nhanh cần tên sự việc."  # type: ignore[attr-defined]
    assert _count(db) == 1


def test_a_bad_report_shows_the_message_keeps_what_was_typed_and_stores_nothing(
    client: TestClient, db: Session
) -> None:
    _collaborator(db)
    login(client, "ctv.cuong", CTV_PASSWORD)

    no_stream = _file(client, db, _monthly(stream_content="", causes="Nguyên nhân đã ghi"))
    bad_period = _file(client, db, _monthly(period="10/2026"))
    no_csrf = client.post("/network/reports", data=_monthly(), follow_redirects=False)

    assert no_stream.status_code == 400  # type: ignore[attr-defined]
    assert "Báo cáo định kỳ cần ít nhất một luồng dư luận" in no_stream.text  # type: ignore[attr-defined]
    assert "Nguyên nhân đã ghi" in no_stream.text  # type: ignore[attr-defined]
    assert "Kỳ “10/2026” không đúng dạng" in bad_period.text  # type: ignore[attr-defined]
    assert no_csrf.status_code == 403
    assert _count(db) == 0 and db.scalar(select(func.count(OpinionStream.id))) == 0


def test_staff_see_urgent_reports_first_and_the_other_province_sees_nothing(
    client: TestClient, db: Session
) -> None:
    _collaborator(db)
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "ctv.cuong", CTV_PASSWORD)
    _file(client, db, _monthly())
    urgent = {**_monthly(), "instance_id": "uuid:u", "kind": "urgent", "title": "Sạt lở đất"}
    urgent_id = _file(client, db, urgent, accept="application/json").json()["id"]  # type: ignore[attr-defined]
    assert client.get("/network/board").status_code == 403  # collaborators do not read boards

    login(client, "lc.analyst")
    note = db.scalars(select(Notification).where(Notification.kind == "report")).first()
    assert note is not None and note.link == f"/network/reports/{urgent_id}"
    listing = client.get("/network/reports").text
    assert listing.index("Sạt lở đất") < listing.index("Hằng tháng · 2026-10")
    assert "fr-row-urgent" in listing and NAME not in listing
    assert "Sạt lở đất" not in client.get("/network/reports?kind=periodic").text
    assert "Sạt lở đất" in client.get("/network/reports?tone=mixed&locality=03006").text
    assert "Sạt lở đất" not in client.get("/network/reports?topic=healthcare").text
    detail = client.get(note.link)
    assert detail.status_code == 200 and "Báo cáo nhanh" in detail.text and NAME not in detail.text
    reads = db.scalars(select(AuditEvent).where(AuditEvent.action == "network.report_read"))
    assert [e.actor_name for e in reads] == ["lc.analyst"]

    login(client, "lc.leader")
    assert client.get(note.link).status_code == 200
    login(client, "hn.analyst")
    assert "Sạt lở đất" not in client.get("/network/reports").text
    assert client.get(note.link).status_code == 404


def test_the_board_shows_each_commune_and_the_analyst_sets_the_schedule(
    client: TestClient, db: Session
) -> None:
    _collaborator(db)
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "ctv.cuong", CTV_PASSWORD)
    _file(client, db, _monthly("2026-10"))  # sent after 20 October: late

    login(client, "lc.analyst")
    empty = client.get("/network/board?unit=15&cadence=monthly&period=2026-10")
    assert "Chưa đặt lịch nộp báo cáo" in empty.text
    bad = post_form(
        client,
        "/network/board/schedules",
        {"unit": "15", "cadence": "monthly", "due_day": "40", "active": "true"},
        page="/network/board",
    )
    assert bad.status_code == 400 and "Hạn nộp phải là một ngày trong tháng" in bad.text
    assert db.scalar(select(func.count(ReportSchedule.id))) == 0
    saved = post_form(
        client,
        "/network/board/schedules",
        {"unit": "15", "cadence": "monthly", "due_day": "20", "remind_days": "3", "active": "true"},
        page="/network/board",
    )
    assert saved.status_code == 303

    board = client.get("/network/board?unit=15&cadence=monthly&period=2026-10").text
    assert "Kỳ 2026-10, hạn nộp 20/10/2026" in board
    table = board[board.index("<tbody>") :]
    sa_pa_row = table[table.index("Phường Sa Pa") :]
    assert 'board-late">Muộn' in sa_pa_row[: sa_pa_row.index("</tr>")]
    assert 'board-missing">Chưa nộp' in board
    assert board.index('board-missing">') < board.index('board-late">')  # missing first

    login(client, "lc.leader")
    leader_board = client.get("/network/board?unit=15").text
    assert "Phường Sa Pa" in leader_board and "/network/board/schedules" not in leader_board
    login(client, "hn.analyst")
    assert client.get("/network/board?unit=15").status_code == 403


def test_the_rollup_picks_quotes_and_consolidates_for_the_parent_board(
    client: TestClient, db: Session
) -> None:
    _collaborator(db)
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "ctv.cuong", CTV_PASSWORD)
    report_id = _file(client, db, _monthly(), accept="application/json").json()["id"]  # type: ignore[attr-defined]
    stream = db.scalars(select(OpinionStream)).one()

    login(client, "lc.analyst")
    page = f"/network/reports/{report_id}"
    picked = post_form(client, f"{page}/streams/{stream.id}/pick", {"picked": "true"}, page=page)
    assert picked.status_code == 303
    rollup = client.get("/network/rollup?unit=15&cadence=monthly&period=2026-10").text
    assert "giá thảo quả" in rollup and "Ý kiến tiêu biểu đã chọn" in rollup
    assert 'id="report-chart-data"' in rollup

    made = post_form(
        client,
        "/network/rollup",
        {"unit": "15", "cadence": "monthly", "period": "2026-10", "forecast": "Sẽ bức xúc."},
        page="/network/rollup",
    )
    assert made.status_code == 303
    consolidated = client.get(made.headers["location"]).text
    assert "Báo cáo tổng hợp" in consolidated and "Sẽ bức xúc." in consolidated

    login(client, "hn.analyst")
    assert client.get("/network/rollup?unit=15").status_code == 403


def test_petitions_overdue_first_answered_and_kept_in_their_province(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "lc.analyst")
    page = "/network/petitions?unit=15"

    session = post_form(
        client,
        "/network/petitions/sessions",
        {
            "unit": "15",
            "held_on": "2026-10-05",
            "place": "Nhà văn hóa phường Sa Pa",
            "locality": f"15/{SA_PA}",
            "units_present": "UBND phường, MTTQ",
            "attendees": "120",
        },
        page=page,
    )
    assert session.status_code == 303
    empty = post_form(client, "/network/petitions", {"unit": "15", "content": " "}, page=page)
    assert empty.status_code == 400 and "Cần ghi nội dung ý kiến, kiến nghị." in empty.text
    for content, due in (("Sửa đường liên thôn", "2026-10-30"), ("Lắp đèn đường", "2099-01-01")):
        added = post_form(
            client,
            "/network/petitions",
            {"unit": "15", "content": content, "responsible": "UBND phường", "due_on": due},
            page=page,
        )
        assert added.status_code == 303
    assert db.scalar(select(func.count(Petition.id))) == 2

    listing = client.get(page).text
    assert listing.index("Sửa đường liên thôn") < listing.index("Lắp đèn đường")
    assert "1 kiến nghị quá hạn trả lời" in listing and "Nhà văn hóa phường Sa Pa" in listing
    overdue = db.scalars(select(Petition).where(Petition.content == "Sửa đường liên thôn")).one()
    detail = f"/network/petitions/{overdue.id}"
    answered = post_form(
        client, f"{detail}/answer", {"answer": "Đã bố trí vốn.", "close": "true"}, page=detail
    )
    assert answered.status_code == 303
    assert "Đã bố trí vốn." in client.get(detail).text
    assert "kiến nghị quá hạn trả lời</p>" not in client.get(page).text

    login(client, "lc.leader")
    assert client.get(detail).status_code == 200
    refused = post_form(client, f"{detail}/answer", {"answer": "x"}, page=detail)
    assert refused.status_code == 403
    login(client, "hn.analyst")
    assert client.get(detail).status_code == 404
    assert client.get(page).status_code == 403


def test_the_overview_summary_flags_urgent_reports_and_overdue_petitions(
    client: TestClient, db: Session
) -> None:
    _collaborator(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "ctv.cuong", CTV_PASSWORD)
    urgent = {**_monthly(), "instance_id": "uuid:u", "kind": "urgent", "title": "Sạt lở đất"}
    _file(client, db, urgent)

    login(client, "lc.analyst")
    summary = client.get("/network/reports/summary?unit=15").text
    assert "1 báo cáo nhanh trong 7 ngày qua" in summary and "Sạt lở đất" in summary
    assert "không có kiến nghị quá hạn" in summary


def test_attachments_are_stored_with_the_report_and_downloaded_by_staff_only(
    client: TestClient, db: Session
) -> None:
    _collaborator(db)
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "ctv.cuong", CTV_PASSWORD)
    sa_pa = units.find_by_code(db, SA_PA)
    photo = b"\x89PNG\r\n\x1a\n" + b"0" * 2048
    sent = client.post(
        "/network/reports",
        data={
            **_monthly(),
            "unit_id": str(sa_pa.id),
            "csrf_token": csrf_of(client, "/network/reports/new"),
        },
        files=[("attachments", ("đường sạt lở.png", photo, "image/png"))],
        headers={"accept": "application/json"},
    )
    assert sent.status_code == 201, sent.text
    url = sent.json()["url"]

    login(client, "lc.analyst")
    page = client.get(url).text
    assert "đường sạt lở.png" in page
    link = page[page.index(f"{url}/attachments/") :].split('"', 1)[0]
    download = client.get(link)
    assert download.status_code == 200 and download.content == photo
    assert download.headers["content-type"] == "image/png"
    assert "attachment;" in download.headers["content-disposition"]
    login(client, "hn.analyst")
    assert client.get(link).status_code == 404


def test_every_form_needs_its_csrf_token_and_its_role(client: TestClient, db: Session) -> None:
    _collaborator(db)
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.analyst")
    forms = {
        "/network/board/schedules": {"unit": "15", "cadence": "monthly", "due_day": "20"},
        "/network/rollup": {"unit": "15", "cadence": "monthly", "period": "2026-10"},
        "/network/petitions/sessions": {"unit": "15", "held_on": "2026-10-05", "place": "Xã"},
        "/network/petitions": {"unit": "15", "content": "Sửa đường"},
    }
    for path, data in forms.items():
        assert client.post(path, data=data).status_code == 403, path  # no token
    assert db.scalar(select(func.count(ReportSchedule.id))) == 0
    assert db.scalar(select(func.count(Petition.id))) == 0

    login(client, "lc.leader")  # reads the network, changes nothing
    for path, data in forms.items():
        assert post_form(client, path, data).status_code == 403, path
    for path in ("/network/reports", "/network/rollup", "/network/board", "/network/petitions"):
        assert client.get(path).status_code == 200, path
    assert client.get("/network/reports/new").status_code == 403

    login(client, "ctv.cuong", CTV_PASSWORD)
    for path in ("/network/rollup", "/network/petitions", "/network/reports/summary"):
        assert client.get(path).status_code == 403, path
