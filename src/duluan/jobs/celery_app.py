"""The Celery app (`duluan worker`): a Redis broker and one task, `duluan.run_job(job_id)`.

The task only carries a job id; the job itself lives on its row, so the message can be lost or
delivered twice without harm (`run_job` claims the row, see runner.py).

Redelivery after a crash. Messages are acknowledged late (after the job returned) and a worker
takes one at a time. When a worker process dies mid-job:

- prefork child killed: the worker rejects the message (`task_reject_on_worker_lost`) and it is
  delivered again at once;
- whole worker killed (machine lost, SIGKILL): the message stays unacknowledged in Redis, and
  any live worker puts it back in the queue once it is older than the visibility timeout.

The delivery that follows finds the row `running`. If its heartbeat is fresh (the first worker
is in fact still working, e.g. a job longer than the visibility timeout) the task retries later;
once the heartbeat is older than the stale limit, it takes the job over and runs it again, which
the job function's idempotence makes safe.

Environment (outside Settings because only the worker processes read them):

- DULUAN_CELERY_VISIBILITY_TIMEOUT: seconds before an unacknowledged message is delivered again
  (default 3600; keep it above the time a job waits in a worker, as a restored message is a
  second delivery);
- DULUAN_JOB_STALE_SECONDS: seconds without heartbeat after which a running job counts as
  abandoned (default 60; heartbeats are written every quarter of it);
- DULUAN_JOB_MODULES: modules to import at start that register extra job kinds (registry.py).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from celery import Celery  # type: ignore[import-untyped]
from sqlalchemy.orm import Session, sessionmaker

from duluan.db.engine import create_db_engine, session_factory
from duluan.jobs import registry, runner
from duluan.settings import get_settings

TASK_NAME = "duluan.run_job"


def _seconds(variable: str, default: float) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{variable} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{variable} must be positive, not {raw!r}")
    return value


VISIBILITY_TIMEOUT_SECONDS = _seconds("DULUAN_CELERY_VISIBILITY_TIMEOUT", 3600.0)
STALE_AFTER_SECONDS = _seconds("DULUAN_JOB_STALE_SECONDS", runner.STALE_AFTER_SECONDS)


def celery_config(broker_url: str) -> dict[str, Any]:
    """Celery settings: late acks, one message per worker process, JSON only, no results."""
    return {
        "broker_url": broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {
            "visibility_timeout": VISIBILITY_TIMEOUT_SECONDS,
            # Kombu's default sweep for expired messages runs every 10 × 10 s; every few
            # seconds (10 at most) keeps redelivery close to the visibility timeout.
            "unacked_restore_interval": max(1.0, min(10.0, VISIBILITY_TIMEOUT_SECONDS / 5)),
            "unacked_restore_throttle": 1,
        },
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_default_queue": "duluan",
    }


def create_celery(broker_url: str | None = None) -> Celery:
    """A Celery app with the `duluan.run_job` task; the broker from settings when not given."""
    app = Celery("duluan", set_as_current=False)
    if broker_url is None:
        app.add_defaults(lambda: celery_config(get_settings().redis_url))
    else:
        app.conf.update(celery_config(broker_url))
    app.task(name=TASK_NAME, bind=True, max_retries=None)(_run_job_task)
    return app


def _run_job_task(task: Any, job_id: int) -> str:
    """The task body: run the job; when it is busy elsewhere, look again later."""
    outcome = runner.run_job(worker_session_factory(), job_id, stale_after=STALE_AFTER_SECONDS)
    if outcome is runner.Outcome.BUSY:
        raise task.retry(countdown=STALE_AFTER_SECONDS / 2)
    return outcome.value


_factories: dict[int, sessionmaker[Session]] = {}
_factories_lock = threading.Lock()


def worker_session_factory() -> sessionmaker[Session]:
    """One engine per process, made on first use (after a prefork child has forked)."""
    with _factories_lock:
        factory = _factories.get(os.getpid())
        if factory is None:
            engine = create_db_engine(get_settings().effective_database_url)
            factory = _factories[os.getpid()] = session_factory(engine)
        return factory


class CeleryRunner(runner.RowRunner):
    """Creates the job row here and sends its id to the Celery workers."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        celery: Celery | None = None,
        *,
        stale_after: float = STALE_AFTER_SECONDS,
    ) -> None:
        super().__init__(factory, stale_after=stale_after)
        self.celery = app if celery is None else celery

    def shutdown(self, wait: bool = True) -> None:
        """Close the connections to the broker (the workers carry on)."""
        self.celery.close()

    def _dispatch(self, job_id: int) -> None:
        self.celery.send_task(TASK_NAME, args=[job_id])


registry.load_job_modules()
app = create_celery()  # `celery -A duluan.jobs.celery_app worker` finds it here
