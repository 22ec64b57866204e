"""`duluan survey …`: surveys from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from duluan.auth import audit, units
from duluan.cli.common import database_session, fail, fail_with, group, operator
from duluan.errors import BadInput
from duluan.surveys import export, service
from duluan.surveys.estimation import analyse, parse_spec, read_table, text_table
from duluan.surveys.xlsform import read_xlsform

survey_app = group("Surveys: questionnaires (XLSForm) and their responses.")


@survey_app.command("import-xlsform")
def import_xlsform(
    path: Annotated[Path, typer.Argument(help="The XLSForm .xlsx file.")],
    unit: Annotated[str, typer.Option(help="Code of the unit that owns the survey.")] = "TW",
    survey_id: Annotated[
        int | None, typer.Option("--survey", help="Add the file as a new version of this survey.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create a draft survey from an XLSForm file (or add a version to one); a broken form is
    refused with the sheet, row and column at fault."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from None
    with database_session() as session:
        imported = read_xlsform(data, path.name)
        actor = operator(session)
        if survey_id is None:
            survey = service.create_survey(
                session,
                actor,
                units.find_by_code(session, unit),
                imported,
                data=data,
                filename=path.name,
            )
        else:
            service.add_version(session, actor, survey_id, imported, data=data, filename=path.name)
            survey = service.get_survey(session, actor, survey_id)
        version = service.current_version(session, survey)
        result = {
            "survey_id": survey.id,
            "form_id": survey.form_id,
            "version": version.form_version,
            "questions": sum(1 for _ in imported.form.walk()),
            "warnings": list(imported.warnings),
        }
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(
        f"survey {result['survey_id']} ({result['form_id']}), version {result['version']}: "
        f"{result['questions']} questions"
    )


@survey_app.command("export")
def export_answers(
    survey_id: Annotated[int, typer.Argument(help="The survey's number.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    file_format: Annotated[
        str, typer.Option("--format", help="csv, xlsx, sav (SPSS) or dta (Stata).")
    ] = "csv",
    codebook: Annotated[
        Path | None,
        typer.Option("--codebook", help="Also write the codebook here (.xlsx, else CSV)."),
    ] = None,
) -> None:
    """Write the raw answers, one row per response, with Vietnamese variable and value labels
    (xlsx: repeats in their own sheets, the codebook as sheet `Biến`), streamed in batches with
    a progress bar; the export is audited."""
    if file_format not in export.FORMATS:
        raise fail(f"unknown format {file_format!r}; one of: {', '.join(export.FORMATS)}")
    with database_session() as session, _progress_bar() as report:
        survey = service.get_survey(session, operator(session), survey_id, service.MANAGE)
        try:
            written = export.write_export(session, survey, file_format, output, progress=report)
            if codebook is not None:
                kind = "xlsx" if codebook.suffix.lower() == ".xlsx" else "csv"
                export.write_codebook(written.codebook, kind, codebook)
        except OSError as exc:
            raise fail(f"cannot write {exc.filename}: {exc.strerror}") from None
        audit.record(
            session,
            actor=None,
            actor_name="cli",
            action="survey.exported",
            target=f"survey:{survey.id}",
            unit_id=survey.unit_id,
            detail={"format": file_format, "responses": written.rows},
        )
    typer.echo(f"{written.rows} responses written to {output}")


@contextmanager
def _progress_bar() -> Iterator[export.Progress]:
    """A progress bar on stderr (stdout keeps the one-line summary) fed by progress(done, total)."""
    with Progress(console=Console(stderr=True), transient=True) as bars:
        task = bars.add_task("export", total=None)
        yield lambda done, total: bars.update(task, completed=done, total=total)


@survey_app.command("estimate")
def estimate(
    data: Annotated[Path, typer.Argument(help="The responses as CSV, one row per respondent.")],
    spec_path: Annotated[Path, typer.Option("--spec", help="The analysis spec (JSON).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Design-based estimates with standard errors, as the spec describes (docs/estimation.md);
    no database is used."""
    try:
        frame = read_table(data)
        spec_text = spec_path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise fail(f"cannot read {exc}") from None
    try:
        result = analyse(frame, parse_spec(spec_text))
    except BadInput as exc:
        raise fail_with(exc) from None
    typer.echo(json.dumps(result, ensure_ascii=False) if as_json else text_table(result))
