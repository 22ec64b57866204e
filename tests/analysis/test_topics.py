"""The deployment's topic table: seeded from the defaults, edited by root admins (versioned and
audited), used by the store pipeline for new documents, and previewed before saving."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duluan.analysis import retag, rollups, topics
from duluan.analysis.pipeline import default_analyzer
from duluan.analysis.rollups import ALL, RollupDay
from duluan.analysis.taxonomy import DEFAULT_TOPICS
from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.db.engine import session_factory
from duluan.errors import BadInput, PermissionDenied
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.models import DocumentTopic, Enrichment, Source
from duluan.ingest.service import store_batch, store_items
from tests.conftest import make_user

SECRET = "k" * 40
BUS = "Giá vé xe buýt tăng từ tháng sau, người đi làm than thở."
TRAM = "Tuyến tàu điện mới chạy thử, nhiều người háo hức đi thử."
BOTH = "Đi xe buýt ra ga rồi lên tàu điện vào trung tâm mất gần một tiếng."
NEITHER = "Hôm nay trời đẹp, cả nhà đi dạo công viên."


def _admin(db: Session) -> Actor:
    return users.actor_for(make_user(db, "tw.admin", "admin", "TW"))


def _source(db: Session, unit_code: str = "15", name: str = "Đẩy thử") -> Source:
    unit = units.find_by_code(db, unit_code)
    return sources.add_source(db, None, unit=unit, kind="push", name=name)


def _store(db: Session, source: Source, text: str, **fields: object) -> int:
    summary = store_items(db, source, [Item(text=text, kind="post", **fields)], secret=SECRET)  # type: ignore[arg-type]
    db.commit()
    assert summary.new == 1
    return summary.document_ids[0]


def _topics_of(db: Session, document_id: int) -> set[str]:
    query = select(DocumentTopic.topic).where(DocumentTopic.document_id == document_id)
    return set(db.scalars(query))


def _add_bus_topic(db: Session, admin: Actor, query: str = '"xe buýt"') -> None:
    topics.add_topic(
        db,
        actor=admin,
        code="public_transport",
        name_vi="Giao thông công cộng",
        name_en="Public transport",
        query=query,
    )
    db.commit()


def test_a_fresh_database_gets_the_default_topics_once(db: Session) -> None:
    stored = topics.all_topics(db)
    assert [t.code for t in stored] == [t.code for t in DEFAULT_TOPICS]
    assert all(t.active and t.version == 1 for t in stored)
    assert stored[0].query == DEFAULT_TOPICS[0].query
    topics.ensure_seeded(db)
    db.commit()
    assert len(topics.all_topics(db)) == len(DEFAULT_TOPICS)
    assert topics.names(db, "en")["corruption"] == "Corruption and misconduct"


def test_an_edit_bumps_the_version_and_is_audited(db: Session) -> None:
    admin = _admin(db)
    topics.update_topic(
        db,
        actor=admin,
        code="corruption",
        name_vi="Tham nhũng, tiêu cực, lãng phí",
        name_en="Corruption",
        query='"tham nhũng" OR "lãng phí"',
    )
    db.commit()
    topic = topics.get_topic(db, "corruption")
    assert (topic.version, topic.query, topic.updated_by) == (
        2,
        '"tham nhũng" OR "lãng phí"',
        admin.user_id,
    )
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "topic.updated")).one()
    assert event.target == "topic:corruption"
    assert event.detail["version"] == 2
    assert event.detail["query_before"] == DEFAULT_TOPICS[11].query
    # Saving the same again changes nothing and records nothing.
    topics.update_topic(
        db,
        actor=admin,
        code="corruption",
        name_vi=topic.name_vi,
        name_en=topic.name_en,
        query=topic.query,
    )
    assert topics.get_topic(db, "corruption").version == 2


def test_a_malformed_query_is_refused_with_its_position_and_nothing_changes(db: Session) -> None:
    admin = _admin(db)
    with pytest.raises(BadInput) as refused:
        topics.update_topic(
            db,
            actor=admin,
            code="education",
            name_vi="Giáo dục",
            name_en="Education",
            query='"học phí OR "sách giáo khoa"',
        )
    assert refused.value.key.startswith("errors.query_")
    db.rollback()
    assert topics.get_topic(db, "education").version == 1
    with pytest.raises(BadInput) as unclosed:
        topics.preview(db, actor=admin, query='"học phí OR giáo viên', current_query=None)
    assert unclosed.value.key == "errors.query_unclosed_quote"
    assert unclosed.value.params == {"position": 1}


def test_only_an_admin_of_the_root_unit_changes_topics(db: Session) -> None:
    province_admin = users.actor_for(make_user(db, "lc.admin", "admin", "15"))
    analyst = users.actor_for(make_user(db, "tw.analyst", "analyst", "TW"))
    for actor in (province_admin, analyst):
        assert not topics.may_manage(db, actor)
        with pytest.raises(PermissionDenied):
            topics.set_active(db, actor=actor, code="education", active=False)
    assert topics.may_manage(db, _admin(db))


def test_codes_are_checked_and_unique(db: Session) -> None:
    admin = _admin(db)
    for code, key in (("Xe Buýt", "bad_code"), ("other", "bad_code"), ("education", "code_taken")):
        with pytest.raises(BadInput) as refused:
            topics.add_topic(db, actor=admin, code=code, name_vi="X", name_en="", query="xe")
        assert refused.value.key == f"topics.errors.{key}"


def test_the_analyzer_is_rebuilt_only_when_a_topic_changes(db: Session) -> None:
    admin = _admin(db)
    topics.ensure_seeded(db)
    db.commit()
    first = topics.analyzer_for(db)
    assert topics.analyzer_for(db) is first  # nothing changed: the cached one
    assert first.topics == DEFAULT_TOPICS
    assert first.sentiment is default_analyzer().sentiment  # models shared, not reloaded
    _add_bus_topic(db, admin)
    second = topics.analyzer_for(db)
    assert second is not first
    assert "public_transport" in {t.code for t in second.topics}
    assert second.versions["topics"].startswith("topic-queries-17 + ")
    topics.set_active(db, actor=admin, code="public_transport", active=False)
    db.commit()
    third = topics.analyzer_for(db)
    assert "public_transport" not in {t.code for t in third.topics}


def test_new_documents_are_tagged_with_the_current_queries_and_old_ones_keep_theirs(
    db: Session,
) -> None:
    admin, source = _admin(db), _source(db)
    before = _store(db, source, BUS)
    assert "public_transport" not in _topics_of(db, before)

    _add_bus_topic(db, admin)
    bus = _store(db, source, BUS + " Tuyến số 5.")
    assert "public_transport" in _topics_of(db, bus)

    topics.update_topic(
        db,
        actor=admin,
        code="public_transport",
        name_vi="Giao thông công cộng",
        name_en="Public transport",
        query='"tàu điện"',
    )
    db.commit()
    bus_again = _store(db, source, BUS + " Tuyến số 9.")
    tram = _store(db, source, TRAM)
    assert "public_transport" not in _topics_of(db, bus_again)
    assert "public_transport" in _topics_of(db, tram)
    assert "public_transport" in _topics_of(db, bus)  # stored documents are not re-tagged

    topics.set_active(db, actor=admin, code="public_transport", active=False)
    db.commit()
    assert "public_transport" not in _topics_of(db, _store(db, source, TRAM + " Lần hai."))


def test_the_preview_counts_added_and_removed_documents_and_samples_them(db: Session) -> None:
    admin, source = _admin(db), _source(db)
    now = datetime.now(UTC)
    ids = {
        text: _store(db, source, text, published_at=now - timedelta(hours=k))
        for k, text in enumerate((BUS, TRAM, BOTH, NEITHER))
    }
    _store(db, source, TRAM + " Tin cũ.", published_at=now - timedelta(days=40))  # too old

    found = topics.preview(db, actor=admin, query='"tàu điện"', current_query='"xe buýt"')
    assert (found.scanned, found.capped) == (4, False)
    assert (found.matched, found.current, found.added, found.removed) == (2, 2, 1, 1)
    assert [(d.id, d.added) for d in found.sample] == [(ids[TRAM], True), (ids[BOTH], False)]

    new_topic = topics.preview(db, actor=admin, query="tàu điện", current_query=None)
    assert (new_topic.matched, new_topic.added, new_topic.removed) == (2, 2, 0)

    capped = topics.preview(db, actor=admin, query='"tàu điện"', current_query=None, cap=2)
    assert (capped.scanned, capped.capped, capped.matched) == (2, True, 1)  # the 2 newest only


def test_the_preview_reads_only_documents_within_the_readers_scope(db: Session) -> None:
    lao_cai, hanoi = _source(db, "15", "Lào Cai"), _source(db, "01", "Hà Nội")
    _store(db, lao_cai, TRAM)
    _store(db, hanoi, TRAM + " Ở Hà Nội.")
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    found = topics.preview(db, actor=analyst, query='"tàu điện"', current_query=None)
    assert (found.scanned, found.matched) == (1, 1)
    assert topics.preview(db, actor=_admin(db), query='"tàu điện"', current_query=None).matched == 2


def _rollup_rows(db: Session) -> list[tuple[object, ...]]:
    db.expire_all()
    return sorted(tuple(map(str, row)) for row in db.execute(select(*RollupDay.__table__.columns)))


def test_retagging_applies_the_current_queries_to_recent_documents_and_recounts(
    engine: Engine, db: Session
) -> None:
    admin, source = _admin(db), _source(db)
    now = datetime.now(UTC)
    recent = _store(db, source, TRAM, published_at=now - timedelta(hours=2))
    old = _store(db, source, TRAM + " Tin cũ.", published_at=now - timedelta(days=40))
    other = _store(db, source, NEITHER, published_at=now - timedelta(hours=1))
    _add_bus_topic(db, admin, query='"tàu điện"')
    assert "public_transport" not in _topics_of(db, recent)
    steps: list[tuple[int, int | None]] = []

    def progress(done: int, total: int | None) -> None:
        steps.append((done, total))

    result = retag.retag_job(session_factory(engine), {"days": 30}, progress)

    assert result == {"days": 30, "documents": 2, "changed": 1, "counted": 3}
    assert steps[-1] == (3, 3)
    db.expire_all()
    assert "public_transport" in _topics_of(db, recent)
    assert "public_transport" not in _topics_of(db, old)  # outside the period
    assert _topics_of(db, other) == {"other"}  # unchanged: the same tags as when stored
    enrichment = db.get(Enrichment, recent)
    assert enrichment is not None and "public_transport" in enrichment.topics
    assert enrichment.models["topics"].startswith("topic-queries-17 + ")
    counted = db.scalar(
        select(func.sum(RollupDay.documents)).where(
            RollupDay.topic == "public_transport",
            RollupDay.province_code == ALL,
            RollupDay.kind == ALL,
        )
    )
    assert counted == 1
    after_job = _rollup_rows(db)
    rollups.rebuild(db)
    db.commit()
    assert _rollup_rows(db) == after_job  # the recount is the roll-ups of the stored tags
    again = retag.retag_job(session_factory(engine), {"days": 30}, progress)
    assert again["changed"] == 0  # idempotent


def test_a_retag_is_asked_by_a_root_admin_for_1_to_90_days(db: Session) -> None:
    admin = _admin(db)
    for days in (0, 91):
        with pytest.raises(BadInput) as refused:
            retag.request_retag(db, actor=admin, days=days, submit=lambda p, u: 0)
        assert refused.value.key == "topics.errors.bad_retag_days"
    province_admin = users.actor_for(make_user(db, "lc.admin", "admin", "15"))
    submitted: list[tuple[dict[str, object], int]] = []

    def submit(payload: dict[str, object], unit_id: int) -> int:
        submitted.append((payload, unit_id))
        return 7

    with pytest.raises(PermissionDenied):
        retag.request_retag(db, actor=province_admin, days=30, submit=submit)
    assert retag.request_retag(db, actor=admin, days=30, submit=submit) == 7
    assert submitted == [({"days": 30}, units.root(db).id)]
    retagged = select(AuditEvent.target).where(AuditEvent.action == "topics.retagged")
    assert db.scalars(retagged).all() == ["job:7"]


def test_documents_stored_during_a_retag_are_counted_once(engine: Engine, db: Session) -> None:
    factory, source = session_factory(engine), _source(db)
    _store(db, source, TRAM)
    db.commit()
    errors: list[BaseException] = []

    def store() -> None:
        try:
            for batch in range(4):
                items = [
                    Item(text=f"{BUS} Đợt {batch}-{n}.", external_id=f"{batch}-{n}", kind="post")
                    for n in range(5)
                ]
                store_batch(factory, source.id, items, secret=SECRET)
        except BaseException as exc:
            errors.append(exc)

    def recount() -> None:
        try:
            for _ in range(3):
                retag.retag_job(factory, {"days": 30}, lambda done, total: None)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=store), threading.Thread(target=recount)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    everything = (RollupDay.topic == ALL, RollupDay.province_code == ALL, RollupDay.kind == ALL)
    db.rollback()
    assert db.scalar(select(func.sum(RollupDay.documents)).where(*everything)) == 21
    counted = _rollup_rows(db)
    rollups.rebuild(db)
    db.commit()
    assert _rollup_rows(db) == counted
