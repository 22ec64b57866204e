"""Emerging topics: issues recovered from SYNTHETIC posts with readable labels, the same result on
every run, and over stored documents: unclassified only, near-copies once, identity kept across
runs, results within scope."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.analysis import emerging, emerging_store
from duluan.analysis.emerging import Entry
from duluan.analysis.emerging_store import EmergingCluster, EmergingClusterDocument
from duluan.analysis.emerging_synthetic import EVERYDAY, ISSUES, generate
from duluan.auth import units, users
from duluan.cli import app
from duluan.db.engine import session_factory
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.models import Document, DocumentTopic, Enrichment
from duluan.ingest.service import store_items
from duluan.jobs import registry
from duluan.jobs.schedule import Submission, hourly
from tests.conftest import make_user

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
PARKING = ISSUES["parking_fees"]
WATER = ISSUES["water_cut"]


def test_an_issue_that_is_most_of_a_small_pool_is_still_found() -> None:
    """A quiet unit's unclassified posts of three days may be a dozen, most about the issue of
    the hour: its phrases are not taken for background."""
    synthetic = generate(noise=6, per_issue=12, seed=3)  # SYNTHETIC posts, five issues
    parking = [e for e in synthetic.entries if synthetic.truth[e.id] == "parking_fees"]
    noise = [e for e in synthetic.entries if synthetic.truth[e.id] is None]

    groups = emerging.cluster(parking + noise)

    assert len(groups) == 1
    assert {synthetic.truth[m] for m in groups[0].members} == {"parking_fees"}
    assert len(groups[0].members) >= 10


def _purity_and_recall(groups: Sequence[emerging.Group], truth: dict[int, str | None]) -> dict:
    found = {}
    for group in groups:
        issue, n = Counter(truth[m] for m in group.members).most_common(1)[0]
        found[issue] = (n / len(group.members), n)
    return found


def test_known_issues_are_recovered_from_synthetic_posts_with_readable_labels() -> None:
    synthetic = generate(noise=1_500, per_issue=30, seed=11)  # SYNTHETIC posts

    groups = emerging.cluster(synthetic.entries)

    found = _purity_and_recall(groups, synthetic.truth)
    assert set(found) == set(ISSUES)  # one group per issue, none made of noise
    for issue, (purity, recovered) in found.items():
        assert purity >= 0.95, issue
        assert recovered >= 0.8 * 30, issue
    labels = {_issue(g, synthetic.truth): g.label for g in groups}
    assert "chó thả rông" in labels["stray_dogs"]  # whole expressions, with their diacritics
    assert "phường Kim Tân" in labels["water_cut"] or "mất nước sinh hoạt" in labels["water_cut"]
    for label in labels.values():
        phrases = label.split(" · ")
        assert 2 <= len(phrases) <= emerging.LABEL_PHRASES
        assert any(ch not in "abcdefghijklmnopqrstuvwxyz " for ch in label.lower())


def _issue(group: emerging.Group, truth: dict[int, str | None]) -> str | None:
    return Counter(truth[m] for m in group.members).most_common(1)[0][0]


def test_the_same_posts_give_the_same_groups_whatever_their_order() -> None:
    synthetic = generate(noise=600, per_issue=15, seed=3)
    shuffled = list(synthetic.entries)
    random.Random(1).shuffle(shuffled)  # noqa: S311 - reproducible test data

    assert emerging.cluster(synthetic.entries) == emerging.cluster(shuffled)


def test_a_fixed_expression_alone_is_not_an_issue() -> None:
    texts = [f"Mua thịt trâu gác bếp ở chợ phiên số {i}." for i in range(20)]
    texts += [f"Quán cà phê, trời mưa, bóng đá số {i}." for i in range(20)]

    groups = emerging.cluster([Entry(i, text) for i, text in enumerate(texts)])

    assert all("gác bếp" not in g.label or "chợ phiên" in g.label for g in groups)
    assert all(len(g.label.split(" · ")) >= 2 for g in groups)


# --- over stored documents -------------------------------------------------------------------


def _post(issue: Sequence[str], k: int) -> str:
    rng = random.Random(k)  # noqa: S311 - reproducible test data
    return ", ".join(rng.sample(list(issue), 4)) + "."


def store(
    db: Session,
    unit: str,
    texts: Sequence[str],
    at: datetime,
    *,
    topics: Sequence[str] = ("other",),
    province: str | None = "15",
    copies_of: Document | None = None,
) -> list[Document]:
    """Documents with their enrichment (rows written directly, so topics are what the test
    says), published a minute apart before `at`; commit."""
    owner = units.find_by_code(db, unit)
    source = sources.add_source(db, None, unit=owner, kind="push", name=f"src-{at}-{len(texts)}")
    db.flush()
    stored = []
    for i, text in enumerate(texts):
        document = Document(
            source_id=source.id,
            unit_id=owner.id,
            external_id=f"{source.id}-{i}",
            content_hash=f"{source.id}-{i}",
            text=text,
            search_text=text.lower(),
            published_at=at - timedelta(minutes=i),
            cluster_id=copies_of.id if copies_of else None,
        )
        db.add(document)
        db.flush()
        document.cluster_id = document.cluster_id or document.id
        db.add(
            Enrichment(
                document_id=document.id,
                sentiment="neutral",
                sentiment_score=0.5,
                topics=list(topics),
                province_code=province,
                text_restored=text,
            )
        )
        db.add_all(DocumentTopic(document_id=document.id, topic=t) for t in topics)
        stored.append(document)
    db.commit()
    return stored


def _noise(db: Session, unit: str, at: datetime) -> None:
    store(db, unit, _everyday(40), at)


def _everyday(n: int) -> list[str]:
    rng = random.Random(n)  # noqa: S311 - reproducible test data
    return [", ".join(rng.sample(EVERYDAY, 4)) + "." for _ in range(n)]


def _active(db: Session) -> list[EmergingCluster]:
    db.expire_all()
    query = select(EmergingCluster).where(EmergingCluster.active.is_(True))
    return list(db.scalars(query.order_by(EmergingCluster.id)))


def test_a_run_stores_the_unclassified_issue_with_its_growth_and_provinces(db: Session) -> None:
    unit = units.find_by_code(db, "15")
    earlier = store(db, "15", [_post(PARKING, k) for k in range(4)], NOW - timedelta(hours=30))
    recent = store(db, "15", [_post(PARKING, k) for k in range(4, 12)], NOW - timedelta(hours=2))
    _noise(db, "15", NOW - timedelta(hours=5))

    clusters = emerging_store.run(db, unit.id, NOW)
    db.commit()

    assert len(clusters) == 1
    cluster = clusters[0]
    assert cluster.size == 12 and cluster.recent == 8 and cluster.earlier == 4
    assert cluster.provinces == [["15", 12]]
    assert cluster.first_seen_at == min(d.published_at for d in earlier)
    assert cluster.last_seen_at == max(d.published_at for d in recent)
    assert any(p in cluster.label for p in ("chợ Cốc Lếu", "thu phí đỗ xe", "phí trông giữ"))


def test_topic_covered_old_and_copied_documents_do_not_make_a_cluster(db: Session) -> None:
    unit = units.find_by_code(db, "15")
    store(db, "15", [_post(WATER, k) for k in range(10)], NOW, topics=("environment",))
    store(db, "15", [_post(WATER, k) for k in range(10)], NOW - timedelta(hours=80))  # too old
    first = store(db, "15", [_post(WATER, 1)], NOW)[0]
    store(db, "15", [_post(WATER, 1)] * 9, NOW, copies_of=first)  # near-copies of one post
    _noise(db, "15", NOW)

    assert emerging_store.run(db, unit.id, NOW) == []

    store(db, "15", [_post(WATER, k) for k in range(2, 11)], NOW)  # nine more distinct posts
    (cluster,) = emerging_store.run(db, unit.id, NOW)
    members = db.scalars(
        select(Document.cluster_id)
        .join(EmergingClusterDocument, EmergingClusterDocument.document_id == Document.id)
        .where(EmergingClusterDocument.cluster_id == cluster.id)
    ).all()
    assert len(members) == cluster.size >= 9  # of 10 distinct posts, the copied one once
    assert Counter(members)[first.id] <= 1 and len(set(members)) == len(members)


def test_a_cluster_keeps_its_identity_across_runs_and_ends_when_it_fades(db: Session) -> None:
    unit = units.find_by_code(db, "15")
    store(db, "15", [_post(PARKING, k) for k in range(8)], NOW - timedelta(hours=3))
    _noise(db, "15", NOW - timedelta(hours=3))
    (first,) = emerging_store.run(db, unit.id, NOW)
    db.commit()
    first_id, first_seen, label = first.id, first.first_seen_at, first.label

    (same,) = emerging_store.run(db, unit.id, NOW)  # the same documents: the same cluster
    db.commit()
    assert (same.id, same.label, same.size) == (first_id, label, 8)

    store(db, "15", [_post(PARKING, k) for k in range(8, 20)], NOW + timedelta(hours=5))
    (grown,) = emerging_store.run(db, unit.id, NOW + timedelta(hours=6))
    db.commit()
    assert grown.id == first_id and grown.first_seen_at == first_seen and grown.size == 20

    assert emerging_store.run(db, unit.id, NOW + timedelta(days=5)) == []
    db.commit()
    assert _active(db) == []
    assert db.get(EmergingCluster, first_id) is not None  # kept, no longer active


def test_each_unit_is_clustered_alone_and_read_within_scope(db: Session) -> None:
    store(db, "15", [_post(PARKING, k) for k in range(8)], NOW - timedelta(hours=1))
    store(db, "01", [_post(WATER, k) for k in range(8)], NOW - timedelta(hours=1), province="01")
    for code in ("15", "01"):
        _noise(db, code, NOW - timedelta(hours=1))
        emerging_store.run(db, units.find_by_code(db, code).id, NOW)
    db.commit()
    lao_cai = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    centre = users.actor_for(make_user(db, "tw.analyst", "analyst", "TW"))

    seen = emerging_store.visible_clusters(db, lao_cai)

    assert [s.cluster.unit_id for s in seen] == [units.find_by_code(db, "15").id]
    assert len(seen[0].samples) == emerging_store.SAMPLES
    assert len(emerging_store.visible_clusters(db, centre)) == 2


def test_the_job_runs_every_unit_and_running_again_stores_nothing_new(engine: Engine) -> None:
    factory = session_factory(engine)
    with factory() as db:
        store(db, "15", [_post(PARKING, k) for k in range(8)], NOW - timedelta(hours=1))
        _noise(db, "15", NOW - timedelta(hours=1))
    steps: list[tuple[int, int]] = []

    summary = emerging_store.emerging_job(
        factory, {"at": NOW.isoformat()}, lambda d, t: steps.append((d, t))
    )
    again = emerging_store.emerging_job(factory, {"at": NOW.isoformat()}, lambda d, t: None)

    assert summary == again == {"units": 1, "clusters": 1}
    assert steps == [(1, 1)]
    with factory() as db:
        assert len(list(db.scalars(select(EmergingCluster)))) == 1


@pytest.mark.usefixtures("cli_database")
def test_the_command_prints_the_clusters_as_json(db: Session) -> None:
    store(db, "15", [_post(WATER, k) for k in range(6)], NOW - timedelta(hours=1))
    _noise(db, "15", NOW - timedelta(hours=1))

    result = CliRunner().invoke(app, ["emerging", "--at", NOW.isoformat(), "--json"])

    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["unit"] == "15" and row["documents"] == 6 and row["last_24h"] == 6
    assert row["provinces"] == [["15", 6]] and " · " in row["label"]
    bad = CliRunner().invoke(app, ["emerging", "--at", "hôm qua"])
    assert bad.exit_code == 2 and "not a time" in bad.output


def test_the_job_is_registered_and_asked_for_once_an_hour() -> None:
    times = iter([NOW + timedelta(minutes=5), NOW + timedelta(minutes=40)])
    tick = hourly("analysis.emerging", lambda: next(times))

    assert tick() == [Submission("analysis.emerging", {"at": NOW.isoformat()})]
    assert tick() == []
    assert registry.get("analysis.emerging") is emerging_store.emerging_job


def test_documents_stored_through_the_real_pipeline_are_grouped(db: Session) -> None:
    """SYNTHETIC posts about parking fees through ingest and enrichment: the ones the topic
    queries and classifier leave as `other` make the cluster."""
    source = sources.add_source(db, None, unit=units.find_by_code(db, "15"), kind="push", name="P")
    posts = generate(noise=30, per_issue=20, seed=2, issues=("parking_fees",))
    items = [
        Item(text=e.text, external_id=str(e.id), published_at=NOW - timedelta(minutes=e.id))
        for e in posts.entries
    ]
    store_items(db, source, items, secret="k" * 40)
    db.commit()

    (cluster,) = emerging_store.run(db, units.find_by_code(db, "15").id, NOW)

    unclassified = {c.id for c in emerging_store.unclassified(db, cluster.unit_id, NOW)}
    members = set(db.scalars(select(EmergingClusterDocument.document_id)))
    assert members <= unclassified and cluster.size >= 12
    vocabulary = " | ".join(PARKING)
    assert all(phrase in vocabulary for phrase in cluster.label.split(" · "))
