"""`load_demo`: the labelled demo data set, loaded by every registered demo loader in turn.

Loading twice the same day stores nothing twice (stable external ids; detection's cool-down).
On a later day the 90-day window has moved: the days both windows cover are the same texts and
are skipped; the days since are added, and the hotspots are injected again relative to the new
day (the older episodes stay, with their alerts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from duluan.auth import units
from duluan.db.engine import transaction
from duluan.demo import accounts
from duluan.demo.hotspots import HOTSPOTS, Hotspot
from duluan.demo.plan import DEFAULT_DAYS, DemoPlan
from duluan.demo.registry import LOADERS, DemoLoader
from duluan.errors import BadInput
from duluan.settings import get_settings

DemoProgress = Callable[[DemoLoader, int, int | None], None]  # loader, done, in all when known
MIN_DAYS = 30  # the detectors need four weeks of baseline before a hotspot
MAX_DAYS = 366
MIN_SCALE, MAX_SCALE = 0.01, 20.0


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    accounts_created: list[str] = field(default_factory=list)
    hotspots: tuple[Hotspot, ...] = HOTSPOTS


def load_demo(
    factory: sessionmaker[Session],
    *,
    now: datetime,
    days: int = DEFAULT_DAYS,
    scale: float = 1.0,
    progress: DemoProgress | None = None,
    force: bool = False,
    secret: str | None = None,
    loaders: Sequence[DemoLoader] = LOADERS,
) -> DemoSummary:
    """Load the demo into a migrated database (the 2025 map is loaded if missing).

    Refuses (Conflict) a database with sources that are not the demo's unless `force`
    (see `demo.accounts`); BadInput for days or scale out of range."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise BadInput("demo.bad_days", min=MIN_DAYS, max=MAX_DAYS, days=days)
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise BadInput("demo.bad_scale", min=MIN_SCALE, max=MAX_SCALE, scale=scale)
    summary = DemoSummary()
    with transaction(factory, write=True) as session:
        if not force:
            accounts.check_no_real_data(session)
        units.load_administrative_map(session)
        summary.accounts_created = [a.username for a in accounts.ensure_accounts(session)]
    for loader in loaders:
        plan = DemoPlan(
            factory,
            now,
            days=days,
            scale=scale,
            secret=secret or get_settings().secret_key,
            progress=partial(progress, loader) if progress else None,
        )
        summary.counts.update(loader.load(plan))
    return summary
