"""What one demo load is asked for, shared by every demo loader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from duluan.demo.corpus import anchor_day
from duluan.ingest.service import Progress

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class DemoPlan:
    """The demo covers the `days` days that end today (in Vietnam); nothing is dated after `now`.
    `scale` multiplies the everyday volume (1.0: about 300 documents a weekday)."""

    factory: sessionmaker[Session]
    now: datetime
    days: int = DEFAULT_DAYS
    scale: float = 1.0
    secret: str = ""
    progress: Progress | None = None

    @property
    def anchor(self) -> date:
        return anchor_day(self.now)

    @property
    def first_day(self) -> date:
        return self.anchor - timedelta(days=self.days - 1)

    def report(self, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(done, total)
