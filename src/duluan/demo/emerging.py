"""Demo loader of emerging issues: one clustering run at the demo's hour, as the hourly schedule
runs it, so that the complaints no topic names (the stray dogs of Cốc Lếu, `hotspots.py`) show on
the emerging-issues page. A second run keeps the same clusters (`emerging_store` matches them)."""

from __future__ import annotations

from duluan.analysis.emerging_store import emerging_job
from duluan.demo.plan import DemoPlan


def load(plan: DemoPlan) -> dict[str, int]:
    """Run the clustering for every unit at `plan.now`; the number of active clusters."""
    result = emerging_job(plan.factory, {"at": plan.now.isoformat()}, plan.report)
    return {"emerging_clusters": int(result["clusters"])}
