"""The demo's collaborator network: gaps in coverage left by inactive collaborators, quiet ones
flagged, monthly reports on time and late with the other communes missing, urgent reports,
petitions with one overdue; loading again adds nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import User
from duluan.db.engine import session_factory, transaction
from duluan.demo import accounts
from duluan.demo import network as demo_network
from duluan.demo.plan import DemoPlan
from duluan.network import activity, coverage, deadlines, field_reports, petitions
from duluan.network.models import FieldReport

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
TODAY = date(2026, 11, 24)


def test_the_demo_network_has_gaps_late_and_missing_units_and_petitions(
    engine: Engine, db: Session
) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        accounts.ensure_accounts(session)
    plan = DemoPlan(factory, NOW, days=30, scale=0.1, secret="s" * 48)

    first = demo_network.load(plan)
    assert first["field_reports_new"] > 60 and first["petitions_new"] == 6
    assert demo_network.load(plan) == {"field_reports_new": 0, "petitions_new": 0}

    analyst = users.actor_for(db.scalars(select(User).where(User.username == "demo-analyst")).one())
    lao_cai = units.find_by_code(db, "15")
    found = coverage.matrix(db, analyst, lao_cai)
    short = {(t.locality_code, t.stratum, t.sector) for t in found.gaps()}
    assert ("02674", "", "") in short  # Cam Đường: one of three left
    assert ("04288", "religious", "") in short  # Nghĩa Lộ: its religious collaborator left
    flagged = [a for a in activity.activity(db, analyst, lao_cai, today=TODAY) if a.flagged]
    assert len(flagged) == 3

    schedule = deadlines.schedules(db, lao_cai)[0]
    board = deadlines.board(db, analyst, lao_cai, schedule, "2026-10", today=TODAY)
    counts = board.counts()
    assert counts["on_time"] >= 8 and counts["late"] >= 1 and counts["missing"] >= 80

    urgent = field_reports.listing(db, analyst, kind="urgent")
    assert len(urgent) == 3
    consolidated = db.scalar(select(func.count()).where(FieldReport.consolidated.is_(True)))
    assert consolidated == 1
    ctv = users.actor_for(db.scalars(select(User).where(User.username == "demo-ctv")).one())
    assert field_reports.listing(db, ctv)  # the collaborator's own reports
    overdue = petitions.listing(db, analyst, lao_cai, overdue_on=TODAY)
    assert len(overdue) >= 1
