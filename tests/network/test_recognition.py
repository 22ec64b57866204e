"""The yearly recognition summary (trainings attended, reports sent, monthly reports on time over
one year, per collaborator and per managing unit), its files without names, and the overview
figures of a unit's network."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl  # type: ignore[import-untyped]
import pytest
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.errors import BadInput
from duluan.network import activity, coverage, deadlines, recognition, roster, summary
from tests.conftest import make_user
from tests.network.test_activity import _collaborator, _monthly

SA_PA = "03006"
TODAY = date(2026, 11, 24)


def test_the_year_counts_trainings_reports_and_punctuality(db: Session) -> None:
    lc_admin = users.actor_for(make_user(db, "lc.admin", "admin", "15"))
    admin = users.actor_for(make_user(db, "sapa.admin", "admin", SA_PA))
    deadlines.set_schedule(
        db, lc_admin, units.find_by_code(db, "15"), cadence="monthly", due_day=20
    )
    steady = _collaborator(db, admin, "Vàng Thị Mai", date(2025, 6, 1))
    paused = _collaborator(db, admin, "Sùng A Páo", date(2026, 3, 1))
    left = _collaborator(db, admin, "Lò Văn Hùng", date(2026, 1, 1))
    _monthly(db, steady, "2025-12", datetime(2025, 12, 10, tzinfo=UTC))  # last year's
    _monthly(db, steady, "2026-09", datetime(2026, 9, 15, tzinfo=UTC))  # on time
    _monthly(db, steady, "2026-10", datetime(2026, 10, 28, tzinfo=UTC))  # late
    _monthly(db, paused, "2026-04", datetime(2026, 4, 2, tzinfo=UTC))
    roster_of = {c.user_id: c for c in roster.roster(db, admin, units.find_by_code(db, SA_PA))}
    roster.set_status(db, admin, roster_of[paused.user_id], "paused", on=date(2026, 6, 1))
    roster.set_status(db, admin, roster_of[left.user_id], "left", on=date(2026, 6, 1))
    sa_pa = units.find_by_code(db, SA_PA)
    roster.add_training(
        db,
        admin,
        sa_pa,
        title="Tập huấn",
        held_on=date(2026, 2, 1),
        attendees=[roster_of[steady.user_id].id, roster_of[left.user_id].id],
    )
    roster.add_training(db, admin, sa_pa, title="Năm trước", held_on=date(2025, 7, 1), attendees=[])
    db.commit()

    found = recognition.yearly(db, lc_admin, units.find_by_code(db, "15"), 2026, today=TODAY)

    figures = {c.user_id: f for c, f in found.collaborators}
    assert left.user_id not in figures  # those who left are not recognised
    assert figures[steady.user_id] == recognition.Figures(1, 2, 0, 10, 1)  # Jan–Oct counted
    assert figures[paused.user_id] == recognition.Figures(0, 1, 0, 8, 1)  # from March
    assert figures[steady.user_id].on_time_rate == pytest.approx(0.1)
    (line,) = found.units
    assert (line.unit.code, line.collaborators, line.trainings_held) == (SA_PA, 2, 1)
    assert line.figures == recognition.Figures(1, 3, 0, 18, 2)

    last_year = recognition.yearly(db, lc_admin, units.find_by_code(db, "15"), 2025, today=TODAY)
    assert [(c.user_id, f.periodic, f.periods) for c, f in last_year.collaborators] == [
        (steady.user_id, 1, 7)  # June to December 2025; the others joined in 2026
    ]

    rows = list(csv.reader(io.StringIO(recognition.to_csv(db, found).decode("utf-8-sig"))))
    assert rows[0][:4] == ["CTV", "Địa bàn", "Lĩnh vực", "Tầng lớp"]
    steady_id = roster_of[steady.user_id].id
    assert rows[1][:4] == [f"CTV #{steady_id}", "Phường Sa Pa", "Kinh tế, việc làm", "Nông dân"]
    assert rows[1][-1] == "10.0"
    book = openpyxl.load_workbook(io.BytesIO(recognition.to_xlsx(db, found)))
    assert list(book["Đơn vị"].values)[2] == ("Phường Sa Pa", 2, 1, 1, 3, 0, 18, 2, 11.1)
    everything = " ".join(str(v) for sheet in book for row in sheet.values for v in row)
    assert "Vàng" not in everything and "Sùng" not in everything


def test_a_year_is_checked(db: Session) -> None:
    assert recognition.check_year("", TODAY) == 2026
    assert recognition.check_year(" 2025 ", TODAY) == 2025
    for bad in ("2027", "1999", "năm nay", "-1"):
        with pytest.raises(BadInput):
            recognition.check_year(bad, TODAY)


def test_activity_of_every_status_and_the_overview_figures(db: Session) -> None:
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    lao_cai = units.find_by_code(db, "15")
    made = [
        roster.add(
            db,
            analyst,
            lao_cai,
            roster.Place("15", commune, "economy", stratum),
            roster.Contact("X"),
            joined_on=date(2026, 10, 1),
        )
        for commune, stratum in ((SA_PA, "farmers"), (SA_PA, "youth"), ("", "farmers"))
    ]
    roster.set_status(db, analyst, made[1], "paused", on=date(2026, 11, 1))
    coverage.set_target(db, analyst, lao_cai, locality_code=SA_PA, minimum=3)
    db.commit()

    assert len(activity.activity(db, analyst, lao_cai, today=TODAY)) == 2
    assert len(activity.activity(db, analyst, lao_cai, today=TODAY, status=None)) == 3

    found = summary.summary(db, analyst, lao_cai, today=TODAY)
    # The province's own row counts those covering all of it; it is not a commune to reach.
    assert (found.active, found.covered, found.ground) == (2, 1, 99)
    assert found.targets_unmet == 1 and found.flagged == 0  # one ended month: not yet quiet
    assert [(s.code, s.count) for s in found.by_stratum][:2] == [("workers", 0), ("farmers", 2)]
    assert SA_PA not in {loc.code for loc in summary.uncovered(found.coverage)}
