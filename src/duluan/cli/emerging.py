"""`duluan emerging`: group recent unclassified documents into emerging issues; print them."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from sqlalchemy import select

from duluan.analysis import emerging_store
from duluan.analysis.emerging_store import EmergingCluster
from duluan.auth.models import OrgUnit
from duluan.cli.common import database_session
from duluan.cli.warning import _moment as moment  # one parser of --at for every command


def _row(cluster: EmergingCluster, unit_code: str) -> dict[str, Any]:
    return {
        "id": cluster.id,
        "unit": unit_code,
        "label": cluster.label,
        "terms": cluster.terms,
        "documents": cluster.size,
        "last_24h": cluster.recent,
        "previous_48h": cluster.earlier,
        "growth": round(cluster.growth, 3),
        "provinces": cluster.provinces,
        "first_seen_at": cluster.first_seen_at.isoformat(),
        "last_seen_at": cluster.last_seen_at.isoformat(),
        "method": cluster.method,
    }


def emerging_command(
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="Run as if it were this time (ISO 8601; without an offset, UTC). Default: now.",
        ),
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Group the documents of the last 72 hours that no topic query matched into emerging
    issues, for every unit, store them (a cluster seen before keeps its id) and print them,
    fastest-growing first. These are automatic groupings: read the documents before acting."""
    now = moment(at)
    rows = []
    with database_session() as session:
        codes = {i: code for i, code in session.execute(select(OrgUnit.id, OrgUnit.code))}
        for unit_id in emerging_store.units_to_run(session, now):
            for cluster in emerging_store.run(session, unit_id, now):
                rows.append(_row(cluster, codes.get(unit_id, str(unit_id))))
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        growth = f"{row['last_24h']}/24h vs {row['previous_48h']}/48h"
        typer.echo(f"{row['unit']}  {row['documents']:>5}  {growth:<20}  {row['label']}")
    typer.echo(f"{len(rows)} emerging clusters", err=True)
