"""The roll-up through the hierarchy: a province sees its communes' reports for a period,
aggregated by topic, locality and tone; its analysts pick representative quotes and forward a
consolidated report, which counts on the parent's board."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.network import deadlines, field_reports, rollup
from duluan.network.field_reports import Draft, Stream
from tests.conftest import make_user

SA_PA, BAO_YEN = "03006", "02947"


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _reports(db: Session) -> None:
    sa_pa, bao_yen = _actor(db, "sapa", "analyst", SA_PA), _actor(db, "baoyen", "analyst", BAO_YEN)
    field_reports.submit(
        db,
        sa_pa,
        units.find_by_code(db, SA_PA),
        Draft(
            instance_id="uuid:sapa-10",
            kind="periodic",
            cadence="monthly",
            period="2026-10",
            streams=(
                Stream(
                    "Khách du lịch đông, giá phòng tăng.", "many", "positive", "economy_livelihood"
                ),
                Stream("Lo rác thải ở suối Mường Hoa.", "some", "negative", "environment"),
            ),
        ),
    )
    field_reports.submit(
        db,
        bao_yen,
        units.find_by_code(db, BAO_YEN),
        Draft(
            instance_id="uuid:baoyen-urgent",
            kind="urgent",
            title="Lũ quét tại thôn Khuổi Phéc",
            occurred_on=date(2026, 10, 12),
            streams=(
                Stream(
                    "Dân lo thiếu nước sạch sau lũ.", "widespread", "negative", "disaster_epidemic"
                ),
            ),
        ),
    )
    field_reports.submit(  # another month: not in the roll-up
        db,
        bao_yen,
        units.find_by_code(db, BAO_YEN),
        Draft(
            instance_id="uuid:baoyen-09",
            kind="periodic",
            cadence="monthly",
            period="2026-09",
            streams=(Stream("Bà con hỏi về giá lúa.", "some", "neutral", "economy_livelihood"),),
        ),
    )
    db.commit()


def test_a_province_sees_its_communes_reports_aggregated(db: Session) -> None:
    _reports(db)
    province = _actor(db, "lc.leader", "leader", "15")

    found = rollup.rollup(db, province, units.find_by_code(db, "15"), "monthly", "2026-10")

    assert len(found.reports) == 2 and len(found.streams) == 3
    assert found.by_tone == {"negative": 2, "positive": 1}
    assert found.by_locality == {SA_PA: 2, BAO_YEN: 1}
    assert found.by_topic["environment"] == 1 and found.by_topic["disaster_epidemic"] == 1
    hanoi = _actor(db, "hn.analyst", "analyst", "01")
    with pytest.raises(PermissionDenied):
        rollup.rollup(db, hanoi, units.find_by_code(db, "15"), "monthly", "2026-10")


def test_picked_quotes_make_the_consolidated_report_which_counts_one_level_up(
    db: Session,
) -> None:
    _reports(db)
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    leader = _actor(db, "lc.leader", "leader", "15")
    lao_cai = units.find_by_code(db, "15")
    streams = rollup.rollup(db, analyst, lao_cai, "monthly", "2026-10").streams
    water = next(s for s in streams if "nước sạch" in s.content)

    with pytest.raises(PermissionDenied):
        rollup.pick(db, leader, water.id, True)
    with pytest.raises(NotFound):
        rollup.pick(db, _actor(db, "hn.analyst", "analyst", "01"), water.id, True)
    rollup.pick(db, analyst, water.id, True)
    report = rollup.consolidate(
        db, analyst, lao_cai, "monthly", "2026-10", proposals="Hỗ trợ nước sạch cho Bảo Yên."
    )
    report.submitted_at = datetime(2026, 10, 19, 2, 0, tzinfo=UTC)
    db.commit()

    copies = field_reports.streams_of(db, [report.id])[report.id]
    assert report.consolidated and report.unit_id == lao_cai.id
    assert [(c.content, c.source_stream_id) for c in copies] == [(water.content, water.id)]
    assert rollup.consolidate(db, analyst, lao_cai, "monthly", "2026-10").id == report.id
    root = units.find_by_code(db, "TW")
    centre = _actor(db, "tw.analyst", "analyst", "TW")
    schedule = deadlines.set_schedule(db, centre, root, cadence="monthly", due_day=20)
    board = deadlines.board(db, centre, root, schedule, "2026-10", today=date(2026, 11, 1))
    assert next(r for r in board.rows if r.unit.code == "15").state == "on_time"
    assert next(r for r in board.rows if r.unit.code == "01").state == "missing"


def test_nothing_to_consolidate_is_said_plainly(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    with pytest.raises(BadInput) as error:
        rollup.consolidate(db, analyst, units.find_by_code(db, "15"), "monthly", "2026-10")
    assert error.value.key == "network.errors.streams_required"
