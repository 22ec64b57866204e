"""Survey exports in the background, as staff use them: start one from the survey's page, follow
its progress, download the file and its codebook (audited), within scope and with the CSRF token."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.jobs.models import Job
from duluan.jobs.runner import create_job
from duluan.settings import Settings
from duluan.surveys import export_jobs, service
from duluan.surveys.models import Survey
from tests.conftest import login, make_user, post_form
from tests.jobs.support import wait_until
from tests.surveys.workbooks import opinion_form

ANSWERS = [
    {"tinh": "15", "xa": "03006", "tuoi": "34", "hai_long": "co"},
    {"tinh": "15", "xa": "02839", "tuoi": "61", "hai_long": "khong", "ly_do": "Chờ lâu"},
]


def _survey(db: Session) -> Survey:
    owner = users.actor_for(make_user(db, "lc.owner", "analyst", "15"))
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), opinion_form())
    version = service.current_version(db, survey)
    for i, answers in enumerate(ANSWERS):
        service.store_response(
            db, survey, version, answers, instance_id=f"uuid:{i}", channel="web", unit_id=1
        )
    db.commit()
    return survey


def _finished(db: Session, location: str) -> Job:
    job_id = int(location.rsplit("/", 1)[1])

    def done() -> Job | None:
        db.rollback()  # a fresh snapshot: the runner commits from its own thread
        job = db.get(Job, job_id)
        return job if job is not None and job.state in ("done", "failed") else None

    job = wait_until(done, timeout=60, what=f"export job {job_id}")
    assert isinstance(job, Job)
    return job


def test_an_analyst_exports_in_the_background_and_downloads_file_and_codebook(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    page = f"/surveys/{survey.id}"
    assert f'action="/surveys/{survey.id}/exports"' in client.get(page).text

    started = post_form(client, f"{page}/exports", {"format": "xlsx"}, page=page)

    assert started.status_code == 303
    location = started.headers["location"]
    assert location.startswith(f"/surveys/{survey.id}/exports/")
    job = _finished(db, location)
    assert job.state == "done", job.error
    assert job.kind == "surveys.export" and job.unit_id == survey.unit_id
    assert job.result["rows"] == 2 and job.result["format"] == "xlsx"
    assert job.progress == 2 and job.total == 2
    shown = client.get(location).text
    assert "Hoàn thành" in shown and "hx-trigger" not in shown  # finished: no more polling
    assert f"{location}/download" in shown and "Sổ mã biến (Excel)" in shown
    downloaded = client.get(f"{location}/download")
    assert downloaded.status_code == 200
    assert 'filename="y_kien_dich_vu_cong.xlsx"' in downloaded.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(downloaded.content))
    assert [r[0] for r in book["Dữ liệu"].iter_rows(values_only=True)] == [
        "instance_id",
        "uuid:0",
        "uuid:1",
    ]
    codebook = client.get(f"{location}/codebook.csv")
    rows = list(csv.reader(io.StringIO(codebook.content.decode("utf-8-sig"))))
    answered = {r[0]: r[8] for r in rows[1:]}
    assert answered["tuoi"] == "2" and answered["ly_do"] == "1"
    exported = list(
        db.scalars(select(AuditEvent.detail).where(AuditEvent.action == "survey.exported"))
    )
    assert exported == [{"format": "xlsx", "responses": 2, "job": job.id}]  # codebook: not data


def test_a_running_export_page_polls_and_has_nothing_to_download_yet(
    client: TestClient, db: Session, settings: Settings
) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    factory = sessionmaker(db.get_bind())
    payload = export_jobs.new_payload(survey, "sav", settings.data_dir)
    job_id = create_job(factory, "surveys.export", payload, unit_id=survey.unit_id)  # not run
    base = f"/surveys/{survey.id}/exports/{job_id}"

    waiting = client.get(base)
    fragment = client.get(f"{base}?partial=1")
    download = client.get(f"{base}/download")

    assert waiting.status_code == 200 and "Đang chờ" in waiting.text
    assert f'hx-get="{base}?partial=1"' in waiting.text and 'hx-trigger="every 1s"' in waiting.text
    assert "<html" not in fragment.text and 'id="export-status"' in fragment.text
    assert download.status_code == 404 and "chưa xong" in download.text
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "survey.exported")).all() == []


def test_a_removed_file_is_explained_and_a_bad_format_is_refused(
    client: TestClient, db: Session
) -> None:
    survey = _survey(db)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    page = f"/surveys/{survey.id}"

    refused = post_form(client, f"{page}/exports", {"format": "pdf"}, page=page)
    started = post_form(client, f"{page}/exports", {"format": "csv"}, page=page)
    job = _finished(db, started.headers["location"])
    (Path(job.payload["folder"]) / job.result["file"]).unlink()
    gone = client.get(f"{started.headers['location']}/download")

    assert refused.status_code == 400 and "“pdf”" in refused.text
    assert gone.status_code == 404 and "chỉ giữ 7 ngày" in gone.text


def test_only_managers_of_the_unit_see_exports_and_the_form_needs_its_token(
    client: TestClient, db: Session, settings: Settings
) -> None:
    survey = _survey(db)
    other = service.create_survey(
        db,
        users.actor_for(make_user(db, "hn.owner", "analyst", "01")),
        units.find_by_code(db, "01"),
        opinion_form("y_kien_ha_noi"),
    )
    db.commit()
    factory = sessionmaker(db.get_bind())
    payload = export_jobs.new_payload(survey, "csv", settings.data_dir)
    job_id = create_job(factory, "surveys.export", payload, unit_id=survey.unit_id)
    base = f"/surveys/{survey.id}/exports"
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "hn.analyst", "analyst", "01")

    login(client, "lc.leader")
    assert post_form(client, base, {"format": "csv"}).status_code == 403
    assert client.get(f"{base}/{job_id}").status_code == 403
    assert client.get(f"{base}/{job_id}/download").status_code == 403
    login(client, "hn.analyst")
    assert post_form(client, base, {"format": "csv"}).status_code == 404
    assert client.get(f"{base}/{job_id}").status_code == 404
    assert client.get(f"{base}/{job_id}/codebook.csv").status_code == 404
    # Their own survey's address does not reach another survey's job either.
    assert client.get(f"/surveys/{other.id}/exports/{job_id}").status_code == 404
    no_token = client.post(base.replace(str(survey.id), str(other.id)), data={"format": "csv"})
    assert no_token.status_code == 403 and "Biểu mẫu đã hết hạn" in no_token.text
    assert db.scalars(select(Job.id).where(Job.kind == "surveys.export")).all() == [job_id]
