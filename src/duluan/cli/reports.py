"""`duluan report …`: generate a unit's report without the web interface."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from duluan.auth import units
from duluan.cli.common import database_session, fail, group, operator
from duluan.reports import service

report_app = group("Periodic and urgent reports in the official document layout.")


@report_app.command("generate")
def generate_command(
    kind: Annotated[str, typer.Option(help="monthly, quarterly, half_year, annual or urgent.")],
    unit: Annotated[str, typer.Option(help="Code of the unit the report is about, e.g. 15.")],
    period: Annotated[
        str,
        typer.Option(
            help="2026-10 (month), 2026-Q3, 2026-H1, 2026, or 2026-10-14..2026-10-20 (urgent)."
        ),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    file_format: Annotated[
        str, typer.Option("--format", help="docx or pdf (default: from the file name).")
    ] = "",
) -> None:
    """Compose the unit's report for the period from its data, store it as a draft (to edit in
    the browser later) and write it as DOCX or PDF; prints the file and the report's id."""
    chosen = (file_format or output.suffix.lstrip(".")).lower()
    if chosen not in service.FORMATS:
        raise fail(f"--format {chosen or '?'}: choose docx or pdf")
    if not output.parent.is_dir():
        raise fail(f"{output.parent}: no such folder")
    with database_session() as session:  # the draft is kept only if the file is written
        actor = operator(session)
        found = units.find_by_code(session, unit)
        report = service.generate(session, actor, unit_id=found.id, kind=kind, period_text=period)
        printed = service.export(session, actor, report.id, chosen)
        try:
            output.write_bytes(printed.body)
        except OSError as exc:
            raise fail(f"{output}: {exc.strerror or exc}") from None
        report_id = report.id
    typer.echo(f"{output}: {len(printed.body)} bytes, report {report_id}")
