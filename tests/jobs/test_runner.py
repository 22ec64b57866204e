"""The shared run logic and the inline runner: progress, failures, redelivery, recovery."""

from __future__ import annotations

import threading
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from duluan.db.types import utcnow
from duluan.jobs import registry
from duluan.jobs.models import Job
from duluan.jobs.runner import InlineRunner, Outcome, create_job, run_job
from tests.jobs import support
from tests.jobs.support import wait_until


def _job(factory: sessionmaker[Session], job_id: int) -> Job:
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _finished(factory: sessionmaker[Session], job_id: int) -> Job | None:
    job = _job(factory, job_id)
    return job if job.state in ("done", "failed") else None


def test_a_job_runs_and_its_progress_shows_while_it_runs(
    runner: InlineRunner, factory: sessionmaker[Session]
) -> None:
    support.GATES["mid"] = threading.Event()
    job_id = runner.submit("test.count", {"n": 3, "gate": "mid"}, unit_id=None)

    def halfway() -> bool:
        job = _job(factory, job_id)
        return job.state == "running" and (job.progress, job.total) == (1, 3)

    wait_until(halfway, 10, "progress 1/3 on the row")
    running = _job(factory, job_id)
    assert running.attempts == 1 and running.started_at and running.heartbeat_at
    support.GATES["mid"].set()
    job = wait_until(lambda: _finished(factory, job_id), 10, "the job to end")
    assert (job.state, job.result, job.error) == ("done", {"counted": 3}, None)
    assert (job.progress, job.total) == (3, 3)  # the last report is written even when throttled
    assert job.finished_at is not None and job.finished_at >= job.started_at


def test_a_failure_is_recorded_with_a_one_line_reason(
    runner: InlineRunner, factory: sessionmaker[Session]
) -> None:
    job_id = runner.submit("test.fail", {})
    job = wait_until(lambda: _finished(factory, job_id), 10, "the job to fail")
    assert job.state == "failed"
    assert job.error == "ValueError: bad input"
    assert "Traceback" in job.result["traceback"] and "second line" in job.result["traceback"]


def test_an_unknown_kind_is_refused_before_any_row_exists(
    runner: InlineRunner, factory: sessionmaker[Session]
) -> None:
    with pytest.raises(registry.UnknownJobKind, match=r"unknown job kind 'nope\.nothing'"):
        runner.submit("nope.nothing", {})
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_kind_unknown_to_the_worker_fails_the_job(factory: sessionmaker[Session]) -> None:
    job_id = create_job(factory, "test.count", {"n": 1})
    with factory.begin() as session:
        session.get_one(Job, job_id).kind = "gone.away"
    assert run_job(factory, job_id) is Outcome.FAILED
    assert _job(factory, job_id).error.startswith("UnknownJobKind: unknown job kind 'gone.away'")


def test_a_done_job_is_not_run_again(runner: InlineRunner, factory: sessionmaker[Session]) -> None:
    job_id = runner.submit("test.count", {"n": 2, "run": 101})
    wait_until(lambda: _finished(factory, job_id), 10, "the job to end")
    assert run_job(factory, job_id) is Outcome.FINISHED
    assert support.RUNS[101] == 1 and _job(factory, job_id).attempts == 1
    assert run_job(factory, 999_999) is Outcome.MISSING


def test_a_running_job_is_busy_until_its_heartbeat_goes_stale(
    factory: sessionmaker[Session],
) -> None:
    job_id = create_job(factory, "test.count", {"n": 1, "run": 102})
    with factory.begin() as session:
        job = session.get_one(Job, job_id)
        job.state, job.attempts, job.heartbeat_at = "running", 1, utcnow()
    assert run_job(factory, job_id, stale_after=30) is Outcome.BUSY
    assert support.RUNS[102] == 0
    with factory.begin() as session:
        session.get_one(Job, job_id).heartbeat_at = utcnow() - timedelta(seconds=31)
    assert run_job(factory, job_id, stale_after=30) is Outcome.DONE
    job = _job(factory, job_id)
    assert (job.state, job.attempts, support.RUNS[102]) == ("done", 2, 1)


def test_many_progress_reports_are_throttled_but_the_last_one_is_kept(
    factory: sessionmaker[Session],
) -> None:
    job_id = create_job(factory, "test.count", {"n": 5000})
    assert run_job(factory, job_id) is Outcome.DONE
    assert (_job(factory, job_id).progress, _job(factory, job_id).total) == (5000, 5000)


def test_recover_requeues_abandoned_jobs_and_runs_queued_ones(
    factory: sessionmaker[Session],
) -> None:
    abandoned = create_job(factory, "test.count", {"n": 2})
    waiting = create_job(factory, "test.count", {"n": 1})
    alive = create_job(factory, "test.count", {"n": 1})
    with factory.begin() as session:
        for job_id, beat in ((abandoned, timedelta(minutes=10)), (alive, timedelta(0))):
            job = session.get_one(Job, job_id)
            job.state, job.attempts, job.heartbeat_at = "running", 1, utcnow() - beat
    runner = InlineRunner(factory, max_workers=2, stale_after=60)
    try:
        assert runner.recover() == [abandoned, waiting]
        for job_id in (abandoned, waiting):
            wait_until(partial(_finished, factory, job_id), 10, f"job {job_id} to end")
    finally:
        runner.shutdown(wait=True)
    assert (_job(factory, abandoned).state, _job(factory, abandoned).attempts) == ("done", 2)
    assert _job(factory, waiting).state == "done"
    assert _job(factory, alive).state == "running"  # its heartbeat is fresh: not ours to take


def test_register_refuses_a_second_function_for_a_kind() -> None:
    registry.register("test.count", support.count)  # the same function again: harmless
    with pytest.raises(ValueError, match="already registered"):
        registry.register("test.count", support.fail)


def test_job_modules_are_loaded_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(registry.MODULES_VARIABLE, " tests.jobs.support , ")
    assert registry.load_job_modules() == ["tests.jobs.support"]
    with pytest.raises(ImportError, match=r"DULUAN_JOB_MODULES names 'no\.such_module'"):
        registry.load_job_modules("no.such_module")
