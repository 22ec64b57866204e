from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from duluan.analysis import rollups
from duluan.auth import units
from duluan.auth.models import AuditEvent
from duluan.db import migrate
from duluan.db.engine import create_db_engine, session_factory, transaction
from duluan.ingest import sources


def test_models_match_migrations(database_url: str) -> None:
    migrate.check(database_url)  # raises if a model change has no migration


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_times_come_back_as_aware_utc(db: Session) -> None:
    hanoi_time = datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=7)))
    event = AuditEvent(action="login.succeeded", at=hanoi_time)
    db.add(event)
    db.commit()
    db.expire_all()
    stored = db.get(AuditEvent, event.id)
    assert stored is not None and stored.at == datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
    assert stored.at.tzinfo is not None


def test_naive_times_are_refused(db: Session) -> None:
    db.add(AuditEvent(action="login.succeeded", at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        db.commit()
    db.rollback()


def test_a_write_transaction_takes_the_sqlite_write_lock_when_it_begins(
    engine: Engine, database_url: str
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite locking")
    import sqlite3

    other = sqlite3.connect(make_url(database_url).database or "", timeout=0, isolation_level=None)
    with transaction(session_factory(engine), write=True) as session:
        session.execute(text("SELECT 1"))  # a read only: the lock is already held
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free again once the transaction ended
    other.execute("ROLLBACK")
    other.close()


def test_a_savepoint_in_a_write_transaction_rolls_back_alone(engine: Engine) -> None:
    factory = session_factory(engine)
    with transaction(factory, write=True) as session:
        session.add(AuditEvent(action="login.succeeded"))
        session.flush()
        try:
            with session.begin_nested():
                session.add(AuditEvent(action="login.failed"))
                session.flush()
                raise RuntimeError("undo the inner block")
        except RuntimeError:
            pass
    with transaction(factory) as session:
        actions = session.scalars(text("SELECT action FROM audit_events")).all()
    assert actions == ["login.succeeded"]


def test_the_weekly_keyword_roll_up_is_filled_from_the_daily_one(database_url: str) -> None:
    """Migration 0011 sums the keyword days already counted into their weeks, as the pipeline
    adds them from then on."""
    engine = create_db_engine(database_url)
    weeks = "SELECT week, topic, province_code, keyword, documents FROM rollup_keyword_weeks"
    with transaction(session_factory(engine)) as session:
        source = sources.add_source(
            session, None, unit=units.find_by_code(session, "15"), kind="push", name="Báo"
        )
        start = datetime(2026, 11, 1, 5, tzinfo=UTC)  # a Sunday, noon in Vietnam
        rollups.add(
            session,
            [
                rollups.Counted(
                    start + timedelta(days=d),
                    source.unit_id,
                    source.id,
                    "post",
                    "neutral",
                    ["land"],
                    "15",
                    keywords=["sạt lở", f"từ {d % 2}"],
                )
                for d in range(16)
            ],
        )
    with engine.connect() as connection:
        added = sorted(map(tuple, connection.execute(text(weeks))))
    assert len({row[0] for row in added}) == 4  # Nov 1 is the last day of its week

    command.downgrade(migrate.alembic_config(database_url), "0010")
    migrate.upgrade(database_url)

    with engine.connect() as connection:
        filled = sorted(map(tuple, connection.execute(text(weeks))))
    assert filled == added
    engine.dispose()
