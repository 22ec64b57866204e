"""`duluan network board`: the submission board from the command line, the same rows as the
service (and the web page) give."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.auth import units
from duluan.cli import app
from duluan.network import deadlines
from tests.network.test_deadlines import BAO_YEN, SA_PA, _actor, _monthly


def test_the_command_prints_the_board_of_a_period(db: Session, cli_database: None) -> None:
    province = _actor(db, "lc.analyst", "analyst", "15")
    deadlines.set_schedule(
        db, province, units.find_by_code(db, "15"), cadence="monthly", due_day=20
    )
    db.commit()
    _monthly(
        db,
        _actor(db, "sapa.analyst", "analyst", SA_PA),
        SA_PA,
        "2026-10",
        datetime(2026, 10, 15, 3, tzinfo=UTC),
    )
    _monthly(
        db,
        _actor(db, "by.analyst", "analyst", BAO_YEN),
        BAO_YEN,
        "2026-10",
        datetime(2026, 10, 25, 3, tzinfo=UTC),
    )

    result = CliRunner().invoke(
        app,
        [
            "network",
            "board",
            "--unit",
            "15",
            "--cadence",
            "monthly",
            "--period",
            "2026-10",
            "--json",
        ],
    )

    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    states = {row["code"]: row["state"] for row in printed["units"]}
    assert states[SA_PA] == "on_time" and states[BAO_YEN] == "late"
    assert printed["due"] == "2026-10-20" and printed["counts"]["missing"] == len(states) - 2
    text = CliRunner().invoke(app, ["network", "board", "--unit", "15", "--period", "2026-10"])
    assert "Phường Sa Pa [03006]: on_time 2026-10-15" in text.output


def test_the_command_names_a_missing_schedule_and_a_bad_period(
    db: Session, cli_database: None
) -> None:
    no_schedule = CliRunner().invoke(
        app, ["network", "board", "--unit", "15", "--period", "2026-10"]
    )
    assert no_schedule.exit_code != 0 and "chưa đặt lịch nộp báo cáo" in no_schedule.output
    province = _actor(db, "lc.analyst", "analyst", "15")
    deadlines.set_schedule(
        db, province, units.find_by_code(db, "15"), cadence="monthly", due_day=20
    )
    db.commit()
    bad = CliRunner().invoke(app, ["network", "board", "--unit", "15", "--period", "10/2026"])
    assert bad.exit_code != 0 and "không đúng dạng" in bad.output
