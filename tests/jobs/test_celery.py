"""Celery with a real Redis: two worker processes, one killed mid-job; the other finishes it.

The job stores 40 items in batches of 4, each batch in one transaction, under a unique key. The
worker holding it is SIGKILLed after its first batch: its message stays unacknowledged in Redis
until the visibility timeout (5 s here) puts it back; the other worker then finds the job's
heartbeat stale, takes it over and stores the rest. Every item must be there exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from duluan.jobs.celery_app import CeleryRunner, create_celery
from duluan.jobs.models import Job
from tests import local_processes
from tests.jobs import support
from tests.jobs.support import wait_until

ROOT = Path(__file__).parents[2]
ITEMS, BATCH = 40, 4


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private Redis on a free local port, without persistence."""
    if local_processes.REDIS_SERVER is None:
        pytest.skip("redis-server is not installed: the Celery crash test needs a real broker")
    with local_processes.redis_server(tmp_path) as url:
        yield url


class Workers:
    """Celery worker processes (solo pool: the job runs in the process we may kill)."""

    def __init__(self, environment: dict[str, str], logs: Path) -> None:
        self.environment = environment
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        command = [sys.executable, "-m", "celery", "-A", "duluan.jobs.celery_app", "worker"]
        command += ["--pool=solo", "--concurrency=1", f"--hostname={name}@%h", "--loglevel=INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        with (self.logs / f"{name}.log").open("wb") as log:
            self.processes[name] = subprocess.Popen(  # noqa: S603 - our own command line
                command, cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT
            )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def ready(self, name: str) -> bool:
        if self.processes[name].poll() is not None:
            raise AssertionError(f"worker {name} exited:\n{self.log(name)}")
        return " ready." in self.log(name)

    def stop_all(self) -> None:
        for process in self.processes.values():
            local_processes.stop(process)


@pytest.fixture
def workers(redis_url: str, database_url: str, tmp_path: Path) -> Iterator[Workers]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "DULUAN_ENVIRONMENT": "test",
        "DULUAN_SECRET_KEY": "k" * 48,
        "DULUAN_DATA_DIR": str(tmp_path),
        "DULUAN_DATABASE_URL": database_url,
        "DULUAN_REDIS_URL": redis_url,
        "DULUAN_CELERY_VISIBILITY_TIMEOUT": "5",
        "DULUAN_JOB_STALE_SECONDS": "2",
        "DULUAN_JOB_MODULES": "tests.jobs.support",
    }
    pool = Workers(environment, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
        for name in pool.processes:
            print(f"----- worker {name} -----\n{pool.log(name)}")  # shown when the test fails


def test_a_job_survives_the_sigkill_of_its_worker(
    workers: Workers, redis_url: str, engine: Engine
) -> None:
    support.metadata.create_all(engine)
    factory: sessionmaker[Session] = sessionmaker(engine)
    for name in ("w1", "w2"):
        workers.start(name)
    for name in ("w1", "w2"):
        wait_until(partial(workers.ready, name), 30, f"worker {name} to be ready")
    pids = {process.pid: name for name, process in workers.processes.items()}

    runner = CeleryRunner(factory, create_celery(redis_url))
    try:
        job_id = runner.submit("test.store_items", {"items": ITEMS, "batch": BATCH, "sleep": 0.1})
    finally:
        runner.shutdown()
    first = wait_until(lambda: support.stored_items(factory), 20, "the first batch")
    holder = first[0][1]
    assert holder in pids, f"items stored by {holder}, not by a worker {pids}"
    os.kill(holder, signal.SIGKILL)
    workers.processes[pids[holder]].wait(timeout=10)
    assert support.count_items(factory) < ITEMS, "the job ended before its worker was killed"

    def finished() -> Job | None:
        with factory() as session:
            job = session.get_one(Job, job_id)
            return job if job.state in ("done", "failed") else None

    job = wait_until(finished, 40, "the other worker to finish the job")
    stored = support.stored_items(factory)
    assert [key for key, _ in stored] == list(range(ITEMS))  # each once: the key is unique
    by_holder = sum(1 for _, pid in stored if pid == holder)
    other = next(pid for pid in pids if pid != holder)
    assert {pid for _, pid in stored} == {holder, other}
    assert (job.state, job.attempts, job.progress, job.total) == ("done", 2, ITEMS, ITEMS)
    assert job.result == {"stored": ITEMS - by_holder, "pid": other}


def test_a_worker_started_by_celery_itself_knows_every_table_its_jobs_write() -> None:
    # `celery -A duluan.jobs.celery_app worker` imports only that module (and the job kinds'):
    # the tables that documents and jobs point at must come with them.
    code = (
        "import duluan.jobs.celery_app\n"
        "from duluan.db.base import Base\n"
        "print(' '.join(sorted(Base.metadata.tables)))"
    )
    tables = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert {"org_units", "users", "sources", "documents", "jobs", "rollup_days"} <= set(tables)
