"""Exports of survey data: streamed in batches to a file, the same rows as the in-memory table,
the codebook (labels, conditions in words, counts), and the background job that writes them."""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pyreadstat
import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.cli import app
from duluan.surveys import export, export_jobs, service
from duluan.surveys.export_codebook import in_words
from duluan.surveys.models import Response, Survey
from duluan.surveys.xlsform import read_xlsform
from tests.conftest import make_user
from tests.surveys.workbooks import VI, xlsx

SURVEY = [
    ["type", "name", f"label::{VI}", "relevant", "constraint", f"constraint_message::{VI}"],
    ["select_one muc_do", "hai_long", "Mức độ hài lòng", "", "", ""],
    ["select_multiple kenh", "kenh", "Kênh thông tin", "${hai_long} != '1'", "", ""],
    ["integer", "tuoi", "Tuổi", "", ". >= 16 and . <= 110", "Tuổi phải từ 16 đến 110"],
    ["text", "y_kien", "Ý kiến khác", "selected(${kenh}, 'bao')", "", ""],
    ["begin_repeat", "thanh_vien", "Thành viên hộ", "", "", ""],
    ["text", "ten_goi", "Tên gọi", "", "", ""],
    ["end_repeat", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", f"label::{VI}"],
    ["muc_do", "1", "Hài lòng"],
    ["muc_do", "2", "Chưa hài lòng"],
    ["kenh", "bao", "Báo chí"],
    ["kenh", "mxh", "Mạng xã hội"],
]
SETTINGS = [["form_id", "form_title", "default_language"], ["xuat_thu", "Xuất thử", VI]]
ANSWERS: list[dict[str, Any]] = [
    {"hai_long": "2", "kenh": "bao mxh", "tuoi": "34", "y_kien": "=SUM(A1)"},
    {"hai_long": "1", "tuoi": "61", "thanh_vien": [{"ten_goi": "An"}, {"ten_goi": "Bình"}]},
    {"hai_long": "2", "kenh": "mxh", "tuoi": "", "thanh_vien": []},
]


@pytest.fixture
def survey(db: Session) -> Survey:
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    form = read_xlsform(xlsx(SURVEY, CHOICES, SETTINGS), "xuat_thu.xlsx")
    created = service.create_survey(db, analyst, units.find_by_code(db, "15"), form)
    version = service.current_version(db, created)
    for i, answers in enumerate(ANSWERS):
        service.store_response(
            db, created, version, answers, instance_id=f"uuid:{i}", channel="web", unit_id=1
        )
    db.commit()
    return created


def test_the_streamed_csv_has_the_rows_of_the_table_whatever_the_batch_size(
    db: Session, survey: Survey, tmp_path: Path
) -> None:
    one_by_one, at_once = tmp_path / "a.csv", tmp_path / "b.csv"

    written = export.write_export(db, survey, "csv", one_by_one, batch_size=1)
    export.write_export(db, survey, "csv", at_once)

    assert written.rows == 3
    assert one_by_one.read_bytes() == at_once.read_bytes()
    assert at_once.read_bytes() == export.to_csv(export.table(db, survey))
    assert at_once.read_bytes().startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(at_once.read_text(encoding="utf-8-sig"))))
    assert rows[0] == [
        *("instance_id", "received_at", "channel", "version", "status"),
        *("hai_long", "kenh", "tuoi", "y_kien", "thanh_vien"),
    ]
    assert [r[0] for r in rows[1:]] == ["uuid:0", "uuid:1", "uuid:2"]
    assert rows[1][5:] == ["2", "bao mxh", "34", "'=SUM(A1)", ""]  # a formula is never run
    assert rows[2][5:] == ["1", "", "61", "", "2"]  # a repeat's column counts its items


def test_the_xlsx_carries_the_codebook_and_one_sheet_per_repeat(
    db: Session, survey: Survey, tmp_path: Path
) -> None:
    path = tmp_path / "x.xlsx"
    export.write_export(db, survey, "xlsx", path)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Dữ liệu", "Biến", "thanh_vien"]
    assert [list(r) for r in book["thanh_vien"].iter_rows(values_only=True)] == [
        ["instance_id", "thu_tu", "ten_goi"],
        ["uuid:1", "1", "An"],
        ["uuid:1", "2", "Bình"],
    ]
    header, *entries = book["Biến"].iter_rows(values_only=True)
    assert header == (
        "Biến",
        "Nhãn",
        "Kiểu",
        "Nhãn giá trị",
        "Bảng",
        "Điều kiện hỏi",
        "Ràng buộc",
        "Công thức",
        "Số trả lời",
    )
    by_name = {row[0]: row for row in entries}
    assert by_name["hai_long"][1:5] == (
        "Mức độ hài lòng",
        "select_one",
        "1 = Hài lòng; 2 = Chưa hài lòng",
        "Dữ liệu",
    )
    assert by_name["hai_long"][8] == 3
    assert by_name["kenh"][5] == "hai_long ≠ '1'" and by_name["kenh"][8] == 2
    assert by_name["tuoi"][6] == "câu trả lời ≥ 16 và câu trả lời ≤ 110 (Tuổi phải từ 16 đến 110)"
    assert by_name["tuoi"][8] == 2  # the empty answer is not counted
    assert by_name["y_kien"][5] == "kenh có chọn 'bao'" and by_name["y_kien"][8] == 1
    assert by_name["thanh_vien"][8] == 1  # one response with members, one with an empty list
    assert by_name["ten_goi"][4] == "thanh_vien" and by_name["ten_goi"][8] == 2
    assert by_name["instance_id"][8] == 3


def test_the_codebook_is_also_written_on_its_own(
    db: Session, survey: Survey, tmp_path: Path
) -> None:
    written = export.write_export(db, survey, "sav", tmp_path / "x.sav")
    export.write_codebook(written.codebook, "csv", tmp_path / "codebook.csv")
    export.write_codebook(written.codebook, "xlsx", tmp_path / "codebook.xlsx")

    rows = list(csv.reader(io.StringIO((tmp_path / "codebook.csv").read_text("utf-8-sig"))))
    assert rows[0][:4] == ["Biến", "Nhãn", "Kiểu", "Nhãn giá trị"]
    assert [r[0] for r in rows[1:]] == [
        *("instance_id", "received_at", "channel", "version", "status"),
        *("hai_long", "kenh", "tuoi", "y_kien", "thanh_vien", "ten_goi"),
    ]
    book = openpyxl.load_workbook(tmp_path / "codebook.xlsx")
    assert book.sheetnames == ["Biến"] and book["Biến"].max_row == len(rows)


def test_statistics_files_keep_numbers_as_numbers_with_labels(
    db: Session, survey: Survey, tmp_path: Path
) -> None:
    export.write_export(db, survey, "sav", tmp_path / "x.sav", batch_size=2)
    export.write_export(db, survey, "dta", tmp_path / "x.dta", batch_size=2)

    frame, meta = pyreadstat.read_sav(str(tmp_path / "x.sav"))
    assert list(frame["hai_long"]) == [2.0, 1.0, 2.0]
    assert meta.variable_value_labels["hai_long"] == {1: "Hài lòng", 2: "Chưa hài lòng"}
    assert list(frame["tuoi"][:2]) == [34.0, 61.0] and frame["tuoi"].isna()[2]
    assert list(frame["kenh"]) == ["bao mxh", "", "mxh"]
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["y_kien"] == "Ý kiến khác"
    frame, _ = pyreadstat.read_dta(str(tmp_path / "x.dta"))
    assert list(frame["instance_id"]) == ["uuid:0", "uuid:1", "uuid:2"]


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on the test's engine."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_five_thousand_responses_are_read_in_batches_with_progress(
    db: Session, survey: Survey, tmp_path: Path, statements: list[str]
) -> None:
    version = service.current_version(db, survey)
    received = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    rows = [
        {
            "survey_id": survey.id,
            "version_id": version.id,
            "instance_id": f"uuid:bulk-{n}",
            "channel": "paper",
            "unit_id": survey.unit_id,
            "answers": {"hai_long": str(1 + n % 2), "tuoi": str(16 + n % 80)},
            "received_at": received,
            "status": "submitted",
            "flags": [],
        }
        for n in range(5_000 - len(ANSWERS))
    ]
    db.execute(insert(Response), rows)  # the bulk of them directly: the service is not measured
    db.commit()
    reports: list[tuple[int, int | None]] = []
    statements.clear()

    written = export.write_export(
        db, survey, "sav", tmp_path / "big.sav", progress=lambda d, t: reports.append((d, t))
    )

    reads = [s for s in statements if "survey_responses.answers" in s]
    assert len(reads) == 4  # 2,000 + 2,000 + 1,000, then an empty batch ends the reading
    assert all("LIMIT" in s.upper() and "survey_responses.id >" in s for s in reads)
    assert reports == [(0, 5_000), (2_000, 5_000), (4_000, 5_000), (5_000, 5_000)]
    assert written.rows == 5_000
    frame, _ = pyreadstat.read_sav(str(tmp_path / "big.sav"))
    assert len(frame) == 5_000 and frame["tuoi"].iloc[-1] == 16 + (5_000 - 4) % 80


def test_the_export_job_writes_its_files_again_on_a_rerun_and_removes_old_ones(
    db: Session, survey: Survey, engine: Engine, tmp_path: Path
) -> None:
    factory = sessionmaker(engine)
    payload = export_jobs.new_payload(survey, "xlsx", tmp_path)
    folder = tmp_path / "exports"
    folder.mkdir()
    stale = folder / "survey-1-old.csv"
    stale.write_text("old")
    eight_days_ago = time.time() - 8 * 86_400
    os.utime(stale, (eight_days_ago, eight_days_ago))
    reports: list[tuple[int, int | None]] = []

    first = export_jobs.export_job(factory, payload, lambda d, t: reports.append((d, t)))
    again = export_jobs.export_job(factory, payload, lambda d, t: None)

    # The same file again (its size may differ by a byte: the workbook records when it was made).
    assert {k: v for k, v in again.items() if k != "bytes"} == {
        k: v for k, v in first.items() if k != "bytes"
    }
    assert first["rows"] == 3 and first["format"] == "xlsx"
    assert first["file"] == f"{payload['stem']}.xlsx"
    assert (folder / again["file"]).stat().st_size == again["bytes"]  # the rerun's file
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [first["file"], f"{payload['stem']}.codebook.csv", f"{payload['stem']}.codebook.xlsx"]
    )  # the stale file went, no partial file stays
    assert reports[-1] == (3, 3)


def test_expressions_are_read_in_words() -> None:
    assert in_words("") == ""
    assert in_words("${tuoi} >= 18 and ${gioi} = 'nu'") == "tuoi ≥ 18 và gioi = 'nu'"
    assert in_words("not(selected(${kenh}, 'bao')) or . <= 5") == (
        "kenh không chọn 'bao' hoặc câu trả lời ≤ 5"
    )
    assert in_words("count-selected(${kenh}) != 0") == "số lựa chọn của kenh ≠ 0"
    assert in_words("regex(., '^[0-9]{10}$')") == "regex(câu trả lời, '^[0-9]{10}$')"


@pytest.mark.usefixtures("cli_database")
def test_the_command_line_writes_the_export_and_its_codebook(
    db: Session, survey: Survey, tmp_path: Path
) -> None:
    out, codebook = tmp_path / "xuat.csv", tmp_path / "codebook.xlsx"
    runner = CliRunner()

    done = runner.invoke(
        app,
        ["survey", "export", str(survey.id), "-o", str(out), "--codebook", str(codebook)],
    )
    unwritable = runner.invoke(
        app, ["survey", "export", str(survey.id), "-o", str(tmp_path / "khong_co" / "x.csv")]
    )

    assert done.exit_code == 0, done.output
    assert "3 responses written" in done.stdout
    assert out.read_bytes() == export.to_csv(export.table(db, survey))
    sheet = openpyxl.load_workbook(codebook)["Biến"]
    assert {row[0]: row[8] for row in sheet.iter_rows(values_only=True)}["kenh"] == 2
    assert unwritable.exit_code == 2 and "cannot write" in unwritable.stderr
    audited = db.scalars(select(AuditEvent.detail).where(AuditEvent.action == "survey.exported"))
    assert list(audited) == [{"format": "csv", "responses": 3}]  # the failed one is not
