"""The scheduler: ticks say what is due, the runner gets it; a failing tick hurts nobody."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from duluan.jobs.schedule import Scheduler, Submission, hourly_detection
from tests.jobs.support import wait_until


class RecordingRunner:
    def __init__(self) -> None:
        self.submitted: list[tuple[str, dict[str, Any], int | None]] = []

    def submit(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        unit_id: int | None = None,
        created_by_id: int | None = None,
    ) -> int:
        if kind == "refused":
            raise LookupError(kind)
        self.submitted.append((kind, payload, unit_id))
        return len(self.submitted)

    def recover(self) -> list[int]:
        return []

    def shutdown(self, wait: bool = True) -> None:
        pass


def _broken_tick() -> list[Submission]:
    raise RuntimeError("database is away")


def test_run_once_submits_what_every_tick_returns_and_survives_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = RecordingRunner()

    def due() -> list[Submission | tuple[str, dict[str, Any]]]:
        return [("a.b", {"x": 1}), Submission("refused", {}), Submission("c.d", {}, unit_id=7)]

    scheduler = Scheduler(runner, [_broken_tick, due], interval=60)
    with caplog.at_level(logging.ERROR, logger="duluan.jobs.schedule"):
        assert scheduler.run_once() == [1, 2]
    assert runner.submitted == [("a.b", {"x": 1}, None), ("c.d", {}, 7)]
    messages = [record.getMessage() for record in caplog.records]
    assert any("_broken_tick failed" in m for m in messages)
    assert any("could not submit a refused job" in m for m in messages)


def test_the_thread_ticks_every_interval_and_stops() -> None:
    runner = RecordingRunner()
    scheduler = Scheduler(runner, [_broken_tick, lambda: [("a.b", {})]], interval=0.05)
    scheduler.start()
    wait_until(lambda: len(runner.submitted) >= 3, 5, "three rounds of ticks")
    started = time.monotonic()
    scheduler.stop(timeout=5)
    assert not scheduler.running and time.monotonic() - started < 1


def test_detection_is_asked_for_once_per_completed_hour() -> None:
    times = iter(
        datetime(2026, 11, 24, h, m, tzinfo=UTC) for h, m in ((8, 1), (8, 59), (9, 0), (9, 30))
    )
    tick = hourly_detection(lambda: next(times))

    asked = [tick() for _ in range(4)]

    assert [len(a) for a in asked] == [1, 0, 1, 0]
    assert asked[0][0].kind == "warning.detect"
    assert asked[2][0].payload == {"at": "2026-11-24T09:00:00+00:00"}
