"""Forecasts: backtest against the seasonal-naive baseline, reasons for no forecast, idempotent
storage, the scope of the topic panel, the daily job and `duluan forecast run`.

Every series here is SYNTHETIC (`forecast_fit.synthetic_series`)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.analysis.rollups import ALL, RollupDay
from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.cli import app
from duluan.db.engine import session_factory
from duluan.jobs.models import Job
from duluan.jobs.runner import Outcome as JobOutcome
from duluan.jobs.runner import create_job, run_job
from duluan.jobs.schedule import daily_forecasts
from duluan.warning import forecast, forecast_fit
from duluan.warning.forecast import Forecast, forecast_panel
from duluan.warning.forecast_fit import DailySeries, forecast_all, synthetic_series
from tests.conftest import login, make_user

NOW = datetime(2026, 11, 24, 3, tzinfo=UTC)  # 10:00 in Vietnam: the 23rd is the last whole day
LAST_DAY = date(2026, 11, 23)
TOPIC = "land_projects"


def _cycle_with_trend(unit_id: int = 1, topic: str = TOPIC, seed: int = 1) -> DailySeries:
    return synthetic_series(
        unit_id=unit_id, topic=topic, last_day=LAST_DAY, days=91, level=40, trend=0.4, seed=seed
    )


def _by_measure(outcomes: list[forecast_fit.Outcome]) -> dict[str, forecast_fit.Outcome]:
    return {outcome.measure: outcome for outcome in outcomes}


def test_a_weekly_cycle_with_a_trend_is_forecast_and_beats_the_baseline() -> None:
    volume = _by_measure(forecast_all([_cycle_with_trend()]))["volume"]

    assert volume.beats_baseline and volume.reason is None
    assert volume.model_error is not None and volume.baseline_error is not None
    assert volume.model_error < (1 - forecast_fit.MARGIN) * volume.baseline_error
    assert [row["day"] for row in volume.horizon] == [
        (LAST_DAY + timedelta(days=i)).isoformat() for i in range(1, 8)
    ]
    for row in volume.horizon:
        assert 0 <= row["lo95"] <= row["lo80"] <= row["mean"] <= row["hi80"] <= row["hi95"]
    # The last weeks run at about 40 + 0.4 × 90 ≈ 76 a day (times the weekday's cycle).
    assert 50 < np.mean([row["mean"] for row in volume.horizon]) < 100
    # Saturday and Sunday (the 28th, 29th) are forecast below the weekdays around them.
    means = {row["day"]: row["mean"] for row in volume.horizon}
    assert means["2026-11-29"] < means["2026-11-26"]
    assert 0.5 <= volume.coverage[80] <= 1 and volume.coverage[95] >= volume.coverage[80]


def test_too_short_and_too_sparse_series_get_no_forecast_and_a_reason() -> None:
    short = synthetic_series(unit_id=1, topic="a", last_day=LAST_DAY, days=30, level=40)
    sparse = synthetic_series(unit_id=1, topic="b", last_day=LAST_DAY, days=91, level=0.4)
    few = synthetic_series(unit_id=1, topic="c", last_day=LAST_DAY, days=91, level=3, noise=0.1)

    outcomes = {(o.topic, o.measure): o for o in forecast_all([short, sparse, few])}

    assert outcomes[("a", "volume")].reason == "too_short"
    assert outcomes[("b", "volume")].reason == "too_sparse"
    assert outcomes[("c", "negative_share")].reason == "too_sparse"  # 3 a day: no share to read
    for outcome in (outcomes[("a", "volume")], outcomes[("b", "volume")]):
        assert not outcome.beats_baseline and outcome.horizon == []
        assert outcome.model_error is None and outcome.history  # the data is still kept


def test_a_model_that_does_not_beat_the_baseline_is_not_shown() -> None:
    # The same week over and over, without noise: last week's weekday is a perfect forecast.
    week = np.array([50.0, 60, 55, 52, 48, 20, 15])
    documents = np.tile(week, 13)
    repeated = DailySeries(1, "d", LAST_DAY - timedelta(days=90), documents, documents * 0.25)

    volume = _by_measure(forecast_all([repeated]))["volume"]

    assert volume.reason == "not_better" and volume.horizon == []
    assert volume.baseline_error == pytest.approx(0.0, abs=1e-9)
    assert volume.model_error is not None


def test_a_day_without_documents_does_not_break_the_negative_share() -> None:
    series = _cycle_with_trend()
    series.documents[-10] = series.negative[-10] = 0.0

    values, reason = forecast_fit.measure_values(series, "negative_share")

    assert reason is None and np.all((values >= 0) & (values <= 1))
    assert values[-10] == pytest.approx(series.negative.sum() / series.documents.sum())


# --- Stored forecasts ------------------------------------------------------------------------


KEY = ("day", "unit_id", "topic", "province_code", "sentiment", "kind")


def _write(db: Session, series: DailySeries) -> None:
    """The series as national daily roll-up rows of its topic, added to those of all topics."""
    for i, (count, negative) in enumerate(zip(series.documents, series.negative, strict=True)):
        day = series.first_day + timedelta(days=i)
        for topic in {series.topic, ALL}:
            for sentiment, n in (("negative", negative), ("neutral", count - negative)):
                if not n:
                    continue
                key = (day, series.unit_id, topic, ALL, sentiment, ALL)
                row = db.get(RollupDay, key) or RollupDay(
                    **dict(zip(KEY, key, strict=True)), documents=0
                )
                row.documents += int(n)
                db.add(row)
    db.commit()


def _unit(db: Session, code: str) -> int:
    return units.find_by_code(db, code).id


def test_forecasts_are_stored_once_per_series_and_replaced(engine: Engine, db: Session) -> None:
    lao_cai = _unit(db, "15")
    _write(db, _cycle_with_trend(lao_cai))
    factory = session_factory(engine)
    db.add(  # a series that has no documents any more: its row goes
        Forecast(
            unit_id=lao_cai, topic="education", measure="volume", last_day=LAST_DAY,
            model="AutoETS", model_version="old", beats_baseline=False, reason="too_short",
        )
    )  # fmt: skip
    db.commit()

    first = forecast.run(factory, NOW)
    ids = dict(db.execute(select(Forecast.id, Forecast.measure)).all())
    again = forecast.run(factory, NOW)
    db.expire_all()

    assert first.last_day == LAST_DAY and len(first.outcomes) == 4  # (topic, all) × 2 measures
    rows = db.scalars(select(Forecast).order_by(Forecast.topic, Forecast.measure)).all()
    assert [(r.topic, r.measure) for r in rows] == [
        (ALL, "negative_share"),
        (ALL, "volume"),
        (TOPIC, "negative_share"),
        (TOPIC, "volume"),
    ]
    assert dict(db.execute(select(Forecast.id, Forecast.measure)).all()) == ids  # updated in place
    assert [o.horizon for o in again.outcomes] == [o.horizon for o in first.outcomes]
    volume = next(r for r in rows if (r.topic, r.measure) == (TOPIC, "volume"))
    assert volume.beats_baseline and len(volume.horizon) == 7 and volume.reason is None
    assert volume.model_version.startswith("statsforecast ") and volume.last_day == LAST_DAY
    assert volume.history[-1][0] == LAST_DAY.isoformat() and volume.made_at == NOW


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def test_the_panel_shows_only_the_series_of_units_within_scope(engine: Engine, db: Session) -> None:
    _write(db, _cycle_with_trend(_unit(db, "15")))
    _write(db, _cycle_with_trend(_unit(db, "01"), seed=2))
    forecast.run(session_factory(engine), NOW)
    lao_cai = _actor(db, "lc.analyst", "analyst", "15")
    hanoi = _actor(db, "hn.analyst", "analyst", "01")
    collaborator = _actor(db, "lc.ctv", "collaborator", "15")

    mine = forecast_panel(db, lao_cai, TOPIC)
    theirs = forecast_panel(db, hanoi, TOPIC)

    assert mine is not None and theirs is not None
    assert [u["key"] for u in mine["units"]] == [_unit(db, "15")]
    assert [u["key"] for u in theirs["units"]] == [_unit(db, "01")]
    volume = mine["units"][0]["volume"]
    assert volume["shown"] and len(volume["chart"]["horizon"]) == 7
    assert volume["ratio"] < 1 - forecast_fit.MARGIN
    assert forecast_panel(db, lao_cai, "education") == {**mine, "topic": "education", "units": []}
    assert forecast_panel(db, collaborator, TOPIC) is None


def test_the_forecast_job_runs_from_the_registry_and_the_scheduler_asks_once_a_day(
    engine: Engine, db: Session
) -> None:
    _write(db, _cycle_with_trend(_unit(db, "15")))
    factory = session_factory(engine)
    clock = [NOW]
    tick = daily_forecasts(factory, clock=lambda: clock[0])

    due = list(tick())
    job = create_job(factory, due[0].kind, due[0].payload)

    assert [d.kind for d in due] == ["warning.forecast"]
    assert run_job(factory, job) is JobOutcome.DONE
    result = db.get_one(Job, job).result
    assert result == {"last_day": "2026-11-23", "series": 4, "shown": result["shown"],
                      "not_shown": 4 - result["shown"]}  # fmt: skip
    assert result["shown"] >= 1 and db.scalar(select(func.count(Forecast.id))) == 4
    clock[0] = NOW + timedelta(hours=5)
    assert list(tick()) == []  # the same Vietnamese day
    fresh = daily_forecasts(factory, clock=lambda: clock[0])  # after a restart
    assert list(fresh()) == []  # the stored forecasts are already today's
    clock[0] = NOW + timedelta(days=1)
    assert [d.kind for d in tick()] == ["warning.forecast"]


def test_the_cli_prints_what_was_fitted_and_whether_it_beats_the_baseline(
    db: Session, cli_database: None
) -> None:
    _write(db, _cycle_with_trend(_unit(db, "15")))
    _write(db, synthetic_series(unit_id=_unit(db, "15"), topic="education", last_day=LAST_DAY,
                                days=20, level=30))  # fmt: skip

    result = CliRunner().invoke(app, ["forecast", "run", "--json"])

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    rows = {(r["topic"], r["measure"]): r for r in printed["series"]}
    assert printed["model_version"].startswith("statsforecast ")
    land = rows[(TOPIC, "volume")]
    assert land["unit"] == "15" and land["model"] == "AutoETS" and land["beats_baseline"]
    assert land["model_error"] < land["baseline_error"] and len(land["horizon"]) == 7
    education = rows[("education", "volume")]
    assert education["reason"] == "too_short" and not education["beats_baseline"]
    assert db.scalar(select(func.count(Forecast.id))) == len(printed["series"])


def test_the_forecast_page_draws_the_panel_within_scope(db: Session, client: TestClient) -> None:
    _write(db, _cycle_with_trend(_unit(db, "15")))
    _write(db, synthetic_series(unit_id=_unit(db, "15"), topic="education", last_day=LAST_DAY,
                                days=91, level=0.3))  # fmt: skip
    forecast.run(session_factory(db.get_bind()), NOW)  # type: ignore[arg-type]
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    login(client, "lc.analyst")

    page = client.get(f"/warning/forecast/{TOPIC}")
    sparse = client.get("/warning/forecast/education")
    unknown = client.get("/warning/forecast/khong-co")
    everything = client.get("/warning/forecast/*")

    assert page.status_code == 200
    assert "data-forecast=" in page.text and "Khoảng 80%" in page.text and "AutoETS" in page.text
    assert "Kiểm định ngược" in page.text
    assert sparse.status_code == 200 and "data-forecast=" not in sparse.text
    assert "Không hiển thị dự báo" in sparse.text and "quá thưa" in sparse.text
    assert unknown.status_code == 404 and "khong-co" in unknown.text
    assert everything.status_code == 200 and "Tất cả chủ đề" in everything.text
    assert "data-forecast=" in everything.text
    client.post("/logout", data={})
    client.cookies.clear()
    login(client, "hn.analyst")
    other = client.get(f"/warning/forecast/{TOPIC}")
    assert other.status_code == 200 and "data-forecast=" not in other.text
    assert "Chưa có dự báo" in other.text


def test_the_topic_page_with_forecast_fills_the_block_the_topic_page_leaves() -> None:
    from duluan.web.render import templates

    page = templates.env.get_template("warning/topic_detail.html")
    parent = templates.env.get_template("topics/detail.html")

    assert "forecast" in parent.blocks and "forecast" in page.blocks
