"""Helpers of the early-warning tests: SYNTHETIC hourly roll-ups written into the test database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.warning import synthetic
from duluan.warning.series import HISTORY_HOURS

# Histories start at 14:00 in Vietnam, so the end of the first full history is 14:00 too.
START = datetime(2026, 10, 5, 7, tzinfo=UTC)
END = START + timedelta(hours=HISTORY_HOURS)  # the first hour at which detection can run
Loader = Callable[..., synthetic.World]


@pytest.fixture
def load(db: Session) -> Loader:
    """Write a SYNTHETIC world of HISTORY_HOURS (+ `extra`) hours for Lào Cai's unit; commit."""

    def loader(
        specs: Sequence[synthetic.SeriesSpec],
        events: Sequence[synthetic.InjectedEvent] = (),
        *,
        extra: int = 0,
        seed: int = 7,
    ) -> synthetic.World:
        world = synthetic.generate(
            specs, events, start=START, hours=HISTORY_HOURS + extra, seed=seed
        )
        synthetic.write(db, world, units.find_by_code(db, "15").id)
        db.commit()
        return world

    return loader
