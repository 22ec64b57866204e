"""`duluan network …`: the collaborator network from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from duluan.auth import units
from duluan.cli.common import database_session, group, operator
from duluan.network import coverage, deadlines

network_app = group("Collaborator network: roster, coverage, field reports.")


@network_app.command("coverage")
def coverage_command(
    unit: Annotated[str, typer.Option(help="Code of the unit whose network is counted.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Active collaborators by locality × sector × stratum against the unit's targets, with the
    gaps (the same matrix as the network page)."""
    with database_session() as session:
        found = coverage.matrix(session, operator(session), units.find_by_code(session, unit))
        result = found.to_json()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(
        f"{result['unit']['name']}: {result['active_collaborators']} active collaborators, "
        f"{result['gaps']} targets not met"
    )
    for target in result["targets"]:
        if target["gap"]:
            what = " · ".join(filter(None, (target["sector"], target["stratum"]))) or "*"
            typer.echo(
                f"  {target['locality_name'] or target['locality']} [{what}]: "
                f"{target['count']}/{target['minimum']}"
            )


@network_app.command("board")
def board_command(
    unit: Annotated[str, typer.Option(help="Code of the unit whose child units owe reports.")],
    period: Annotated[str, typer.Option(help="Period: 2026-10, 2026-Q4, 2026-H2 or 2026.")],
    cadence: Annotated[str, typer.Option(help="monthly, quarterly, half_year or annual.")] = (
        "monthly"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per child unit: on time, late, missing or not yet due for the period (the submission
    board of the web page)."""
    with database_session() as session:
        found = deadlines.board_for(
            session, operator(session), units.find_by_code(session, unit), cadence, period
        )
        result = found.to_json()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(f"{result['period']} (due {result['due']}): {result['counts']}")
    for row in result["units"]:
        typer.echo(f"  {row['name']} [{row['code']}]: {row['state']} {row['submitted_on'] or ''}")
