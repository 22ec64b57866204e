"""The report list's filters in the service: by locality, by topic (of the report or one of its
streams) and by tone (of one of its streams), the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.network import field_reports
from duluan.network.field_reports import Draft, Stream
from tests.network.test_deadlines import BAO_YEN, SA_PA, _actor


def test_reports_are_narrowed_by_locality_topic_and_tone(db: Session) -> None:
    sa_pa = _actor(db, "sapa.analyst", "analyst", SA_PA)
    bao_yen = _actor(db, "by.analyst", "analyst", BAO_YEN)
    province = _actor(db, "lc.analyst", "analyst", "15")
    land, _ = field_reports.submit(
        db,
        sa_pa,
        units.find_by_code(db, SA_PA),
        Draft(
            instance_id="uuid:land",
            kind="periodic",
            cadence="monthly",
            period="2026-10",
            topics=("land_projects",),
            streams=(Stream("Dân bức xúc về đền bù.", tone="negative"),),
        ),
    )
    health, _ = field_reports.submit(
        db,
        bao_yen,
        units.find_by_code(db, BAO_YEN),
        Draft(
            instance_id="uuid:health",
            kind="periodic",
            cadence="monthly",
            period="2026-10",
            streams=(Stream("Trạm y tế mới được khen.", tone="positive", topic="healthcare"),),
        ),
    )
    db.commit()

    def ids(**filters: str) -> set[int]:
        return {r.id for r in field_reports.listing(db, province, **filters)}  # type: ignore[arg-type]

    assert ids(locality=SA_PA) == {land.id} and ids(locality="15") == {land.id, health.id}
    assert ids(topic="land_projects") == {land.id}
    assert ids(topic="healthcare") == {health.id}  # the stream's topic
    assert ids(topic="land") == set()  # a whole code, not a part of one
    assert ids(tone="negative") == {land.id} and ids(tone="mixed") == set()
    assert ids(tone="positive", locality=BAO_YEN) == {health.id}
