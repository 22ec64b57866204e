"""The demo's cases: the older hotspots handled as an office would (one closed with every step
done, one in progress), each grouping all of its hotspot's alerts; loading again adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from duluan.db.engine import session_factory, transaction
from duluan.demo import accounts
from duluan.demo import cases as demo_cases
from duluan.demo.plan import DemoPlan
from duluan.warning import cases
from duluan.warning.models import Alert, HotspotCase
from tests.warning.test_alerts import add_alert

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_demo_cases_follow_their_playbooks_once(engine: Engine, db: Session) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        accounts.ensure_accounts(session)
    flood = [
        add_alert(db, topic="disaster_epidemic"),
        add_alert(db, topic="disaster_epidemic", detector="negative_share", observed=0.7),
    ]
    pollution = add_alert(db, topic="environment")
    add_alert(db, topic="land_projects")  # the latest hotspot: left for the user
    plan = DemoPlan(factory, NOW, days=30, scale=0.1, secret="s" * 48)

    assert demo_cases.load(plan) == {"cases_new": 2}
    assert demo_cases.load(plan) == {"cases_new": 0}

    db.expire_all()
    closed, open_case = db.scalars(select(HotspotCase).order_by(HotspotCase.id)).all()
    assert closed.status == "closed" and closed.summary
    assert all(step.state == "done" for step in closed.steps)
    assert {a.id for a in cases.linked_alerts(db, closed)} == {a.id for a in flood}
    assert open_case.status == "in_progress"
    assert [s.state for s in open_case.steps][:2] == ["done", "todo"]
    assert [a.id for a in cases.linked_alerts(db, open_case)] == [pollution.id]
    states = dict(
        db.execute(select(Alert.topic, Alert.state).where(Alert.topic == "land_projects")).all()
    )
    assert states == {"land_projects": "open"}
