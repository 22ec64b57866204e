from sqlalchemy.orm import Session

from duluan.auth import audit, units, users
from tests.conftest import make_user


def test_admins_read_events_within_their_scope_only(db: Session) -> None:
    root_admin = users.actor_for(make_user(db, "root.admin", "admin", "TW"))
    lc_admin = users.actor_for(make_user(db, "lc.admin", "admin", "15"))
    make_user(db, "hn.analyst", "analyst", "01")
    audit.record(db, actor=None, actor_name="ghost", action="login.failed", target="ghost")
    audit.record(
        db,
        actor=lc_admin,
        action="unit.created",
        target="15-X",
        unit_id=units.find_by_code(db, "15").id,
    )
    db.commit()

    seen_by_root = {e.target for e in audit.list_events(db, actor=root_admin)}
    seen_by_province = {e.target for e in audit.list_events(db, actor=lc_admin)}
    assert {"ghost", "15-X", "hn.analyst", "lc.admin"} <= seen_by_root
    assert seen_by_province == {"15-X", "lc.admin"}  # no Hà Nội, no events without a unit


def test_filter_by_action(db: Session) -> None:
    root_admin = users.actor_for(make_user(db, "root.admin", "admin", "TW"))
    make_user(db, "lc.analyst", "analyst", "15")
    events = audit.list_events(db, actor=root_admin, action="user.created")
    assert {e.target for e in events} == {"root.admin", "lc.analyst"}
