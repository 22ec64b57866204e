"""Forecast commands: backtest and forecast every unit × topic series from the daily roll-ups."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from sqlalchemy import select

from duluan.auth.models import OrgUnit
from duluan.cli.common import database_session, database_sessions, group
from duluan.db.types import utcnow
from duluan.warning import forecast, forecast_fit
from duluan.warning.forecast_fit import Outcome

forecast_app = group(
    "Forecasts of daily volume and negative share per topic, backtested against a seasonal-naive "
    "baseline."
)


def _row(outcome: Outcome, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "unit": codes.get(outcome.unit_id, str(outcome.unit_id)),
        "topic": outcome.topic,
        "measure": outcome.measure,
        "model": forecast_fit.MODEL if outcome.model_error is not None else None,
        "model_error": outcome.model_error,
        "baseline": f"{forecast_fit.BASELINE}({forecast_fit.SEASON})",
        "baseline_error": outcome.baseline_error,
        "coverage_80": outcome.coverage.get(80),
        "coverage_95": outcome.coverage.get(95),
        "beats_baseline": outcome.beats_baseline,
        "reason": outcome.reason,
        "horizon": outcome.horizon,
    }


@forecast_app.command("run")
def forecast_run(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Backtest (last 4 weeks, rolling origin) and forecast the next 7 days of every series,
    store the results, and print what was fitted and whether it beats the baseline."""
    with database_sessions() as factory:
        result = forecast.run(factory, utcnow())
    with database_session() as session:
        found = session.execute(select(OrgUnit.id, OrgUnit.code))
        codes = {unit_id: code for unit_id, code in found}
    rows = [_row(outcome, codes) for outcome in result.outcomes]
    if as_json:
        document = {
            "last_day": result.last_day.isoformat(),
            "model_version": forecast_fit.statsforecast_version(),
            "margin": forecast_fit.MARGIN,
            "series": rows,
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for row in rows:
        errors = (
            f"MAE {row['model_error']:.3g} vs {row['baseline_error']:.3g}"
            if row["model_error"] is not None
            else "-"
        )
        verdict = "shown" if row["beats_baseline"] else f"not shown ({row['reason']})"
        typer.echo(f"{row['unit']}  {row['topic']}  {row['measure']}  {errors}  {verdict}")
    shown = sum(row["beats_baseline"] for row in rows)
    typer.echo(f"{len(rows)} series, {shown} forecasts shown", err=True)
