"""Activity: reports per period, the share on time against the managing unit's schedule, the
last report, and collaborators quiet for N periods flagged."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.network import activity, deadlines, field_reports, roster
from duluan.network.field_reports import Draft, Stream
from duluan.network.roster import Contact, Place
from tests.conftest import make_user

SA_PA = "03006"


def _collaborator(db: Session, admin: Actor, name: str, joined: date) -> Actor:
    sa_pa = units.find_by_code(db, SA_PA)
    collaborator = roster.add(
        db, admin, sa_pa, Place("15", SA_PA, "economy", "farmers"), Contact(name), joined_on=joined
    )
    user = roster.create_login(
        db, admin, collaborator, f"ctv.{collaborator.id}", "mat-khau-ctv-2026"
    )
    db.commit()
    return users.actor_for(user)


def _monthly(db: Session, actor: Actor, period: str, at: datetime) -> None:
    report, _ = field_reports.submit(
        db,
        actor,
        units.find_by_code(db, SA_PA),
        Draft(
            instance_id=f"uuid:{actor.user_id}-{period}",
            kind="periodic",
            cadence="monthly",
            period=period,
            streams=(Stream("Bà con bàn chuyện mùa màng."),),
        ),
    )
    report.submitted_at = at
    db.commit()


def test_activity_counts_on_time_reports_and_flags_the_quiet(db: Session) -> None:
    admin = users.actor_for(make_user(db, "sapa.admin", "admin", SA_PA))
    deadlines.set_schedule(
        db,
        users.actor_for(make_user(db, "lc.admin", "admin", "15")),
        units.find_by_code(db, "15"),
        cadence="monthly",
        due_day=20,
    )  # the nearest schedule above Sa Pa
    steady = _collaborator(db, admin, "Vàng Thị Mai", date(2026, 1, 10))
    quiet = _collaborator(db, admin, "Sùng A Páo", date(2026, 1, 10))
    new = _collaborator(db, admin, "Lò Văn Hùng", date(2026, 10, 5))
    for month in ("05", "06", "07", "08", "09", "10"):
        day = 25 if month == "07" else 15  # July comes late
        _monthly(db, steady, f"2026-{month}", datetime(2026, int(month), day, 3, tzinfo=UTC))
    _monthly(db, quiet, "2026-07", datetime(2026, 7, 10, 3, tzinfo=UTC))

    found = {
        a.collaborator.user_id: a
        for a in activity.activity(
            db, admin, units.find_by_code(db, SA_PA), today=date(2026, 11, 24)
        )
    }

    steady_row = found[steady.user_id]
    assert (steady_row.periods, steady_row.reported, steady_row.on_time) == (6, 6, 5)
    assert steady_row.on_time_rate == 5 / 6 and not steady_row.flagged
    assert steady_row.last_report == datetime(2026, 10, 15, 3, tzinfo=UTC)
    quiet_row = found[quiet.user_id]
    assert (quiet_row.reported, quiet_row.quiet, quiet_row.flagged) == (1, 3, True)
    new_row = found[new.user_id]
    assert (new_row.periods, new_row.quiet, new_row.flagged) == (1, 1, False)  # joined in October
