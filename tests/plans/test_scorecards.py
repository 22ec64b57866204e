"""Scorecards: criteria with weights, scored from the platform's data (reports on time, coverage,
petitions answered) or by an inspector, and the weighted total."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, PermissionDenied
from duluan.network import coverage, deadlines, field_reports, petitions, roster
from duluan.network.field_reports import Draft, Stream
from duluan.network.roster import Contact, Place
from duluan.plans import scorecards
from tests.conftest import make_user

SA_PA = "03006"
TODAY = date(2026, 11, 24)


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def test_a_communes_scorecard_from_its_reports_coverage_petitions_and_an_inspector(
    db: Session,
) -> None:
    admin = _actor(db, "lc.admin", "admin", "15")
    ward = _actor(db, "sapa.analyst", "analyst", SA_PA)
    lao_cai, sa_pa = units.find_by_code(db, "15"), units.find_by_code(db, SA_PA)
    deadlines.set_schedule(db, admin, lao_cai, cadence="monthly", due_day=20)
    for month, day in ((9, 10), (10, 25)):  # September on time, October late
        report, _ = field_reports.submit(
            db,
            ward,
            sa_pa,
            Draft(
                instance_id=f"uuid:{month}",
                kind="periodic",
                cadence="monthly",
                period=f"2026-{month:02d}",
                streams=(Stream("Bà con bàn về giá cả."),),
            ),
        )
        report.submitted_at = datetime(2026, month, day, 3, tzinfo=UTC)
    roster.add(
        db, ward, sa_pa, Place("15", SA_PA, "economy", "farmers"), Contact("A"), joined_on=TODAY
    )
    coverage.set_target(db, ward, sa_pa, minimum=1)
    coverage.set_target(db, ward, sa_pa, stratum="youth", minimum=1)
    answered = petitions.add_petition(
        db, ward, sa_pa, petitions.PetitionDraft("Sửa đường", due_on=date(2026, 6, 1))
    )
    petitions.answer(db, ward, answered.id, "Đã sửa.", on=date(2026, 5, 20))
    petitions.add_petition(
        db, ward, sa_pa, petitions.PetitionDraft("Nước sạch", due_on=date(2026, 8, 1))
    )
    for code, source, weight in (
        ("bao_cao", "reports_on_time", 40),
        ("bao_phu", "coverage", 20),
        ("kien_nghi", "petitions_answered", 20),
        ("kiem_tra", "manual", 20),
    ):
        scorecards.set_criterion(
            db, admin, lao_cai, year=2026, code=code, title=code, weight=weight, source=source
        )
    inspected = scorecards.criteria(db, lao_cai, 2026)[-1]
    db.commit()

    card = scorecards.scorecard(db, admin, lao_cai, sa_pa, 2026, TODAY)
    assert card.total is None  # the inspector has not scored yet
    values = {line.criterion.code: (line.value, line.figure) for line in card.lines}
    # Monthly periods ended by 24 Nov 2026 with a deadline passed: Jan–Nov (11); one on time.
    assert values["bao_cao"] == (pytest.approx(100 / 11), "1/11")
    assert values["bao_phu"] == (50.0, "1/2")
    assert values["kien_nghi"] == (50.0, "1/2")

    scorecards.score(db, admin, inspected, sa_pa, 80, "Hồ sơ đầy đủ.")
    card = scorecards.scorecard(db, admin, lao_cai, sa_pa, 2026, TODAY)
    expected = (100 / 11 * 40 + 50 * 20 + 50 * 20 + 80 * 20) / 100
    assert card.total == pytest.approx(expected)
    assert card.to_json()["total"] == round(expected, 1)


def test_criteria_and_scores_are_checked(db: Session) -> None:
    admin = _actor(db, "lc.admin", "admin", "15")
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    lao_cai, sa_pa = units.find_by_code(db, "15"), units.find_by_code(db, SA_PA)

    with pytest.raises(PermissionDenied):
        scorecards.set_criterion(db, analyst, lao_cai, year=2026, code="a", title="A", weight=10)
    with pytest.raises(BadInput):
        scorecards.set_criterion(db, admin, lao_cai, year=2026, code="a", title="A", weight=0)
    with pytest.raises(BadInput):
        scorecards.set_criterion(
            db, admin, lao_cai, year=2026, code="a", title="A", weight=10, source="luck"
        )
    computed = scorecards.set_criterion(
        db, admin, lao_cai, year=2026, code="b", title="B", weight=10, source="coverage"
    )
    manual = scorecards.set_criterion(db, admin, lao_cai, year=2026, code="c", title="C", weight=10)
    with pytest.raises(BadInput) as by_hand:
        scorecards.score(db, admin, computed, sa_pa, 50, "")
    assert by_hand.value.key == "plans.errors.computed_criterion"
    with pytest.raises(BadInput):
        scorecards.score(db, admin, manual, sa_pa, 101, "")
    with pytest.raises(BadInput) as itself:
        scorecards.score(db, admin, manual, lao_cai, 50, "")
    assert itself.value.key == "plans.errors.not_scored_unit"
