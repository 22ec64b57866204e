"""`duluan alerts detect`: the alerts created, as JSON or as a table; one-line errors."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from duluan.cli import app
from duluan.warning import synthetic
from tests.warning.conftest import END, Loader

runner = CliRunner()
LAND = synthetic.SeriesSpec("land_projects", "15", per_hour=8.0)
BURST = synthetic.InjectedEvent("land_projects", "15", END - timedelta(hours=3), 6, size=5.0)


pytestmark = pytest.mark.usefixtures("cli_database")


def test_detect_prints_the_alerts_created_as_json(load: Loader) -> None:
    load([LAND], [BURST])

    result = runner.invoke(app, ["alerts", "detect", "--at", END.isoformat(), "--json"])

    assert result.exit_code == 0, result.output
    alerts = json.loads(result.stdout)
    assert [(a["detector"], a["unit"], a["topic"], a["province_code"]) for a in alerts] == [
        ("volume_burst", "15", "land_projects", "15")
    ]
    assert alerts[0]["window_end"] == END.isoformat() and alerts[0]["state"] == "open"
    assert alerts[0]["observed"] > alerts[0]["expected"] and alerts[0]["significance"] < 1e-4
    again = runner.invoke(app, ["alerts", "detect", "--at", END.isoformat(), "--json"])
    assert json.loads(again.stdout) == []


def test_detect_prints_a_table_without_json(load: Loader) -> None:
    load([LAND], [BURST])
    local_time = (END + timedelta(hours=7)).replace(tzinfo=None).isoformat() + "+07:00"

    result = runner.invoke(app, ["alerts", "detect", "--at", local_time])

    assert result.exit_code == 0, result.output
    assert "volume_burst" in result.stdout and "land_projects" in result.stdout
    assert "1 alerts created" in result.stderr


def test_a_bad_time_is_refused_in_one_line() -> None:
    result = runner.invoke(app, ["alerts", "detect", "--at", "hôm qua"])

    assert result.exit_code == 2
    assert "not a time" in result.output and len(result.output.strip().splitlines()) == 1
