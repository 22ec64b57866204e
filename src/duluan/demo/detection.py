"""Demo loader of early warning: the detectors replayed over the hours of each injected hotspot,
as the hourly schedule would have run them had the demo been collected live.

Replaying every hour of 90 days would cost minutes; the hours that matter are those of the
hotspots (every `STEP_HOURS` from their start to a few hours after their end) and the last
complete hour. `detect` stores its alerts with the cool-down it always applies, so the replay
adds nothing when run again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from duluan.analysis.rollups import hour_of
from duluan.db.engine import transaction
from duluan.demo.hotspots import HOTSPOTS
from duluan.demo.plan import DemoPlan
from duluan.warning.detect import detect

STEP_HOURS = 6
AFTER_HOURS = 3  # hours after a hotspot's end still replayed (its last windows)


def replay_hours(plan: DemoPlan) -> list[datetime]:
    """The hours at which detection runs, oldest first, none after `plan.now`."""
    hours = {hour_of(plan.now)}
    for hotspot in HOTSPOTS:
        start, end = hotspot.start(plan.anchor), hotspot.end(plan.anchor)
        if start.date() < plan.first_day:
            continue
        moment = hour_of(start) + timedelta(hours=STEP_HOURS)
        while moment <= min(end + timedelta(hours=AFTER_HOURS), plan.now):
            hours.add(moment)
            moment += timedelta(hours=STEP_HOURS)
    return sorted(hours)


def load(plan: DemoPlan) -> dict[str, int]:
    """Run detection at each replay hour; the number of alerts stored."""
    hours = replay_hours(plan)
    alerts = 0
    plan.report(0, len(hours))
    for done, moment in enumerate(hours, start=1):
        with transaction(plan.factory, write=True) as session:
            alerts += len(detect(session, moment))
        plan.report(done, len(hours))
    return {"detection_runs": len(hours), "alerts_new": alerts}
