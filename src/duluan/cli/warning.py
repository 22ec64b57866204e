"""Early-warning commands: run the detectors over the stored hourly roll-ups."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from sqlalchemy import select

from duluan.auth.models import OrgUnit
from duluan.cli.common import database_session, fail, group
from duluan.db.types import utcnow
from duluan.ingest.dates import VIETNAM_TIME
from duluan.warning.detect import detect
from duluan.warning.models import Alert

alerts_app = group("Early warning: bursts of volume and of negative tone by topic and province.")


def _moment(value: str) -> datetime:
    if not value:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise fail(f"not a time: {value!r} (use ISO 8601, e.g. 2026-11-24T09:00+07:00)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _row(alert: Alert, unit_codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": alert.id,
        "detector": alert.detector,
        "unit": unit_codes.get(alert.unit_id, str(alert.unit_id)),
        "topic": alert.topic,
        "province_code": alert.province_code,
        "commune_code": alert.commune_code or None,
        "window_start": alert.window_start.isoformat(),
        "window_end": alert.window_end.isoformat(),
        "observed": alert.observed,
        "expected": alert.expected,
        "significance": alert.significance,
        "documents": alert.documents,
        "state": alert.state,
    }


@alerts_app.command("detect")
def alerts_detect(
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="Run as if it were this time (ISO 8601; without an offset, UTC). Default: now.",
        ),
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run every detector over the hours complete at that time and print the alerts created
    (an episode already alerted on in the last 24 hours is not alerted again)."""
    now = _moment(at)
    with database_session() as session:
        alerts = detect(session, now)
        ids = {a.unit_id for a in alerts}
        found = session.execute(select(OrgUnit.id, OrgUnit.code).where(OrgUnit.id.in_(ids)))
        codes = {unit_id: code for unit_id, code in found}
        rows = [_row(alert, codes) for alert in alerts]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    lines = [COLUMNS] + [_cells(alert, row) for alert, row in zip(alerts, rows, strict=True)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    for line in lines:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        typer.echo("  ".join(cells).rstrip())
    typer.echo(f"{len(rows)} alerts created", err=True)


COLUMNS = (
    "id",
    "detector",
    "unit",
    "topic",
    "province",
    "window (Vietnam time)",
    "seen",
    "expected",
    "p",
)


def _cells(alert: Alert, row: dict[str, Any]) -> tuple[str, ...]:
    start = alert.window_start.astimezone(VIETNAM_TIME)
    end = alert.window_end.astimezone(VIETNAM_TIME)
    return (
        str(row["id"]),
        alert.detector,
        row["unit"],
        alert.topic,
        "/".join(filter(None, (alert.province_code or "?", alert.commune_code))),
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}",
        f"{alert.observed:.3g}",
        f"{alert.expected:.3g}",
        f"{alert.significance:.1e}",
    )
