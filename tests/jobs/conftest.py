"""Fixtures of the jobs tests: a session factory on the per-test database, an inline runner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from duluan.db.engine import session_factory
from duluan.jobs.runner import InlineRunner
from tests.jobs import support


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def runner(factory: sessionmaker[Session]) -> Iterator[InlineRunner]:
    runner = InlineRunner(factory, max_workers=2)
    yield runner
    for gate in support.GATES.values():
        gate.set()  # never leave a job waiting: shutdown waits for it
    support.GATES.clear()
    runner.shutdown(wait=True)
