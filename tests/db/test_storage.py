from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from duluan.auth.models import AuditEvent
from duluan.db import migrate


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
