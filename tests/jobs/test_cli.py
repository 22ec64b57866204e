"""`duluan jobs list` and `duluan worker` as an operator runs them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from duluan.cli import app
from duluan.jobs.runner import Outcome, create_job, run_job
from duluan.settings import get_settings
from tests.jobs import support  # noqa: F401 - registers the test job kinds

cli = CliRunner()


@pytest.fixture(autouse=True)
def _environment(cli_database: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DULUAN_REDIS_URL", "")  # the inline runner
    get_settings.cache_clear()


def test_jobs_list_shows_state_progress_and_reason(factory: sessionmaker[Session]) -> None:
    done = create_job(factory, "test.count", {"n": 4})
    failed = create_job(factory, "test.fail", {})
    queued = create_job(factory, "test.count", {"n": 1})
    assert run_job(factory, done) is Outcome.DONE
    assert run_job(factory, failed) is Outcome.FAILED
    result = cli.invoke(app, ["jobs", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert list(rows) == [queued, failed, done]  # newest first
    assert (rows[done]["state"], rows[done]["progress"], rows[done]["total"]) == ("done", 4, 4)
    assert (rows[failed]["state"], rows[failed]["error"]) == ("failed", "ValueError: bad input")
    assert rows[queued]["state"] == "queued"
    only_failed = json.loads(
        cli.invoke(app, ["jobs", "list", "--state", "failed", "--json"]).output
    )
    assert [row["id"] for row in only_failed] == [failed]
    table = cli.invoke(app, ["jobs", "list"])
    assert table.exit_code == 0 and "test.count" in table.output and "4/4" in table.output


def test_jobs_list_refuses_an_unknown_state() -> None:
    result = cli.invoke(app, ["jobs", "list", "--state", "sleeping"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "unknown state 'sleeping'" in result.output


def test_worker_needs_a_broker() -> None:
    result = cli.invoke(app, ["worker"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: DULUAN_REDIS_URL is empty: set it to the Redis broker, e.g. redis://host:6379/0"
    )


def test_worker_starts_celery_with_the_options_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from duluan.jobs.celery_app import app as celery

    started: list[list[str]] = []
    monkeypatch.setenv("DULUAN_REDIS_URL", "redis://127.0.0.1:6379/0")
    get_settings.cache_clear()
    monkeypatch.setattr(celery, "worker_main", started.append)
    result = cli.invoke(app, ["worker", "--concurrency", "3", "--pool", "solo"])
    assert result.exit_code == 0, result.output
    assert started == [["worker", "--pool=solo", "--loglevel=INFO", "--concurrency=3"]]
    refused = cli.invoke(app, ["worker", "--pool", "gevent"])
    assert refused.exit_code == 2 and "unknown pool 'gevent'" in refused.output
