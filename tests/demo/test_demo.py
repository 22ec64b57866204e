"""The demo data set: loaded through the real pipeline, labelled, with alerts for its hotspots,
and loaded only once however often one asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duluan.analysis.emerging_store import EmergingCluster
from duluan.analysis.taxonomy import DEFAULT_TOPICS
from duluan.auth import units
from duluan.auth.models import OrgUnit, User
from duluan.db.engine import session_factory
from duluan.demo import LABEL, accounts, corpus, listening
from duluan.demo.hotspots import HOTSPOTS
from duluan.demo.plan import DemoPlan
from duluan.demo.service import load_demo
from duluan.errors import BadInput, Conflict
from duluan.ingest import sources
from duluan.ingest.dates import VIETNAM_TIME
from duluan.ingest.models import Document, DocumentTopic, Enrichment, Source
from duluan.warning.models import Alert

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # 16:30 in Vietnam
DAYS, SCALE = 30, 0.3  # small: the baseline the detectors need, and a few seconds of loading
SECRET = "s" * 48


def test_the_same_day_gives_the_same_texts() -> None:
    day = NOW.date() - timedelta(days=3)
    first = corpus.day_texts(day, scale=1.0, now=NOW)
    again = corpus.day_texts(day, scale=1.0, now=NOW)
    later = corpus.day_texts(day, scale=1.0, now=NOW + timedelta(days=5))

    assert first == again == later
    assert len({t.external_id for t in first}) == len(first)


def test_days_follow_the_week_and_hours_the_evening() -> None:
    monday = datetime(2026, 11, 2, tzinfo=UTC).date()
    weeks = [corpus.day_texts(monday + timedelta(days=d), scale=3.0, now=NOW) for d in range(28)]
    by_weekday = [sum(len(weeks[d]) for d in range(w, 28, 7)) for w in range(7)]
    hours = [0] * 24
    for texts in weeks:
        for text in texts:
            hours[text.published_at.astimezone(VIETNAM_TIME).hour] += 1

    weekdays = sum(by_weekday[:5]) / 5
    assert by_weekday[5] < 0.95 * weekdays and by_weekday[6] < 0.85 * weekdays  # quieter weekends
    assert sum(hours[19:22]) > 3 * sum(hours[0:5])  # evenings busy, nights quiet


def test_demo_loads_through_the_pipeline_with_an_alert_for_the_latest_hotspot(
    engine: Engine, db: Session
) -> None:
    factory = session_factory(engine)

    summary = load_demo(factory, now=NOW, days=DAYS, scale=SCALE, secret=SECRET)

    stored = db.scalar(select(func.count()).select_from(Document))
    assert summary.counts["documents_new"] == stored
    assert stored is not None and stored > 250
    assert summary.counts["documents_already_stored"] == 0
    # Labelled: every source is the demo's, and says so.
    names = db.scalars(select(Source.name)).all()
    assert names and all(name.startswith(LABEL) for name in names)
    assert accounts.holds_demo_data(db)
    # Topics: the texts really match the taxonomy's queries.
    topics = set(db.scalars(select(DocumentTopic.topic).distinct()))
    assert len(topics & {t.code for t in DEFAULT_TOPICS}) >= 14
    # Lào Cai leads the provinces.
    by_province = db.execute(
        select(Enrichment.province_code, func.count())
        .group_by(Enrichment.province_code)
        .order_by(func.count().desc())
    ).all()
    assert by_province[0][0] == "15"
    assert {"01", "79"} <= {code for code, _ in by_province}
    # The fake phone numbers were masked, and no author handle was stored.
    texts = " ".join(db.scalars(select(Document.text)))
    assert "[SĐT]" in texts
    assert all(phone not in texts for phone in ("0912 000 111", "0988.000.222"))
    assert "nguoi-dung-mo-phong" not in texts
    assert db.scalar(select(func.count()).where(Document.pii_masked.is_(True))) > 0
    # An open alert on land in Lào Cai, within the latest hotspot, owned by the Lào Cai unit.
    latest = HOTSPOTS[0]
    lao_cai = units.find_by_code(db, "15")
    alerts = db.scalars(
        select(Alert).where(Alert.topic == latest.topic, Alert.province_code == "15")
    ).all()
    start = latest.start(NOW.date())
    assert any(
        a.state == "open" and a.unit_id == lao_cai.id and a.window_end > start for a in alerts
    )
    # The complaints no topic names make an emerging issue.
    labels = db.scalars(select(EmergingCluster.label).where(EmergingCluster.active.is_(True)))
    assert any("chó thả rông" in label for label in labels)
    # The demo accounts exist, over Lào Cai (the collaborator over one of its wards).
    for account in accounts.ACCOUNTS:
        user = db.scalar(select(User).where(User.username == account.username))
        assert user is not None
        assert user.grants[0].unit.code == account.unit_code
        assert user.grants[0].unit.path.startswith(lao_cai.path)
    db.rollback()

    again = load_demo(factory, now=NOW, days=DAYS, scale=SCALE, secret=SECRET)

    assert again.counts["documents_new"] == 0
    assert again.counts["documents_already_stored"] == stored
    assert again.counts["alerts_new"] == 0
    assert again.accounts_created == []
    assert db.scalar(select(func.count()).select_from(Document)) == stored

    later = NOW + timedelta(hours=6)  # the same day in Vietnam: only what was published since
    since = [
        t for t in listening.texts(DemoPlan(factory, later, DAYS, SCALE)) if t.published_at > NOW
    ]
    assert since
    assert load_demo(factory, now=later, days=DAYS, scale=SCALE, secret=SECRET).counts[
        "documents_new"
    ] == len(since)


def test_demo_refuses_a_database_with_real_sources(engine: Engine, db: Session) -> None:
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == "15"))
    assert unit is not None
    sources.add_source(db, None, unit=unit, kind="import", name="Báo Lào Cai (thật)")
    db.commit()

    with pytest.raises(Conflict) as refused:
        load_demo(session_factory(engine), now=NOW, days=DAYS, scale=SCALE, secret=SECRET)

    assert refused.value.key == "demo.real_data"
    assert db.scalar(select(func.count()).select_from(Document)) == 0
    assert db.scalar(select(User.id).where(User.username == "demo-admin")) is None


@pytest.mark.parametrize(("days", "scale"), [(7, 1.0), (90, 0.0), (90, 100.0)])
def test_demo_refuses_sizes_it_cannot_honour(engine: Engine, days: int, scale: float) -> None:
    with pytest.raises(BadInput):
        load_demo(session_factory(engine), now=NOW, days=days, scale=scale, secret=SECRET)
