"""The demo's survey: a Lào Cai survey collecting, with responses from three channels checked
and stored through the real path, a few made to be flagged; loading again adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from duluan.db.engine import session_factory, transaction
from duluan.demo import LABEL, accounts
from duluan.demo import surveys as demo_surveys
from duluan.demo.plan import DemoPlan
from duluan.surveys import monitoring, quality
from duluan.surveys.models import Response, Survey

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_the_demo_survey_is_collecting_with_responses_to_review(
    engine: Engine, db: Session
) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        accounts.ensure_accounts(session)
    plan = DemoPlan(factory, NOW, days=30, scale=0.1, secret="s" * 48)

    assert demo_surveys.load(plan) == {"survey_responses_new": demo_surveys.RESPONSES}
    assert demo_surveys.load(plan) == {"survey_responses_new": 0}

    survey = db.scalars(select(Survey)).one()
    assert survey.title.startswith(LABEL) and survey.status == "open"
    responses = db.scalars(select(Response)).all()
    assert {r.channel for r in responses} == {"web", "odk", "paper"}
    assert all(r.answers["tinh"] == "15" and "nhom_tuoi" in r.answers for r in responses)
    assert all((NOW - r.received_at).days < demo_surveys.DAYS for r in responses)
    quality.refresh(db, survey)
    flags = Counter(f for r in responses for f in r.flags)
    assert flags["too_short"] >= 3 and flags["straight_lining"] >= 3 and flags["duplicate"] == 1
    figures = monitoring.fieldwork(db, survey)
    assert {q.value: q.reached for q in figures.quotas}["nam"] > 50
