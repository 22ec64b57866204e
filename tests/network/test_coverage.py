"""Coverage: active collaborators by locality × sector × stratum against the unit's targets, the
gaps, and the same matrix printed by `duluan network coverage --json`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.cli import app
from duluan.errors import BadInput, PermissionDenied
from duluan.network import coverage, roster
from duluan.network.roster import Contact, Place
from tests.conftest import make_user

SA_PA, BAO_YEN = "03006", "02947"


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _network(db: Session, actor: Actor) -> list[int]:
    """Sa Pa: two farmers and a youth; Bảo Yên: one farmer, who has left."""
    lao_cai = units.find_by_code(db, "15")
    made = [
        roster.add(
            db,
            actor,
            lao_cai,
            Place("15", commune, "economy", stratum),
            Contact("X"),
            joined_on=date(2026, 1, 1),
        )
        for commune, stratum in (
            (SA_PA, "farmers"),
            (SA_PA, "farmers"),
            (SA_PA, "youth"),
            (BAO_YEN, "farmers"),
        )
    ]
    roster.set_status(db, actor, made[-1], "left", on=date(2026, 8, 1))
    db.commit()
    return [c.id for c in made]


def test_the_matrix_counts_active_collaborators_and_shows_the_gap_an_inactive_one_leaves(
    db: Session,
) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    _network(db, analyst)
    lao_cai = units.find_by_code(db, "15")
    coverage.set_target(db, analyst, lao_cai, stratum="farmers", minimum=1)  # every locality
    coverage.set_target(db, analyst, lao_cai, locality_code=SA_PA, minimum=4)
    db.commit()

    found = coverage.matrix(db, analyst, lao_cai)

    assert found.localities[0].code == "15" and len(found.localities) == 1 + 99
    assert found.count(SA_PA) == 3 and found.count(SA_PA, stratum="farmers") == 2
    assert found.count(BAO_YEN) == 0  # the one who left no longer counts
    assert found.cell_gap(BAO_YEN, stratum="farmers") == 1
    assert found.cell_gap(SA_PA, stratum="farmers") == 0
    assert found.cell_gap(SA_PA) == 1  # 3 of 4
    gaps = {(t.locality_code, t.stratum): t.gap for t in found.gaps()}
    assert gaps[(BAO_YEN, "farmers")] == 1 and gaps[(SA_PA, "")] == 1
    assert len(gaps) == 100 - 1 + 1  # every locality but Sa Pa lacks a farmer; Sa Pa lacks one


def test_targets_are_checked_and_zero_removes_one(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    leader = _actor(db, "lc.leader", "leader", "15")
    lao_cai = units.find_by_code(db, "15")

    with pytest.raises(BadInput) as outside:
        coverage.set_target(db, analyst, lao_cai, locality_code="00070", minimum=1)
    assert outside.value.key == "network.errors.locality_unknown"
    with pytest.raises(BadInput):
        coverage.set_target(db, analyst, lao_cai, stratum="astrologers", minimum=1)
    with pytest.raises(BadInput):
        coverage.set_target(db, analyst, lao_cai, minimum=-1)
    with pytest.raises(PermissionDenied):
        coverage.set_target(db, leader, lao_cai, minimum=1)

    coverage.set_target(db, analyst, lao_cai, sector="economy", minimum=2)
    coverage.set_target(db, analyst, lao_cai, sector="economy", minimum=3)
    assert [t.minimum for t in coverage.targets(db, lao_cai)] == [3]
    coverage.set_target(db, analyst, lao_cai, sector="economy", minimum=0)
    assert coverage.targets(db, lao_cai) == []


def test_the_command_prints_the_same_matrix(db: Session, cli_database: None) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    _network(db, analyst)
    lao_cai = units.find_by_code(db, "15")
    coverage.set_target(db, analyst, lao_cai, locality_code=BAO_YEN, stratum="farmers", minimum=1)
    db.commit()

    result = CliRunner().invoke(app, ["network", "coverage", "--unit", "15", "--json"])

    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == coverage.matrix(db, analyst, lao_cai).to_json()
    assert printed["active_collaborators"] == 3 and printed["gaps"] == 1
    assert {"locality": SA_PA, "sector": "economy", "stratum": "farmers", "count": 2} in printed[
        "cells"
    ]
    assert printed["targets"] == [
        {
            "locality": BAO_YEN,
            "locality_name": "Xã Bảo Yên",
            "sector": "",
            "stratum": "farmers",
            "minimum": 1,
            "count": 0,
            "gap": 1,
        }
    ]
    text = CliRunner().invoke(app, ["network", "coverage", "--unit", "15"])
    assert "Xã Bảo Yên [farmers]: 0/1" in text.output
    unknown = CliRunner().invoke(app, ["network", "coverage", "--unit", "ZZ"])
    assert unknown.exit_code != 0
