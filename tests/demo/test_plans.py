"""The demo plan of Lào Cai: tasks from the seed plans' structure with every kind of deadline,
some done, some overdue, one due soon; scorecards for the province and two wards; loading again
adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import User
from duluan.db.engine import session_factory, transaction
from duluan.demo import accounts
from duluan.demo import plans as demo_plans
from duluan.demo.plan import DemoPlan
from duluan.plans import dashboard, scorecards, service
from duluan.plans.models import Plan, Score, Task, TaskNote
from tests.conftest import make_user

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
TODAY = date(2026, 11, 24)


def _load(engine: Engine, now: datetime = NOW) -> dict[str, int]:
    factory = session_factory(engine)
    with transaction(factory) as session:
        accounts.ensure_accounts(session)
    return demo_plans.load(DemoPlan(factory, now, days=30, scale=0.1, secret="s" * 48))


def test_the_demo_plan_has_overdue_done_and_regular_tasks_and_scorecards(
    engine: Engine, db: Session
) -> None:
    assert _load(engine) == {"plan_tasks_new": 11}
    assert _load(engine) == {"plan_tasks_new": 0}  # idempotent
    assert db.scalar(select(func.count()).select_from(Plan)) == 1
    assert db.scalar(select(func.count()).select_from(Task)) == 11
    notes = db.scalar(select(func.count()).select_from(TaskNote))
    assert db.scalar(select(func.count()).select_from(Score)) == 5

    analyst = users.actor_for(db.scalars(select(User).where(User.username == "demo-analyst")).one())
    plan = service.plans(db, analyst)[0]
    assert plan.title.startswith("[Mô phỏng] Kế hoạch thực hiện Chỉ thị số 47-CT/TW")
    tasks = service.tasks_of(db, plan)
    kinds = {t.deadline_kind for t in tasks}
    assert {"date", "month", "quarter", "half_year", "year", "regular", "by_guidance"} <= kinds
    states = Counter(dashboard.state_of(t, TODAY) for t in tasks)
    assert states["done"] == 3 and states["overdue"] == 3 and states["due_soon"] == 1
    assert states["open"] == 4  # the current quarter, the years' range and the regular ones
    sa_pa = units.find_by_code(db, "03006")
    assert [t.code for t in tasks if t.lead_unit_id == sa_pa.id] == ["3.1"]
    assert notes is not None and notes >= 10

    lao_cai = units.find_by_code(db, "15")
    card = scorecards.scorecard(db, analyst, lao_cai, sa_pa, 2026, TODAY)
    assert len(card.lines) == 5 and card.total is not None
    lines = {line.criterion.code: line for line in card.lines}
    assert lines["kiem_tra"].value == 85 and "dân tộc thiểu số" in lines["kiem_tra"].note
    province = scorecards.scorecard(db, analyst, units.root(db), lao_cai, 2026, TODAY)
    assert province.total is not None and len(province.lines) == 4
    overview = dashboard.summary(db, analyst, TODAY)
    assert overview.counts["overdue"] == 3


def test_a_later_year_gets_its_own_plan_and_the_ward_sees_the_plan(
    engine: Engine, db: Session
) -> None:
    _load(engine)
    assert _load(engine, datetime(2027, 2, 10, 3, tzinfo=UTC)) == {"plan_tasks_new": 11}
    ward = users.actor_for(make_user(db, "sapa.analyst", "analyst", "03006"))
    titles = [p.title for p in service.plans(db, ward)]
    assert len(titles) == 2 and titles[0].endswith("năm 2027")
