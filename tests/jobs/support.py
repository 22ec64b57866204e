"""Test-only job kinds, registered on import; Celery workers in tests load them through
DULUAN_JOB_MODULES=tests.jobs.support."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from duluan.jobs import registry
from duluan.jobs.registry import Progress

metadata = MetaData()  # not Base.metadata: these tables exist only in the databases of tests
items = Table(
    "test_job_items",
    metadata,
    Column("key", Integer, primary_key=True),  # the unique key that makes re-runs harmless
    Column("pid", Integer, nullable=False),  # the process that stored the item
)

RUNS: Counter[int] = Counter()  # job function calls per `run` payload value, in this process
GATES: dict[str, threading.Event] = {}  # a job waits here until the test opens the gate


def count(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Count to `n`, reporting each step; wait at the named gate after the first step."""
    RUNS[payload.get("run", 0)] += 1
    n = int(payload["n"])
    for done in range(1, n + 1):
        progress(done, n)
        if done == 1 and "gate" in payload:
            GATES[payload["gate"]].wait(timeout=30)
    return {"counted": n}


def fail(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    progress(0, 1)
    raise ValueError("bad input\nsecond line of detail")


def store_items(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Store items 0..n-1 in batches, one transaction a batch, skipping those already stored."""
    n, size, pause = int(payload["items"]), int(payload["batch"]), float(payload["sleep"])
    stored = 0
    for start in range(0, n, size):
        keys = range(start, min(start + size, n))
        time.sleep(pause * len(keys))  # the work an item takes
        with factory.begin() as session:
            present = set(session.scalars(select(items.c.key).where(items.c.key.in_(keys))))
            missing = [{"key": key, "pid": os.getpid()} for key in keys if key not in present]
            if missing:
                session.execute(insert(items), missing)
        stored += len(missing)
        progress(keys.stop, n)
    return {"stored": stored, "pid": os.getpid()}


def stored_items(factory: sessionmaker[Session]) -> list[tuple[int, int]]:
    with factory() as session:
        rows = session.execute(select(items.c.key, items.c.pid).order_by(items.c.key))
        return [(row.key, row.pid) for row in rows]


def count_items(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(items)) or 0


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `check` until it returns something true; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


registry.register("test.count", count)
registry.register("test.fail", fail)
registry.register("test.store_items", store_items)
