"""Collect-now and file import run as background jobs; the jobs pages show them within scope."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import AuditEvent
from duluan.ingest import sources
from duluan.ingest.models import Document, Source
from duluan.jobs.models import Job
from duluan.settings import Settings
from duluan.web.app import create_app
from tests.conftest import csrf_of, login, make_user, post_form
from tests.jobs.support import wait_until
from tests.local_server import LocalServer

RSS = "application/rss+xml; charset=utf-8"
SOURCES = "/listening/sources"


def _finished_job(db: Session, location: str) -> Job:
    """The job a redirect points at, once it has finished (the inline runner runs it)."""
    assert location.startswith("/jobs/")
    job_id = int(location.rsplit("/", 1)[1])

    def finished() -> Job | None:
        db.rollback()  # end the read snapshot, so the runner's commits are seen
        job = db.get(Job, job_id)
        return job if job is not None and job.state in ("done", "failed") else None

    job = wait_until(finished, timeout=30, what=f"job {job_id} to finish")
    assert isinstance(job, Job)
    return job


def _feed_source(db: Session, server: LocalServer, unit: str = "15") -> Source:
    server.file("/rss", "feed_rss.xml", RSS)
    source = sources.add_source(
        db,
        None,
        unit=units.find_by_code(db, unit),
        kind="rss",
        name="Báo thử",
        url=server.url("/rss"),
    )
    db.commit()
    return source


def test_collect_now_runs_a_job_whose_page_shows_the_result(
    client: TestClient, db: Session, server: LocalServer, local_fetching: None
) -> None:
    source = _feed_source(db, server)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    response = post_form(client, f"{SOURCES}/{source.id}/collect", {}, page=SOURCES)

    assert response.status_code == 303
    job = _finished_job(db, response.headers["location"])
    assert job.state == "done" and job.kind == "ingest.collect_source"
    assert job.result["new"] == 3 and job.unit_id == source.unit_id
    stored = db.scalar(select(func.count(Document.id)).where(Document.source_id == source.id))
    assert stored == 3
    page = client.get(response.headers["location"]).text
    assert "Hoàn thành" in page and "Thu thập nguồn tin: Báo thử" in page
    assert "hx-trigger" not in page  # a finished job's page stops polling
    listing = client.get("/jobs").text
    assert f'href="/jobs/{job.id}"' in listing and "3 mới, 0 đã có, 0 bị loại" in listing
    assert "Mục thứ 4 của nguồn RSS không có tiêu đề và nội dung." in listing
    sources_page = client.get(SOURCES).text
    assert "Bài/ngày (7 ngày)" in sources_page and "TB 0,4" in sources_page


def test_a_failing_source_shows_the_reason_in_vietnamese(
    client: TestClient, db: Session, server: LocalServer, local_fetching: None
) -> None:
    source = sources.add_source(
        db, None, unit=units.find_by_code(db, "15"), kind="rss", name="Hỏng", url=server.url("/x")
    )
    db.commit()
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    response = post_form(client, f"{SOURCES}/{source.id}/collect", {}, page=SOURCES)

    job = _finished_job(db, response.headers["location"])
    assert job.state == "done" and job.result["status"] == "failed"
    assert "Máy chủ trả về mã lỗi HTTP 404" in client.get(f"/jobs/{job.id}").text
    assert "1 lượt lỗi trong 7 ngày" in client.get(SOURCES).text


def test_jobs_of_another_province_are_not_shown(
    client: TestClient, db: Session, server: LocalServer, local_fetching: None
) -> None:
    source = _feed_source(db, server, unit="15")
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "lc.analyst")
    location = post_form(client, f"{SOURCES}/{source.id}/collect", {}, page=SOURCES).headers[
        "location"
    ]
    job = _finished_job(db, location)

    login(client, "hn.analyst")
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert f"/jobs/{job.id}" not in client.get("/jobs").text
    outside = post_form(client, f"{SOURCES}/{source.id}/collect", {}, page=SOURCES)
    assert outside.status_code == 404
    assert db.scalar(select(func.count(Job.id))) == 1


def test_import_runs_as_a_job_and_lists_the_lines_it_skipped(
    client: TestClient, db: Session, settings: Settings
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    lines = [
        json.dumps({"text": "Người dân phản ánh tham nhũng khi làm sổ đỏ.", "id": "p1"}),
        "{không phải json",
        json.dumps({"message": "Mưa lũ gây sạt lở ở Lào Cai.", "id": "p2"}, ensure_ascii=False),
        json.dumps({"text": "Bài có loại lạ", "kind": "tweet"}),
    ]
    token = csrf_of(client, "/listening/import")
    upload = ("bai.jsonl", "\n".join(lines).encode(), "application/json")

    response = client.post(
        "/listening/import",
        data={"csrf_token": token},
        files={"upload": upload},
        follow_redirects=False,
    )

    assert response.status_code == 303, response.text
    job = _finished_job(db, response.headers["location"])
    assert job.state == "done" and job.result["new"] == 2 and job.result["rejected"] == 2
    page = client.get(f"/jobs/{job.id}").text
    assert "Nhập tệp: bai.jsonl" in page
    assert "Dòng 2" in page and "không phải JSON" in page
    assert "Dòng 4" in page and "loại bài “tweet” không hợp lệ" in page
    assert db.scalar(select(func.count(Document.id))) == 2
    assert not any((settings.data_dir / "uploads").iterdir())  # the upload is removed after
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "documents.imported"))
    assert [e.target for e in events] == ["bai.jsonl"]


def test_unreadable_uploads_are_refused_before_any_job(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    token = csrf_of(client, "/listening/import")

    wrong = client.post(
        "/listening/import",
        data={"csrf_token": token},
        files={"upload": ("bai.xlsx", b"PK", "application/octet-stream")},
    )
    utf16 = client.post(
        "/listening/import",
        data={"csrf_token": token},
        files={"upload": ("bai.csv", "text\nTiếng Việt".encode("utf-16"), "text/csv")},
    )

    assert wrong.status_code == 400 and "Chỉ nhận tệp .jsonl, .json hoặc .csv." in wrong.text
    assert utf16.status_code == 400 and "không phải văn bản UTF-8" in utf16.text
    assert db.scalar(select(func.count(Job.id))) == 0


def test_leaders_see_jobs_but_collaborators_do_not(client: TestClient, db: Session) -> None:
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")
    assert client.get("/jobs").status_code == 200
    make_user(db, "lc.ctv", "collaborator", "15")
    login(client, "lc.ctv")
    assert client.get("/jobs").status_code == 403


def test_a_serving_app_collects_due_sources_by_itself(
    settings: Settings, db: Session, server: LocalServer, local_fetching: None
) -> None:
    source = _feed_source(db, server)
    app = create_app(settings, schedule=True)  # what `duluan serve` runs

    with TestClient(app):
        job = _finished_job(db, "/jobs/1")

    assert job.kind == "ingest.collect_source" and job.payload == {"source_id": source.id}
    assert job.state == "done" and job.result["new"] == 3 and job.unit_id == source.unit_id
    db.refresh(source)
    assert source.next_due_at is not None and source.last_success_at is not None
    app.state.engine.dispose()
