"""Engines and sessions: SQLite in WAL mode by default, PostgreSQL when the URL names one.

On SQLite, `transaction(..., write=True)` begins with BEGIN IMMEDIATE, taking the write lock at
the start: a second writer then waits for it (up to the busy timeout), instead of failing when a
transaction that has read tries to write after another writer has committed. Other transactions
keep the driver's default: BEGIN is sent before the first write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BEGIN_IMMEDIATE = "duluan_begin_immediate"  # execution option of write transactions


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    """A write transaction takes the lock now (the driver then sends no BEGIN of its own)."""
    if connection.get_execution_options().get(BEGIN_IMMEDIATE):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite the parent directory is created and WAL switched on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    # psycopg prepares a statement run five times; PostgreSQL may then plan it once for any
    # parameters, and a generic plan for the roll-ups' "any" rows is many times slower than one
    # made for the values at hand. Custom plans always: planning is cheap next to a bad plan.
    options = {"options": "-c plan_cache_mode=force_custom_plan"}
    return create_engine(url, pool_pre_ping=True, connect_args=options)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on any error.

    With `write`, the transaction takes SQLite's write lock when it begins (see above); keep such
    blocks short, since other writers wait for them.
    """
    session = factory()
    if write:
        session.connection(execution_options={BEGIN_IMMEDIATE: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
