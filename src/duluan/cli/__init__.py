"""The `duluan` command line (Typer). Entry point only: commands parse and call services."""

from __future__ import annotations

from typing import Annotated

import typer

from duluan.cli.admin import db_app, units_app, users_app
from duluan.cli.common import group
from duluan.cli.demo import demo_command
from duluan.cli.emerging import emerging_command
from duluan.cli.forecast import forecast_app
from duluan.cli.jobs import jobs_app, worker
from duluan.cli.listening import (
    collect_command,
    import_app,
    rollups_app,
    search_command,
    sources_app,
)
from duluan.cli.network import network_app
from duluan.cli.nlp import analyze, nlp_app
from duluan.cli.plans import plans_app
from duluan.cli.reports import report_app
from duluan.cli.surveys import survey_app
from duluan.cli.warning import alerts_app
from duluan.settings import get_settings

app = group("duluan: Vietnamese-first platform for public-opinion research.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(units_app, name="units")
app.add_typer(nlp_app, name="nlp")
app.add_typer(jobs_app, name="jobs")
app.command()(analyze)
app.command()(worker)
app.add_typer(sources_app, name="sources")
app.add_typer(import_app, name="import")
app.add_typer(rollups_app, name="rollups")
app.command("collect")(collect_command)
app.command("search")(search_command)
app.add_typer(alerts_app, name="alerts")
app.add_typer(forecast_app, name="forecast")
app.command("demo")(demo_command)
app.command("emerging")(emerging_command)
app.add_typer(survey_app, name="survey")
app.add_typer(network_app, name="network")
app.add_typer(plans_app, name="plans")
app.add_typer(report_app, name="report")


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default DULUAN_HOST).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (default DULUAN_PORT).")
    ] = None,
) -> None:
    """Start the web application (embedded SQLite unless DULUAN_DATABASE_URL says otherwise)."""
    import uvicorn

    from duluan.web.app import create_app

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    typer.echo(f"duluan: http://{host}:{port}/  (Ctrl+C to stop)")
    web_app = create_app(settings, schedule=True)  # due sources are collected in-process
    uvicorn.run(web_app, host=host, port=port, log_level="info", proxy_headers=False)
