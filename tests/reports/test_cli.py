"""`duluan report generate`: a report of a unit for a period as DOCX or PDF, stored as a draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.cli import app
from duluan.reports.models import Report

runner = CliRunner()


@pytest.mark.usefixtures("cli_database")
@pytest.mark.parametrize("file_format", ["docx", "pdf"])
def test_generate_writes_the_file_and_stores_the_draft(
    tmp_path: Path, db: Session, file_format: str
) -> None:
    output = tmp_path / f"bao-cao.{file_format}"
    result = runner.invoke(
        app,
        [
            *("report", "generate", "--kind", "monthly", "--unit", "15", "--period", "2026-10"),
            *("--format", file_format, "-o", str(output)),
        ],
    )
    assert result.exit_code == 0, result.output
    report = db.scalars(select(Report)).one()
    assert f"report {report.id}" in result.output and str(output) in result.output
    assert (report.kind, report.period_label, report.status) == ("monthly", "2026-10", "draft")
    assert output.read_bytes()[:4] == (b"PK\x03\x04" if file_format == "docx" else b"%PDF")


@pytest.mark.usefixtures("cli_database")
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--unit", "99", "--period", "2026-10", "--format", "docx"], "99"),
        (["--unit", "15", "--period", "2026-13", "--format", "docx"], "2026-13"),
        (["--unit", "15", "--period", "2026-10", "--format", "odt"], "--format odt"),
    ],
)
def test_bad_unit_period_or_format_is_one_line_and_stores_nothing(
    tmp_path: Path, db: Session, arguments: list[str], message: str
) -> None:
    output = tmp_path / "bao-cao.docx"
    result = runner.invoke(
        app, ["report", "generate", "--kind", "monthly", *arguments, "-o", str(output)]
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not output.exists() and db.scalar(select(Report.id)) is None
