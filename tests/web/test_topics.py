"""Topic pages: the list with recent volumes, the topic page, and the admin-only forms (edit with
a preview before saving, add, deactivate), CSRF-protected and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.analysis import topics
from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.service import store_items
from duluan.jobs.models import Job
from tests.conftest import csrf_of, login, make_user, post_form
from tests.jobs.support import wait_until

SECRET = "k" * 40
CORRUPTION = "Người dân phản ánh tham nhũng ở xã, cán bộ nhận hối lộ khi làm sổ đỏ, rất bức xúc."
TRAM = "Tuyến tàu điện mới chạy thử, nhiều người háo hức đi thử."


def _store(db: Session, *texts: str, unit_code: str = "15") -> list[int]:
    unit = units.find_by_code(db, unit_code)
    source = sources.add_source(db, None, unit=unit, kind="push", name=f"Đẩy {unit_code}")
    now = datetime.now(UTC) - timedelta(hours=1)
    items = [Item(text=t, kind="post", published_at=now) for t in texts]
    summary = store_items(db, source, items, secret=SECRET)
    db.commit()
    return summary.document_ids


def test_the_list_shows_topics_with_their_30_day_volume(client: TestClient, db: Session) -> None:
    _store(db, CORRUPTION, CORRUPTION + " Lần hai ở thôn khác.")
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    page = client.get("/topics")
    assert page.status_code == 200 and "Chủ đề theo dõi" in page.text
    assert 'href="/topics/corruption"' in page.text and "Tham nhũng, tiêu cực" in page.text
    row = page.text[page.text.index('href="/topics/corruption"') :]
    assert '<td class="num">2</td>' in row[: row.index("</tr>")]
    assert "Thêm chủ đề" not in page.text  # analysts do not manage topics
    assert 'href="/topics" aria-current="page"' in page.text


def test_the_topic_page_shows_the_definition_chart_data_and_no_form_for_analysts(
    client: TestClient, db: Session
) -> None:
    _store(db, CORRUPTION)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    page = client.get("/topics/corruption")
    assert page.status_code == 200
    assert "Định nghĩa" in page.text and "&#34;tham nhũng&#34;" in page.text
    assert 'id="topic-chart"' in page.text and 'id="topic-data"' in page.text
    assert "Sửa chủ đề" not in page.text and 'action="/topics/corruption"' not in page.text
    assert client.get("/topics/no_such_topic").status_code == 404


def test_non_admins_are_denied_every_change(client: TestClient, db: Session) -> None:
    make_user(db, "tw.analyst", "analyst", "TW")
    make_user(db, "lc.admin", "admin", "15")  # an admin, but of one province only
    for username in ("tw.analyst", "lc.admin"):
        login(client, username)
        fields = {"name_vi": "X", "name_en": "X", "query": "x"}
        assert post_form(client, "/topics/corruption", fields, "/topics").status_code == 403
        assert post_form(client, "/topics/preview", {"query": "x"}, "/topics").status_code == 403
        assert post_form(client, "/topics/corruption/active", {}, "/topics").status_code == 403
        client.post("/logout", data={"csrf_token": csrf_of(client, "/topics")})
    assert topics.get_topic(db, "corruption").version == 1
    make_user(db, "lc.ctv", "collaborator", "15")
    login(client, "lc.ctv")
    assert client.get("/topics").status_code == 403


def test_an_admin_previews_then_saves_an_edit(client: TestClient, db: Session) -> None:
    ids = _store(db, CORRUPTION, TRAM)
    make_user(db, "tw.admin", "admin", "TW")
    login(client, "tw.admin")
    page = client.get("/topics/corruption")
    assert "Sửa chủ đề" in page.text and 'hx-post="/topics/preview"' in page.text
    assert "{% block forecast %}" not in page.text

    fields = {"code": "corruption", "query": '"tàu điện" OR "tham nhũng"'}
    preview = post_form(client, "/topics/preview", fields, "/topics/corruption")
    assert preview.status_code == 200 and "Truy vấn hợp lệ." in preview.text
    assert "<dd>+1</dd>" in preview.text and "<dd>−0</dd>" in preview.text
    assert f'href="/listening/documents/{ids[1]}"' in preview.text
    bad = post_form(client, "/topics/preview", {"code": "corruption", "query": '"tàu'}, "/topics")
    assert "dấu ngoặc kép chưa đóng (ở ký tự thứ 1)" in bad.text
    assert topics.get_topic(db, "corruption").version == 1  # previews save nothing

    saved = post_form(
        client,
        "/topics/corruption",
        {"name_vi": "Tham nhũng và tàu điện", "name_en": "Corruption", "query": fields["query"]},
        "/topics/corruption",
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/topics/corruption?saved=1"
    db.expire_all()
    assert topics.get_topic(db, "corruption").version == 2
    shown = client.get(saved.headers["location"]).text
    assert "phiên bản 2" in shown and "Tham nhũng và tàu điện" in shown
    audited = db.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("topic.")))
    assert list(audited) == ["topic.updated"]


def test_a_bad_edit_is_refused_with_the_typed_text_kept(client: TestClient, db: Session) -> None:
    make_user(db, "tw.admin", "admin", "TW")
    login(client, "tw.admin")
    typed = {"name_vi": "Giáo dục mới", "name_en": "", "query": "học phí AND (giáo viên"}
    refused = post_form(client, "/topics/education", typed, "/topics/education")
    assert refused.status_code == 400
    assert "Truy vấn thiếu dấu đóng ngoặc" in refused.text
    assert "Giáo dục mới" in refused.text and "học phí AND (giáo viên" in refused.text
    db.expire_all()
    assert topics.get_topic(db, "education").version == 1


def test_forms_without_the_csrf_token_are_refused(client: TestClient, db: Session) -> None:
    make_user(db, "tw.admin", "admin", "TW")
    login(client, "tw.admin")
    data = {"name_vi": "X", "name_en": "X", "query": "x"}
    assert client.post("/topics/corruption", data=data).status_code == 403
    assert client.post("/topics/preview", data={"query": "x"}).status_code == 403
    assert topics.get_topic(db, "corruption").version == 1


def test_an_admin_adds_and_deactivates_a_topic(client: TestClient, db: Session) -> None:
    make_user(db, "tw.admin", "admin", "TW")
    login(client, "tw.admin")
    new = {"code": "public_transport", "name_vi": "Giao thông công cộng", "query": '"tàu điện"'}
    added = post_form(client, "/topics", {**new, "name_en": "Public transport"}, "/topics")
    assert added.status_code == 303 and added.headers["location"].startswith("/topics/public_")
    taken = post_form(client, "/topics", {**new, "name_en": ""}, "/topics")
    assert taken.status_code == 400 and "Đã có chủ đề mã “public_transport”" in taken.text
    off = post_form(client, "/topics/public_transport/active", {"active": "false"}, "/topics")
    assert off.status_code == 303
    db.expire_all()
    assert not topics.get_topic(db, "public_transport").active
    assert "Ngừng dùng" in client.get("/topics").text
    audited = db.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("topic.")))
    assert list(audited) == ["topic.created", "topic.deactivated"]


def test_pages_that_name_topics_use_the_edited_names(client: TestClient, db: Session) -> None:
    admin = users.actor_for(make_user(db, "tw.admin", "admin", "TW"))
    topics.update_topic(
        db,
        actor=admin,
        code="education",
        name_vi="Giáo dục và đào tạo",
        name_en="Education and training",
        query=topics.get_topic(db, "education").query,
    )
    db.commit()
    login(client, "tw.admin")
    assert "Giáo dục và đào tạo" in client.get("/listening").text
    assert "Giáo dục và đào tạo" in client.get("/listening/overview").text


def test_a_root_admin_starts_a_retag_job_and_follows_it(client: TestClient, db: Session) -> None:
    make_user(db, "tw.admin", "admin", "TW")
    make_user(db, "lc.admin", "admin", "15")
    login(client, "lc.admin")
    assert post_form(client, "/topics/retag", {"days": "30"}, "/topics").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_of(client, "/topics")})
    login(client, "tw.admin")
    assert 'action="/topics/retag"' in client.get("/topics/corruption").text
    started = post_form(client, "/topics/retag", {"days": "30"}, "/topics/corruption")
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    job_id = int(started.headers["location"].rsplit("/", 1)[1])

    def finished() -> Job | None:
        db.rollback()
        job = db.get(Job, job_id)
        return job if job is not None and job.state in ("done", "failed") else None

    job = wait_until(finished, timeout=30, what="the re-tag job to finish")
    assert isinstance(job, Job) and job.state == "done" and job.kind == "analysis.retag"
    assert job.result["days"] == 30
