"""`duluan demo --load-only` as a new user runs it, on a database of its own."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from duluan.cli import app

cli = CliRunner()


pytestmark = pytest.mark.usefixtures("cli_database")


def test_demo_load_only_loads_prints_the_logins_and_exits() -> None:
    result = cli.invoke(app, ["demo", "--load-only", "--days", "30", "--scale", "0.2", "--json"])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counts"]["documents_new"] > 150
    assert summary["counts"]["alerts_new"] >= 1
    assert summary["accounts"] == ["demo-admin", "demo-analyst", "demo-leader", "demo-ctv"]
    assert summary["accounts_created"] == summary["accounts"]
    assert summary["url"].startswith("http://")

    listed = cli.invoke(app, ["sources", "list", "--json"])
    assert all(s["name"].startswith("[Mô phỏng]") for s in json.loads(listed.stdout))


def test_demo_refuses_a_database_with_real_sources_in_one_line() -> None:
    added = cli.invoke(app, ["sources", "add", "--kind", "import", "--name", "Báo thật"])
    assert added.exit_code == 0, added.output

    result = cli.invoke(app, ["demo", "--load-only", "--days", "30", "--scale", "0.2"])

    assert result.exit_code == 2
    assert "Báo thật" in result.stderr
    assert "--force" in result.stderr
