"""`duluan network …`: the collaborator network from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from duluan.auth import units
from duluan.cli.common import database_session, group, operator
from duluan.network import coverage

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
