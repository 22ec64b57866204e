"""`duluan plans …`: plans and scorecards from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from duluan.analysis.rollups import day_of
from duluan.auth import units
from duluan.cli.common import database_session, fail, group, operator
from duluan.db.types import utcnow
from duluan.plans import exports
from duluan.settings import get_settings

plans_app = group("Plans, tasks and scorecards.")


@plans_app.command("scorecard")
def scorecard_command(
    unit: Annotated[
        str,
        typer.Option(
            help="Code of the unit scored (with --children: the unit that set the criteria)."
        ),
    ],
    year: Annotated[int, typer.Option(help="Year of the scorecard, e.g. 2026.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write: .xlsx or .csv.")],
    by: Annotated[
        str, typer.Option(help="Code of the unit that set the criteria (default: the parent).")
    ] = "",
    children: Annotated[
        bool,
        typer.Option("--children", help="All units below --unit side by side, one row each."),
    ] = False,
) -> None:
    """Write a unit's scorecard for a year (criteria, weights, sources, figures, scores, the
    inspector's comments, the total) as a printable XLSX sheet or a CSV; the export is audited."""
    kind = output.suffix.lower().lstrip(".")
    if kind not in exports.FORMATS:
        raise fail(f"{output}: the file name must end in .xlsx or .csv")
    today = day_of(utcnow())
    locale = get_settings().default_locale
    with database_session() as session:  # the audit event is kept only if the file is written
        actor, scored = operator(session), units.find_by_code(session, unit)
        if children:
            found = exports.export_table(
                session, actor, scored, year, kind, today=today, locale=locale
            )
        else:
            setter = units.find_by_code(session, by) if by else None
            found = exports.export_card(
                session, actor, scored, year, kind, today=today, setter=setter, locale=locale
            )
        try:
            output.write_bytes(found.body)
        except OSError as exc:
            raise fail(f"{output}: {exc.strerror or exc}") from None
    typer.echo(f"{output}: {len(found.body)} bytes")
